package dk.library.circulation.patron;

import static dk.library.circulation.Rejection.Code.ACCOUNT_NOT_SETTLED;
import static dk.library.circulation.Rejection.Code.CARD_DELETED;
import static dk.library.circulation.Rejection.Code.IDENTITY_NOT_VERIFIED;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.card.CardHint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * R39 as pure functions: a patron may have the account deleted only when every loan is returned and
 * every fee paid; holds are cancelled first, so no title is waiting to hand the patron a copy. The
 * deletion takes along every card that names the patron, the copies that still remember a returned
 * loan and the titles that remember a past hold.
 */
public final class ErasureRules {

  /** The photo ID staff may confirm the patron with before a deletion. */
  public static final List<String> PHOTO_IDS =
      List.of("passport", "driving-licence", "national-id-card", "residence-card");

  private ErasureRules() {}

  public static Decision<PatronEvent> erase(
      PatronState state, String patronKey, PatronCommand.EraseAccount cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(PatronRules.notFound(patronKey));
    }
    if (!PHOTO_IDS.contains(cmd.identityDocument())) {
      return Decision.refuse(
          IDENTITY_NOT_VERIFIED,
          "a deletion needs the patron's photo ID seen by staff (R39): one of "
              + String.join(", ", PHOTO_IDS));
    }
    List<String> open = new ArrayList<>();
    if (!state.loans().isEmpty() || !state.pending().isEmpty()) {
      open.add((state.loans().size() + state.pending().size()) + " loan(s) to return");
    }
    if (state.ledger().balanceDkk() > 0) {
      open.add(state.ledger().balanceDkk() + " DKK in fees to pay");
    }
    if (state.ledger().openClaimsDkk() > 0) {
      open.add(state.ledger().openClaimsDkk() + " DKK with debt collection to pay");
    }
    if (!state.holds().isEmpty()) {
      open.add(state.holds().size() + " hold(s) to cancel");
    }
    if (!open.isEmpty()) {
      return Decision.refuse(
          ACCOUNT_NOT_SETTLED,
          "the account of card "
              + CardHint.ofPatronKey(patronKey)
              + " can be deleted only when it is settled (R39): "
              + String.join(", ", open));
    }
    return Decision.persist(begun(state, patronKey, now));
  }

  /** The deletion of a registered account, with every record elsewhere it takes along. */
  static PatronEvent.AccountErasureBegun begun(PatronState state, String patronKey, Instant now) {
    List<String> cards = new ArrayList<>();
    cards.add(patronKey);
    cards.addAll(state.profile().otherCards());
    return new PatronEvent.AccountErasureBegun(
        new AccountErasure(
            patronKey,
            cards,
            state.history().returned(),
            state.history().heldTitles(),
            now,
            state.history().namedIn()));
  }

  public static Rejection cardDeleted(String cardNumber) {
    return Rejection.of(
        CARD_DELETED,
        "card "
            + CardHint.ofPatronKey(cardNumber)
            + " belonged to a deleted account and is never used again;"
            + " register the person with a new card");
  }
}
