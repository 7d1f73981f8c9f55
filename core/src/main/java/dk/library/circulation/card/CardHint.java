package dk.library.circulation.card;

/**
 * What a receipt or an item's status shows of the borrower's card: enough for the patron to
 * recognise it, nothing that finds the patron. An item knows its borrower only by the patron's key
 * (the first card number, or a keyed hash of a CPR number, {@link CprIndex}); neither is shown.
 */
public final class CardHint {

  /** What a CPR-registered card shows: no digit of a CPR number is ever printed. */
  public static final String CPR_CARD = "CPR card";

  private CardHint() {}

  /**
   * The last four characters of a card number, the rest masked (at most half of a short number is
   * shown); {@link #CPR_CARD} for a key that is a CPR number's hash; null for null.
   */
  public static String ofPatronKey(String patronKey) {
    if (patronKey == null) {
      return null;
    }
    if (patronKey.startsWith(CprIndex.PREFIX) || CprIndex.looksLikeCpr(patronKey)) {
      return CPR_CARD;
    }
    return masked(patronKey);
  }

  /** The last four characters of a number, the rest masked (at most half of a short one shown). */
  public static String masked(String number) {
    if (number == null) {
      return null;
    }
    int shown = Math.min(4, number.length() / 2);
    return "*".repeat(number.length() - shown) + number.substring(number.length() - shown);
  }
}
