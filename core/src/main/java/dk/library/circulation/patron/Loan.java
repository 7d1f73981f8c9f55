package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalDate;

/** One item on loan to a patron. {@code checkoutId} is the client transaction that made it. */
public record Loan(
    String barcode,
    String checkoutId,
    String agencyId,
    String branchId,
    Instant checkedOutAt,
    LocalDate dueDate,
    int renewals,
    LoanTerms terms)
    implements CborSerializable {

  Loan renewedUntil(LocalDate newDueDate) {
    return new Loan(
        barcode, checkoutId, agencyId, branchId, checkedOutAt, newDueDate, renewals + 1, terms);
  }
}
