package dk.library.circulation.card;

import static dk.library.circulation.Rejection.Code.CARD_IN_USE;
import static dk.library.circulation.Rejection.Code.CARD_REPORTED_LOST;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import java.time.Instant;

/** Decisions about a card number, as pure functions (R12). */
public final class CardRules {

  private CardRules() {}

  /** A number belongs to one patron for good: a lost number is never issued again. */
  public static Decision<Card.Event> issue(
      Card.State state, String cardNumber, Card.Issue cmd, Instant now) {
    if (state.lost() != null) {
      return new Decision.Refuse<>(lost(cardNumber, state.lost()));
    }
    if (state.patronKey() != null) {
      return state.patronKey().equals(cmd.patronKey())
          ? Decision.unchanged()
          : Decision.refuse(
              CARD_IN_USE,
              "card number "
                  + CardHint.ofPatronKey(cardNumber)
                  + " is already issued to another patron");
    }
    return Decision.persist(new Card.Issued(cmd.patronKey(), now));
  }

  /** R12: reporting blocks the number at once and for good; reporting again changes nothing. */
  public static Decision<Card.Event> reportLost(
      Card.State state, String cardNumber, Card.ReportLost cmd, Instant now) {
    if (state.lost() != null) {
      return Decision.unchanged();
    }
    return Decision.persist(
        new Card.ReportedLost(new Card.Lost(cmd.replacement(), cmd.reportedBy(), now)));
  }

  public static Rejection lost(String cardNumber, Card.Lost lost) {
    return Rejection.of(
        CARD_REPORTED_LOST,
        "card "
            + cardNumber
            + " was reported lost or stolen on "
            + lost.at()
            + " and can never be used again; use the replacement card");
  }
}
