package dk.library.circulation.ill;

/**
 * The status values of ISO 18626 (interlibrary loan transactions), spelled as the standard spells
 * them so partners' systems read them unchanged.
 */
public enum IsoStatus {
  RequestReceived,
  ExpectToSupply,
  WillSupply,
  Loaned,
  Overdue,
  Recalled,
  Unfilled,
  LoanCompleted,
  Cancelled
}
