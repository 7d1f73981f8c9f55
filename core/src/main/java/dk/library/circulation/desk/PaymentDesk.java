package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.done;
import static dk.library.circulation.desk.CirculationDesk.whenOk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.fee.PaymentSession;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronHistory;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.RetentionRules;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * R36, paying fees online, in the order it happens:
 *
 * <ol>
 *   <li>{@link #open}: the website's back end opens a session for what the patron owes now and
 *       sends the patron to the provider with its random id.
 *   <li>{@link #paid}: the provider's callback (its signature checked by the API) settles the
 *       session, then the patron's ledger records the payment under the session's id. Both steps
 *       are idempotent, so a callback delivered again, or again after a crash between the two,
 *       records the payment exactly once.
 *   <li>{@link #cancelled}: the patron gave up or the provider refused; the session closes and a
 *       later "paid" for it is refused.
 * </ol>
 */
public final class PaymentDesk {

  private final CirculationDesk desk;

  PaymentDesk(CirculationDesk desk) {
    this.desk = desk;
  }

  /** A session for the patron's whole balance; nothing owed is refused. */
  public CompletionStage<Result<PaymentSession.Session>> open(String cardNumber) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            whenOk(
                desk.<PatronCommand, PatronReply>ask(
                        desk.patronRef(key), PatronCommand.GetStatus::new)
                    .thenApply(CirculationDesk::patronStatus),
                status -> {
                  if (status.balanceDkk() <= 0) {
                    return done(
                        Rejection.of(
                            Rejection.Code.NOTHING_OWED,
                            "the patron owes nothing; there is nothing to pay online"));
                  }
                  String sessionId = UUID.randomUUID().toString();
                  return whenOk(
                      desk.recordElsewhere(
                          key,
                          new PatronHistory.NamedIn(
                              PatronHistory.NamedIn.Kind.PAYMENT_SESSION, sessionId, desk.now())),
                      recorded ->
                          session(
                              sessionId,
                              r -> new PaymentSession.Open(key, status.balanceDkk(), r)));
                }));
  }

  /** The provider took the session's amount: the session is paid, then the patron's ledger. */
  public CompletionStage<Result<PaymentSession.Session>> paid(
      String sessionId, int amountDkk, String providerReference) {
    return whenOk(
        session(sessionId, r -> new PaymentSession.Settle(amountDkk, providerReference, r)),
        session ->
            desk.<PatronCommand, PatronReply>ask(
                    desk.patronRef(session.patronKey()),
                    r ->
                        new PatronCommand.Pay(
                            RetentionRules.ONLINE_PAYMENT_PREFIX + sessionId, amountDkk, true, r))
                .thenApply(
                    reply ->
                        reply instanceof PatronReply.Rejected rejected
                            ? Result.<PaymentSession.Session>refused(rejected.rejection())
                            : Result.ok(session)));
  }

  public CompletionStage<Result<PaymentSession.Session>> cancelled(
      String sessionId, String providerReference) {
    return session(sessionId, r -> new PaymentSession.Cancel(providerReference, r));
  }

  private CompletionStage<Result<PaymentSession.Session>> session(
      String sessionId,
      java.util.function.Function<ActorRef<PaymentSession.Reply>, PaymentSession.Command> command) {
    return desk.<PaymentSession.Command, PaymentSession.Reply>ask(ref(sessionId), command)
        .thenApply(
            reply ->
                reply instanceof PaymentSession.Session s
                    ? Result.ok(s)
                    : Result.refused(((PaymentSession.Rejected) reply).rejection()));
  }

  private EntityRef<PaymentSession.Command> ref(String sessionId) {
    return desk.sharding().entityRefFor(PaymentSession.ENTITY_TYPE_KEY, sessionId);
  }
}
