package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One item on loan to a patron. {@code checkoutId} is the client transaction that made it. {@code
 * remindersTaken}: the steps of its reminder schedule taken for the current due date ({@link
 * Reminders}); {@code lostAt}: when it was declared lost after its last overdue notice (R31), null
 * while it is not. A lost copy stays on the patron's record until it turns up (R37).
 */
public record Loan(
    String barcode,
    String checkoutId,
    String agencyId,
    String branchId,
    Instant checkedOutAt,
    LocalDate dueDate,
    int renewals,
    LoanTerms terms,
    int remindersTaken,
    Instant lostAt)
    implements CborSerializable {

  Loan(
      String barcode,
      String checkoutId,
      String agencyId,
      String branchId,
      Instant checkedOutAt,
      LocalDate dueDate,
      int renewals,
      LoanTerms terms) {
    this(barcode, checkoutId, agencyId, branchId, checkedOutAt, dueDate, renewals, terms, 0, null);
  }

  /** A new due date starts the reminder schedule again. */
  Loan renewedUntil(LocalDate newDueDate) {
    return new Loan(
        barcode,
        checkoutId,
        agencyId,
        branchId,
        checkedOutAt,
        newDueDate,
        renewals + 1,
        terms,
        0,
        lostAt);
  }

  Loan reminded(int steps) {
    return new Loan(
        barcode,
        checkoutId,
        agencyId,
        branchId,
        checkedOutAt,
        dueDate,
        renewals,
        terms,
        steps,
        lostAt);
  }

  Loan lost(Instant at) {
    return new Loan(
        barcode,
        checkoutId,
        agencyId,
        branchId,
        checkedOutAt,
        dueDate,
        renewals,
        terms,
        remindersTaken,
        at);
  }

  boolean isLost() {
    return lostAt != null;
  }
}
