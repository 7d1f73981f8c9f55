package dk.library.circulation.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection.Code;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CardRulesTest {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final Card.State ISSUED = new Card.State("0101701234", null);
  static final Card.State LOST =
      new Card.State("0101701234", new Card.Lost("9000000001", "staff-1", NOW));

  @Test
  void R12_aReportedCardIsBlockedForGoodAndItsNumberNeverIssuedAgain() {
    Decision<Card.Event> report =
        CardRules.reportLost(
            ISSUED, "0101701234", new Card.ReportLost("9000000001", "staff-1", null), NOW);
    Card.ReportedLost lost =
        (Card.ReportedLost) ((Decision.Persist<Card.Event>) report).events().get(0);
    assertEquals("9000000001", lost.lost().replacement());
    assertInstanceOf(
        Decision.Unchanged.class,
        CardRules.reportLost(
            LOST, "0101701234", new Card.ReportLost("9000000001", "staff-1", null), NOW));
    Decision<Card.Event> reissue =
        CardRules.issue(LOST, "0101701234", new Card.Issue("0101701234", null), NOW);
    assertEquals(
        Code.CARD_REPORTED_LOST,
        assertInstanceOf(Decision.Refuse.class, reissue).rejection().code());
  }

  @Test
  void R13_R12_aCardNumberBelongsToOnePatron() {
    assertInstanceOf(
        Decision.Unchanged.class,
        CardRules.issue(ISSUED, "0101701234", new Card.Issue("0101701234", null), NOW));
    Decision<Card.Event> other =
        CardRules.issue(ISSUED, "0101701234", new Card.Issue("0202802345", null), NOW);
    assertEquals(
        Code.CARD_IN_USE, assertInstanceOf(Decision.Refuse.class, other).rejection().code());
  }
}
