package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/**
 * A return the patron has not yet been told of; kept until the patron confirms. {@code
 * tellTitle}: the copy's title hears of it too (see {@link CurrentLoan#titleWantsReturn}); null in
 * returns recorded before this was: told.
 */
public record UnsettledReturn(
    String checkoutId, String cardNumber, Instant returnedAt, String holdId, Boolean tellTitle)
    implements CborSerializable {

  public boolean titleToBeTold() {
    return !Boolean.FALSE.equals(tellTitle);
  }
}
