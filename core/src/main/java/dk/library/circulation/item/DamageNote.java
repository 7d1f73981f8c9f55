package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/** R24: damage seen on the item at a checkout, recorded before the borrower takes it home. */
public record DamageNote(String note, String checkoutId, Instant recordedAt)
    implements CborSerializable {}
