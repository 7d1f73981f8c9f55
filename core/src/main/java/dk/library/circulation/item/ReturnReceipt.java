package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/**
 * R17, R22: the patron's proof that the item came back, and where. {@code holdId}: the hold (or
 * interlibrary request, R29) the loan was collected under, if any; {@code ownerAgencyId}: the
 * agency the copy belongs to (another than {@code agencyId} for an interlibrary loan: send it
 * back).
 */
public record ReturnReceipt(
    String returnId,
    String barcode,
    String title,
    String titleId,
    String cardNumber,
    String checkoutId,
    String agencyId,
    String branchId,
    Instant returnedAt,
    String holdId,
    String ownerAgencyId)
    implements CborSerializable {}
