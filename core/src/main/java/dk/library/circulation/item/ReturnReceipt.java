package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/** R17, R22: the patron's proof that the item came back, and where. */
public record ReturnReceipt(
    String returnId,
    String barcode,
    String title,
    String titleId,
    String cardNumber,
    String checkoutId,
    String agencyId,
    String branchId,
    Instant returnedAt)
    implements CborSerializable {}
