package dk.library.circulation.desk;

import java.time.LocalDate;

/**
 * A patron's reservation (R25) as the web library, a phone call taken by staff or the staff desk
 * sends it. {@code holdId} is the client's id: the same id again never makes a second hold. {@code
 * pickupBranchId} is the patron's choice (R27); {@code barcode}, optional, asks for one copy where
 * the agency allows that; {@code notInterestedAfter}, optional, ends the hold unfilled after that
 * date.
 */
public record HoldRequest(
    String holdId,
    String cardNumber,
    String agencyId,
    String titleId,
    String pickupBranchId,
    String barcode,
    LocalDate notInterestedAfter) {}
