package dk.library.circulation.access;

import dk.library.circulation.card.CardHint;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets and personal numbers out of logs and the audit trail: card and CPR numbers show
 * only their last four digits, credentials not at all.
 */
public final class Masking {

  private static final Pattern DIGIT_RUN =
      Pattern.compile("(?<![0-9])[0-9]{2,}([0-9]{4})(?![0-9])");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)\\S+");
  private static final Pattern API_KEY = Pattern.compile("(lck_[a-z0-9-]+_)[A-Za-z0-9_-]+");
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
  private static final Pattern PIN_FIELD = Pattern.compile("(?i)(\"?pin\"?\\s*[:=]\\s*\"?)[0-9]+");

  /**
   * Where libraries write a card number that is not all digits: a request path under /patrons/
   * (Pekko HTTP's warnings), a card's or patron's persistence id and sharding actor path (Pekko's
   * persistence and supervision errors).
   */
  private static final List<Pattern> CARD_NUMBER_PLACES =
      List.of(
          Pattern.compile("(/patrons/)([^/\\s?#\"\\]]+)"),
          Pattern.compile("((?:Patron|Card)\\|)([^\\s,\\])\"]+)"),
          Pattern.compile("(/sharding/(?:Patron|Card)/[^/\\s]+/)([^/\\s\\]#\"]+)"));

  private Masking() {}

  /** A card number as the audit trail shows it: the last four characters. */
  public static String card(String cardNumber) {
    return CardHint.masked(cardNumber);
  }

  /** Free text (a log line) with every digit run of six or more, key, token and PIN masked. */
  public static String text(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String masked = BEARER.matcher(text).replaceAll("$1[redacted]");
    masked = API_KEY.matcher(masked).replaceAll("$1[redacted]");
    masked = JWT.matcher(masked).replaceAll("[token]");
    masked = PIN_FIELD.matcher(masked).replaceAll("$1****");
    for (Pattern place : CARD_NUMBER_PLACES) {
      masked =
          place
              .matcher(masked)
              .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + card(m.group(2))));
    }
    return DIGIT_RUN
        .matcher(masked)
        .replaceAll(m -> "*".repeat(m.group().length() - 4) + m.group(1));
  }
}
