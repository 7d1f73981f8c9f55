package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.done;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.card.Card;
import dk.library.circulation.card.CardRules;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronRules;
import dk.library.circulation.patron.PinHash;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.Policy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Patrons' accounts and cards as staff, machines and the patrons themselves change them: a
 * registration claims its numbers before the patron exists (R12, R14, R21), a lost card is blocked
 * for good and replaced (R12), an institution gets more cards (R9); identity seen (R2, R15),
 * contact details (R5, R11), PIN unlocked or reset (R4), a guardian's consent (R6). A number is
 * claimed once and never issued again, also after its account is deleted (R39); every step is
 * idempotent, so a retry after a crash finishes what it began.
 */
public final class PatronDesk {

  private final CirculationDesk desk;

  PatronDesk(CirculationDesk desk) {
    this.desk = desk;
  }

  /** R21: a category, when given, must be one the home agency's policy lists. */
  public CompletionStage<Result<PatronReply.Status>> registerPatron(
      PatronRegistration registration) {
    return desk.policy(registration.homeAgencyId())
        .thenCompose(
            home -> {
              if (home instanceof Result.Refused<Policy.PolicyVersion> refused) {
                return done(refused.rejection());
              }
              AgencyPolicy policy = ((Result.Ok<Policy.PolicyVersion>) home).value().policy();
              Rejection refusal = registration.refusal(policy, desk.today());
              if (refusal != null) {
                return done(refusal);
              }
              // Hashed here, so the patron entity and its journal never see the PIN itself.
              PinHash pin = registration.pinHashUnder(desk.settings().pinKey());
              String key = desk.indexId(registration.cardNumber());
              // R12: the numbers are claimed first, so a lost or reissued number is never reused;
              // R14: a CPR given beside a library card finds the same patron at a terminal.
              List<String> otherCards =
                  registration.cpr() == null
                      ? List.of()
                      : List.of(desk.indexId(registration.cpr()));
              return claim(registration.cardNumber(), key)
                  .thenCompose(
                      card ->
                          card != null || registration.cpr() == null
                              ? CompletableFuture.completedFuture(card)
                              : claim(registration.cpr(), key))
                  .thenCompose(
                      refused ->
                          refused != null
                              ? done(refused)
                              : register(registration, pin, key, otherCards, policy.retention())
                                  .thenApply(
                                      r ->
                                          r.map(s -> s.withCardNumber(registration.cardNumber()))));
            });
  }

  /**
   * Claims a number for the patron's key: null when claimed, else why not. R39: a deleted account's
   * card is never claimed again.
   */
  private CompletionStage<Rejection> claim(String number, String key) {
    return desk.privacy()
        .refusalOfRetired(number)
        .thenCompose(
            retired ->
                retired != null
                    ? CompletableFuture.completedFuture(retired)
                    : desk.ask(
                            desk.cardRef(number),
                            (ActorRef<Card.Reply> r) -> new Card.Issue(key, r))
                        .thenApply(
                            reply ->
                                reply instanceof Card.Rejected rejected
                                    ? rejected.rejection()
                                    : null));
  }

  /** R39: the patron records the card before it is claimed, so a deletion takes it along. */
  private CompletionStage<Rejection> recordAndClaim(String number, String key) {
    return desk.ask(
            desk.patronRef(key),
            (ActorRef<PatronReply> r) -> new PatronCommand.RecordCard(desk.indexId(number), r))
        .thenCompose(
            recorded ->
                recorded instanceof PatronReply.Rejected rejected
                    ? CompletableFuture.completedFuture(rejected.rejection())
                    : claim(number, key));
  }

  private CompletionStage<Result<PatronReply.Status>> register(
      PatronRegistration registration,
      PinHash pin,
      String key,
      List<String> otherCards,
      AgencyPolicy.Retention retention) {
    return desk.ask(
            desk.patronRef(key),
            (ActorRef<PatronReply> r) -> registration.command(pin, otherCards, retention, r))
        .thenApply(CirculationDesk::patronStatus);
  }

  /**
   * R12: blocks a lost or stolen card at once and for good and issues the replacement number to the
   * same patron. The replacement is claimed first; each step is idempotent, so a retry after a
   * crash finishes the report.
   */
  public CompletionStage<Result<PatronReply.Status>> reportLostCard(
      String cardNumber, String replacement, String reportedBy) {
    return desk.ask(desk.cardRef(cardNumber), Card.Get::new)
        .thenCompose(
            reply -> {
              Card.Found card = (Card.Found) reply;
              if (card.lost() != null && !replacement.equals(card.lost().replacement())) {
                return done(CardRules.lost(cardNumber, card.lost()));
              }
              String key = card.patronKey() != null ? card.patronKey() : desk.indexId(cardNumber);
              return desk.ask(desk.patronRef(key), PatronCommand.GetStatus::new)
                  .thenApply(CirculationDesk::patronStatus)
                  .thenCompose(
                      patron ->
                          patron instanceof Result.Refused<PatronReply.Status> refused
                              ? done(refused.rejection())
                              : replaceCard(cardNumber, replacement, reportedBy, key));
            });
  }

  /** R9: another card for an institution account; its loans are the institution's. */
  public CompletionStage<Result<PatronReply.Status>> addInstitutionCard(
      String cardNumber, String newCard) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            desk.ask(desk.patronRef(key), PatronCommand.GetStatus::new)
                .thenApply(CirculationDesk::patronStatus)
                .thenCompose(
                    status -> {
                      if (status instanceof Result.Refused<PatronReply.Status> refused) {
                        return done(refused.rejection());
                      }
                      Rejection notInstitution =
                          PatronRules.additionalCardRefusal(
                              ((Result.Ok<PatronReply.Status>) status).value().facts());
                      if (notInstitution != null) {
                        return done(notInstitution);
                      }
                      return recordAndClaim(newCard, key)
                          .thenCompose(
                              refused ->
                                  refused != null ? done(refused) : desk.patronStatus(newCard));
                    }));
  }

  private CompletionStage<Result<PatronReply.Status>> replaceCard(
      String cardNumber, String replacement, String reportedBy, String key) {
    return recordAndClaim(replacement, key)
        .thenCompose(
            refused -> {
              if (refused != null) {
                return done(refused);
              }
              return ownCardLost(cardNumber, replacement, reportedBy, key)
                  .thenCompose(
                      recorded ->
                          desk.ask(
                              desk.cardRef(cardNumber),
                              (ActorRef<Card.Reply> r) ->
                                  new Card.ReportLost(replacement, reportedBy, r)))
                  .thenCompose(lost -> desk.patronStatus(replacement));
            });
  }

  /**
   * When the lost number is the one the patron's key was made from, the patron records it first:
   * from then on the patron refuses it on every lookup (the desk's {@code patronKey}), before the
   * card's own record says so.
   */
  private CompletionStage<PatronReply> ownCardLost(
      String cardNumber, String replacement, String reportedBy, String key) {
    if (!key.equals(desk.indexId(cardNumber))) {
      return CompletableFuture.completedFuture(null);
    }
    Card.Lost lost = new Card.Lost(replacement, reportedBy, desk.now());
    return desk.ask(
        desk.patronRef(key),
        (ActorRef<PatronReply> r) -> new PatronCommand.RecordOwnCardLost(lost, r));
  }

  /** R2, R15: staff saw the patron's ID. */
  public CompletionStage<Result<PatronReply.Status>> verifyIdentity(
      String cardNumber, String method, String by) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.VerifyIdentity(method, by, r));
  }

  /** R5, R11. */
  public CompletionStage<Result<PatronReply.Status>> updateContact(
      String cardNumber, String email, String mobile, String preferredChannel, String by) {
    return desk.patronAsk(
        cardNumber, r -> new PatronCommand.UpdateContact(email, mobile, preferredChannel, by, r));
  }

  /** R4: staff lift a PIN lockout. */
  public CompletionStage<Result<PatronReply.Status>> unlockPin(String cardNumber, String by) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.UnlockPin(by, r));
  }

  /** R4: a new PIN with the identity check recorded; hashed here, never seen by the entity. */
  public CompletionStage<Result<PatronReply.Status>> resetPin(
      String cardNumber, String pin, String identityCheck, String by) {
    PinHash hash = PinHash.keyed(pin, desk.settings().pinKey());
    return desk.patronAsk(cardNumber, r -> new PatronCommand.ResetPin(hash, identityCheck, by, r));
  }

  /** R6. */
  public CompletionStage<Result<PatronReply.Status>> recordGuardianConsent(
      String cardNumber, String guardian, String by) {
    return desk.patronAsk(
        cardNumber, r -> new PatronCommand.RecordGuardianConsent(guardian, by, r));
  }
}
