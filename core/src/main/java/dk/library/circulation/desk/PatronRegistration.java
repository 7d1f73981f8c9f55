package dk.library.circulation.desk;

import dk.library.circulation.patron.PatronFacts;

/** A new patron as registered by staff; the PIN is hashed before it reaches any entity. */
public record PatronRegistration(
    String cardNumber,
    String pin,
    String name,
    String email,
    String mobile,
    String homeAgencyId,
    String category,
    PatronFacts facts) {
  @Override
  public String toString() {
    return "PatronRegistration[" + cardNumber + "]";
  }
}
