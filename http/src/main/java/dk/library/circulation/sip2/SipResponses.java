package dk.library.circulation.sip2;

import static dk.library.circulation.sip2.SipMessage.field;
import static dk.library.circulation.sip2.SipMessage.yesNo;

import dk.library.circulation.Rejection;

/**
 * The negative response of each request, with its fixed fields in the standard's order and the
 * reason on screen: what a machine gets when a request is refused, cannot be served before a login,
 * or failed. A request without a response of its own is answered 96.
 */
final class SipResponses {

  private SipResponses() {}

  /** Screen message (AF) and, for a rule's refusal, the rule's code as print line (AG). */
  static String screen(SipTexts texts, Rejection refusal) {
    return field("AF", texts.refusal(refusal)) + field("AG", refusal.code().name());
  }

  /**
   * The negative response to {@code m} refused by a rule, the rule on screen in the login's
   * language.
   */
  static String refused(SipMessage m, SipTerminal t, String date, Rejection refusal) {
    return negative(
        m,
        t.agencyId(),
        date,
        t.texts().code(),
        refusal.code() != Rejection.Code.PATRON_NOT_FOUND,
        screen(t.texts(), refusal));
  }

  /** The negative response to {@code m} with {@code text} on screen. */
  static String refused(SipMessage m, SipTerminal t, String date, String text) {
    return negative(m, t.agencyId(), date, t.texts().code(), true, screen(text));
  }

  static String screen(String text) {
    return field("AF", text);
  }

  /**
   * The negative response to {@code m}; {@code knownPatron} fills "valid patron" (BL) where the
   * response has it.
   */
  static String negative(
      SipMessage m,
      String agencyId,
      String date,
      String language,
      boolean knownPatron,
      String screen) {
    String card = m.field("AA");
    String item = m.field("AB");
    String head = date + field("AO", agencyId);
    String patron =
        field("AA", card) + field("AE", "") + field("BL", yesNo(knownPatron)) + field("CQ", "N");
    String denied = "YYYY" + " ".repeat(10) + language;
    return switch (m.command()) {
      case "11" ->
          "120NNN" + head + field("AA", card) + field("AB", item) + field("AJ", "") + screen;
      case "09" -> "100NNN" + head + field("AB", item) + field("AQ", "") + screen;
      case "29" ->
          "300NNN" + head + field("AA", card) + field("AB", item) + field("AJ", "") + screen;
      case "65" -> "660" + "0000" + "0000" + head + screen;
      case "23", "01" -> "24" + denied + head + patron + screen;
      case "63" ->
          "64" + denied + date + "0000".repeat(6) + field("AO", agencyId) + patron + screen;
      case "25" -> "26" + denied + head + patron + screen;
      case "17" -> "18" + "01" + "00" + "01" + date + field("AB", item) + field("AJ", "") + screen;
      case "19" -> "20" + "0" + date + field("AB", item) + field("AJ", "") + screen;
      case "15" -> "16" + "0" + "N" + head + field("AA", card) + screen;
      case "35" -> "36" + "N" + head + field("AA", card) + screen;
      case "37" -> "38" + "N" + head + field("AA", card) + field("BK", m.field("BK")) + screen;
      default -> "96";
    };
  }
}
