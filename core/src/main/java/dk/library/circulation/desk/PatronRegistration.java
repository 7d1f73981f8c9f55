package dk.library.circulation.desk;

/** A new patron as registered by staff; the PIN is hashed before it reaches any entity. */
public record PatronRegistration(
    String cardNumber,
    String pin,
    String name,
    String email,
    String mobile,
    String homeAgencyId,
    String category) {
  @Override
  public String toString() {
    return "PatronRegistration[" + cardNumber + "]";
  }
}
