package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A checkout the patron approved whose item side is not settled yet. It counts against the loan
 * limit until it becomes a loan or is abandoned, so concurrent checkouts cannot pass the limit.
 */
public record PendingCheckout(
    String checkoutId,
    String barcode,
    String agencyId,
    String branchId,
    Instant approvedAt,
    LocalDate dueDate,
    LoanTerms terms)
    implements CborSerializable {

  public CheckoutReceipt receipt(String cardNumber) {
    return new CheckoutReceipt(
        checkoutId, cardNumber, barcode, agencyId, branchId, approvedAt, dueDate);
  }

  Loan toLoan() {
    return new Loan(barcode, checkoutId, agencyId, branchId, approvedAt, dueDate, 0, terms);
  }
}
