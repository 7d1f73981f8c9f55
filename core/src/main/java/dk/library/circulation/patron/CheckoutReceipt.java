package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalDate;

/** R17: the patron's proof of a checkout, with its due date. */
public record CheckoutReceipt(
    String checkoutId,
    String cardNumber,
    String barcode,
    String agencyId,
    String branchId,
    Instant checkedOutAt,
    LocalDate dueDate)
    implements CborSerializable {

  /** The same receipt, under the card number the checkout used (R12: a replacement). */
  public CheckoutReceipt withCardNumber(String card) {
    return new CheckoutReceipt(
        checkoutId, card, barcode, agencyId, branchId, checkedOutAt, dueDate);
  }
}
