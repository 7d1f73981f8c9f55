package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/** A return the patron has not yet been told of; kept until the patron confirms. */
public record UnsettledReturn(
    String checkoutId, String cardNumber, Instant returnedAt, String holdId)
    implements CborSerializable {}
