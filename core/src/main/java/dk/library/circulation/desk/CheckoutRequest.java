package dk.library.circulation.desk;

/**
 * A checkout as a self-service machine or staff desk sends it. {@code checkoutId} is the client's
 * transaction id, unique for {@code clientId} (the API client that sends it): a retry with the same
 * id never makes a second loan, and the id used again for another checkout is refused. {@code
 * damageNote}, optional, is damage seen on the item now (R24). {@code pickupToken}, optional, is
 * the token of a forwarded pickup notice, which lets its bearer collect a copy held for someone
 * else (R28).
 */
public record CheckoutRequest(
    String clientId,
    String checkoutId,
    String cardNumber,
    String pin,
    String barcode,
    String agencyId,
    String branchId,
    String damageNote,
    String pickupToken) {

  /** The same checkout addressed to the patron's key (the card index's answer). */
  CheckoutRequest forPatron(String patronKey) {
    return new CheckoutRequest(
        clientId, checkoutId, patronKey, pin, barcode, agencyId, branchId, damageNote, pickupToken);
  }

  @Override
  public String toString() {
    return "CheckoutRequest["
        + checkoutId
        + ", "
        + barcode
        + " at "
        + agencyId
        + "/"
        + branchId
        + "]";
  }
}
