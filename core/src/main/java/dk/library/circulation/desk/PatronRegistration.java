package dk.library.circulation.desk;

import dk.library.circulation.patron.PatronFacts;
import dk.library.circulation.patron.PinHash;

/**
 * A new patron as registered by staff; the PIN is hashed before it reaches any entity. A patron
 * migrated from another system brings {@code pinHash} instead of {@code pin} (exactly one of them).
 * {@code cpr}, optional, is the CPR number of a patron with a library card, stored only as a keyed
 * hash (R14).
 */
public record PatronRegistration(
    String cardNumber,
    String pin,
    PinHash pinHash,
    String name,
    String email,
    String mobile,
    String homeAgencyId,
    String category,
    PatronFacts facts,
    String cpr) {
  @Override
  public String toString() {
    // Card and CPR numbers stay out of logs: only the last four characters.
    return "PatronRegistration[..."
        + cardNumber.substring(Math.max(0, cardNumber.length() - 4))
        + "]";
  }
}
