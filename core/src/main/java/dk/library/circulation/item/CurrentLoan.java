package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/**
 * The item's side of a loan: to whom, under which checkout, where and when. {@code agencyId} is the
 * agency it was lent at (another agency for an interlibrary loan, R29; null in loans made before it
 * was recorded: the owner); {@code holdId} the hold it was collected under, if any.
 */
public record CurrentLoan(
    String checkoutId,
    String cardNumber,
    String branchId,
    Instant checkedOutAt,
    String agencyId,
    String holdId)
    implements CborSerializable {}
