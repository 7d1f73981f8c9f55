package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.whenOk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.booking.Booking;
import dk.library.circulation.booking.PatronBookings;
import dk.library.circulation.booking.ResourceDay;
import dk.library.circulation.card.Card;
import dk.library.circulation.card.RetiredCards;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.fee.PaymentSession;
import dk.library.circulation.ill.InterlibraryRequest;
import dk.library.circulation.ill.InterlibraryRequestCommand;
import dk.library.circulation.ill.InterlibraryRequestReply;
import dk.library.circulation.ill.RequestView;
import dk.library.circulation.openlibrary.AccessSignUps;
import dk.library.circulation.openlibrary.Visit;
import dk.library.circulation.patron.AccountErasure;
import dk.library.circulation.patron.AccountRecords;
import dk.library.circulation.patron.ErasureRules;
import dk.library.circulation.patron.Patron;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronHistory;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronState;
import dk.library.circulation.title.HoldView;
import dk.library.circulation.title.TitleCommand;
import dk.library.circulation.title.TitleReply;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The patron's rights over their data across entities (docs/privacy.md):
 *
 * <ol>
 *   <li>{@link #export} (R41): everything stored about the patron as one document: the patron
 *       entity's whole state, the holds the titles remember, the open library's visits and the
 *       deadlines the patron is woken at.
 *   <li>{@link #erase} (R39): the patron entity decides and records the deletion, then has this
 *       desk ({@link AccountRecords}) retire the cards and erase the records elsewhere that name it
 *       (card index entries, the copies' and titles' memory, visits) before it erases its own
 *       journal and deadlines. Every step is idempotent; a crash in between is taken up again by
 *       the deadline keeper.
 *   <li>{@link #refusalOfRetired}: a retired card is never issued again.
 * </ol>
 */
public final class PrivacyDesk implements AccountRecords {

  /** R41: a booking as the resource's day ({@code dayId}: agency, resource and day) keeps it. */
  public record BookedSlot(String dayId, Booking booking) {}

  /** R41: one patron's records, as the export serves them. */
  public record AccountExport(
      Instant exportedAt,
      PatronState patron,
      List<HoldView> holdsAtTitles,
      List<Visit> visits,
      List<DeadlineIndex.Deadline> deadlines,
      Map<String, AccessSignUps.SignUp> openLibrarySignUps,
      List<BookedSlot> bookings,
      List<RequestView> interlibraryRequests,
      List<PaymentSession.Session> paymentSessions) {}

  private final CirculationDesk desk;

  PrivacyDesk(CirculationDesk desk) {
    this.desk = desk;
  }

  // R41: access

  public CompletionStage<Result<AccountExport>> export(String cardNumber) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            whenOk(
                desk.<PatronCommand, PatronReply>ask(
                        desk.patronRef(key), PatronCommand.GetAccount::new)
                    .thenApply(PrivacyDesk::account),
                state -> {
                  CompletionStage<List<HoldView>> holds = holdsAtTitles(key, state);
                  CompletionStage<List<Visit>> visits = desk.settings().visits().visitsOf(key);
                  CompletionStage<List<DeadlineIndex.Deadline>> deadlines =
                      desk.settings().deadlines().of(Patron.deadlineTarget(key));
                  CompletionStage<Map<String, AccessSignUps.SignUp>> signUps =
                      desk.<AccessSignUps.Command, AccessSignUps.Reply>ask(
                              desk.sharding().entityRefFor(AccessSignUps.ENTITY_TYPE_KEY, key),
                              AccessSignUps.Get::new)
                          .thenApply(reply -> ((AccessSignUps.SignUps) reply).agencies());
                  CompletionStage<List<BookedSlot>> bookings = bookingsOf(key);
                  CompletionStage<List<RequestView>> requests = requestsOf(state);
                  CompletionStage<List<PaymentSession.Session>> sessions = sessionsOf(state);
                  return holds.thenCompose(
                      h ->
                          visits.thenCompose(
                              v ->
                                  deadlines.thenCompose(
                                      d ->
                                          signUps.thenCompose(
                                              o ->
                                                  bookings.thenCompose(
                                                      b ->
                                                          requests.thenCombine(
                                                              sessions,
                                                              (r, p) ->
                                                                  Result.ok(
                                                                      new AccountExport(
                                                                          desk.now(),
                                                                          state,
                                                                          h,
                                                                          v,
                                                                          d,
                                                                          o,
                                                                          b,
                                                                          r,
                                                                          p))))))));
                }));
  }

  private static List<String> namedIn(PatronState state, PatronHistory.NamedIn.Kind kind) {
    return state.history().namedIn().stream()
        .filter(n -> n.kind() == kind)
        .map(PatronHistory.NamedIn::id)
        .toList();
  }

  /**
   * Every booking the resources' days still keep of the patron (past ones too, until their day's
   * record is erased), read from the days the patron's own record lists.
   */
  private CompletionStage<List<BookedSlot>> bookingsOf(String patronKey) {
    return desk.<PatronBookings.Command, PatronBookings.Reply>ask(
            desk.sharding().entityRefFor(PatronBookings.ENTITY_TYPE_KEY, patronKey),
            PatronBookings.GetDays::new)
        .thenCompose(
            reply -> {
              List<String> days = ((PatronBookings.Days) reply).dayIds();
              List<CompletableFuture<List<BookedSlot>>> asks = new ArrayList<>();
              for (String day : days) {
                asks.add(
                    desk.<ResourceDay.Command, ResourceDay.Reply>ask(
                            desk.sharding().entityRefFor(ResourceDay.ENTITY_TYPE_KEY, day),
                            ResourceDay.GetDay::new)
                        .thenApply(
                            answer ->
                                ((ResourceDay.DayReply) answer)
                                    .bookings().stream()
                                        .filter(b -> patronKey.equals(b.patronKey()))
                                        .map(b -> new BookedSlot(day, b))
                                        .toList())
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                  .thenApply(all -> asks.stream().flatMap(a -> a.join().stream()).toList());
            });
  }

  /** The interlibrary requests the patron made, as the borrowing library sees them. */
  private CompletionStage<List<RequestView>> requestsOf(PatronState state) {
    return askEach(
            namedIn(state, PatronHistory.NamedIn.Kind.INTERLIBRARY_REQUEST),
            InterlibraryRequest.ENTITY_TYPE_KEY,
            InterlibraryRequestCommand.Get::new,
            InterlibraryRequestReply.ViewReply.class)
        .thenApply(
            views -> views.stream().map(InterlibraryRequestReply.ViewReply::request).toList());
  }

  /** The online payment sessions the patron opened. */
  private CompletionStage<List<PaymentSession.Session>> sessionsOf(PatronState state) {
    return askEach(
        namedIn(state, PatronHistory.NamedIn.Kind.PAYMENT_SESSION),
        PaymentSession.ENTITY_TYPE_KEY,
        PaymentSession.Get::new,
        PaymentSession.Session.class);
  }

  /** Asks each entity at once; the answers of the {@code found} kind, in the order of the ids. */
  private <C, R, A extends R> CompletionStage<List<A>> askEach(
      List<String> ids, EntityTypeKey<C> type, Function<ActorRef<R>, C> ask, Class<A> found) {
    List<CompletableFuture<R>> asks = new ArrayList<>();
    for (String id : ids) {
      asks.add(
          desk.<C, R>ask(desk.sharding().entityRefFor(type, id), ask::apply).toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            all ->
                asks.stream()
                    .map(CompletableFuture::join)
                    .filter(found::isInstance)
                    .map(found::cast)
                    .toList());
  }

  private static Result<PatronState> account(PatronReply reply) {
    return reply instanceof PatronReply.Account account
        ? Result.ok(account.state())
        : Result.refused(((PatronReply.Rejected) reply).rejection());
  }

  private CompletionStage<List<HoldView>> holdsAtTitles(String patronKey, PatronState state) {
    List<CompletableFuture<TitleReply>> asks = new ArrayList<>();
    for (String title : state.history().heldTitles()) {
      asks.add(
          desk.<TitleCommand, TitleReply>ask(
                  desk.titleRef(title), r -> new TitleCommand.HoldsOf(patronKey, r))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            all ->
                asks.stream()
                    .flatMap(ask -> ((TitleReply.QueueReply) ask.join()).holds().stream())
                    .toList());
  }

  // R41: rectification, restriction, objection

  public CompletionStage<Result<PatronReply.Status>> correctDetails(
      String cardNumber, String name, String residence, String municipality, String by) {
    return desk.patronAsk(
        cardNumber, r -> new PatronCommand.CorrectDetails(name, residence, municipality, by, r));
  }

  public CompletionStage<Result<PatronReply.Status>> restrict(
      String cardNumber, String reason, String by) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.RestrictProcessing(reason, by, r));
  }

  public CompletionStage<Result<PatronReply.Status>> liftRestriction(String cardNumber, String by) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.LiftRestriction(by, r));
  }

  public CompletionStage<Result<PatronReply.Status>> recordObjection(
      String cardNumber, String objectionId, String concerning, String text, String by) {
    return desk.patronAsk(
        cardNumber, r -> new PatronCommand.RecordObjection(objectionId, concerning, text, by, r));
  }

  // R39: erasure

  /**
   * Staff saw the patron's photo ID (who they were is in the audit trail); the answer comes when
   * nothing of the account is left.
   */
  public CompletionStage<Result<Instant>> erase(String cardNumber, String identityDocument) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            openRequest(key)
                .thenCompose(
                    open ->
                        open != null
                            ? CompletableFuture.completedFuture(Result.<Instant>refused(open))
                            : desk.<PatronCommand, PatronReply>ask(
                                    desk.patronRef(key),
                                    r -> new PatronCommand.EraseAccount(identityDocument, r))
                                .thenApply(
                                    reply ->
                                        reply instanceof PatronReply.AccountErased erased
                                            ? Result.ok(erased.at())
                                            : Result.refused(
                                                ((PatronReply.Rejected) reply).rejection()))));
  }

  /**
   * An interlibrary request still under way keeps the account as a loan does: another library is
   * sending, or waits for, a copy. Null when none is.
   */
  private CompletionStage<Rejection> openRequest(String key) {
    return desk.<PatronCommand, PatronReply>ask(desk.patronRef(key), PatronCommand.GetAccount::new)
        .thenCompose(
            reply ->
                reply instanceof PatronReply.Account account
                    ? requestsOf(account.state())
                    : CompletableFuture.completedFuture(List.<RequestView>of()))
        .thenApply(
            requests ->
                requests.stream()
                    .filter(r -> !InterlibraryRequest.ENDED.contains(r.status()))
                    .findFirst()
                    .map(
                        r ->
                            Rejection.of(
                                Rejection.Code.ACCOUNT_NOT_SETTLED,
                                "interlibrary request "
                                    + r.requestId()
                                    + " is still "
                                    + r.status()
                                    + "; cancel it, or delete the account once it has ended"))
                    .orElse(null));
  }

  @Override
  public CompletionStage<Done> retire(List<String> cardIds) {
    return desk.settings()
        .retiredCards()
        .retire(
            cardIds.stream().map(id -> RetiredCards.mark(desk.settings().cprIndex(), id)).toList());
  }

  @Override
  public CompletionStage<Done> erase(AccountErasure erasure) {
    List<CompletableFuture<?>> steps = new ArrayList<>();
    for (var loan : erasure.returned()) {
      steps.add(desk.forgetBorrower(loan.barcode(), loan.checkoutId()).toCompletableFuture());
    }
    for (String title : erasure.heldTitles()) {
      steps.add(
          desk.<TitleCommand, TitleReply>ask(
                  desk.titleRef(title), r -> new TitleCommand.ForgetPatron(erasure.patronKey(), r))
              .thenApply(reply -> expect(reply instanceof TitleReply.Ack, "title " + title, reply))
              .toCompletableFuture());
    }
    for (String card : erasure.cardIds()) {
      steps.add(
          desk.<Card.Command, Card.Reply>ask(desk.cardEntity(card), Card.Erase::new)
              .thenApply(reply -> expect(reply instanceof Card.Gone, "a card", reply))
              .toCompletableFuture());
    }
    steps.add(desk.settings().visits().forgetVisitsOf(erasure.patronKey()).toCompletableFuture());
    steps.add(
        desk.<AccessSignUps.Command, AccessSignUps.Reply>ask(
                desk.sharding().entityRefFor(AccessSignUps.ENTITY_TYPE_KEY, erasure.patronKey()),
                AccessSignUps.Erase::new)
            .thenApply(reply -> expect(reply instanceof AccessSignUps.Gone, "sign-ups", reply))
            .toCompletableFuture());
    steps.add(forgetBookings(erasure.patronKey()).toCompletableFuture());
    for (PatronHistory.NamedIn record : erasure.namedIn()) {
      steps.add(eraseRecord(record).toCompletableFuture());
    }
    return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new))
        .thenApply(all -> Done.getInstance());
  }

  @Override
  public CompletionStage<Done> forgetHolds(String patronKey, List<PatronHistory.EndedHold> holds) {
    Map<String, List<String>> byTitle = new LinkedHashMap<>();
    holds.forEach(
        h -> byTitle.computeIfAbsent(h.titleEntityId(), t -> new ArrayList<>()).add(h.holdId()));
    List<CompletableFuture<?>> steps = new ArrayList<>();
    byTitle.forEach(
        (title, holdIds) ->
            steps.add(
                desk.<TitleCommand, TitleReply>ask(
                        desk.titleRef(title),
                        r -> new TitleCommand.ForgetHolds(patronKey, holdIds, r))
                    .thenApply(
                        reply -> expect(reply instanceof TitleReply.Ack, "title " + title, reply))
                    .toCompletableFuture()));
    return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new))
        .thenApply(all -> Done.getInstance());
  }

  /**
   * The days of the patron's bookings forget them first; only then the patron's own record of them
   * goes, so an erasure taken again after a crash still finds the days.
   */
  private CompletionStage<Done> forgetBookings(String patronKey) {
    EntityRef<PatronBookings.Command> bookings =
        desk.sharding().entityRefFor(PatronBookings.ENTITY_TYPE_KEY, patronKey);
    return desk.<PatronBookings.Command, PatronBookings.Reply>ask(
            bookings, PatronBookings.GetDays::new)
        .thenCompose(
            reply -> {
              List<CompletableFuture<?>> days = new ArrayList<>();
              for (String day : ((PatronBookings.Days) reply).dayIds()) {
                days.add(
                    desk.<ResourceDay.Command, ResourceDay.Reply>ask(
                            desk.sharding().entityRefFor(ResourceDay.ENTITY_TYPE_KEY, day),
                            r -> new ResourceDay.ForgetPatron(patronKey, r))
                        .thenApply(
                            gone -> expect(gone instanceof ResourceDay.Gone, "day " + day, gone))
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(days.toArray(CompletableFuture[]::new));
            })
        .thenCompose(
            forgotten ->
                desk.<PatronBookings.Command, PatronBookings.Reply>ask(
                    bookings, PatronBookings.Erase::new))
        .thenApply(reply -> expect(reply instanceof PatronBookings.Gone, "bookings", reply));
  }

  @Override
  public CompletionStage<Done> forgetElsewhere(List<PatronHistory.NamedIn> records) {
    return CompletableFuture.allOf(
            records.stream()
                .map(r -> eraseRecord(r).toCompletableFuture())
                .toArray(CompletableFuture[]::new))
        .thenApply(all -> Done.getInstance());
  }

  private CompletionStage<Done> eraseRecord(PatronHistory.NamedIn record) {
    return switch (record.kind()) {
      case INTERLIBRARY_REQUEST ->
          desk.<InterlibraryRequestCommand, InterlibraryRequestReply>ask(
                  desk.sharding().entityRefFor(InterlibraryRequest.ENTITY_TYPE_KEY, record.id()),
                  InterlibraryRequestCommand.Erase::new)
              .thenApply(
                  reply ->
                      expect(reply instanceof InterlibraryRequestReply.Gone, "a request", reply));
      case PAYMENT_SESSION ->
          desk.<PaymentSession.Command, PaymentSession.Reply>ask(
                  desk.sharding().entityRefFor(PaymentSession.ENTITY_TYPE_KEY, record.id()),
                  PaymentSession.Erase::new)
              .thenApply(reply -> expect(reply instanceof PaymentSession.Gone, "a session", reply));
    };
  }

  private static Done expect(boolean done, String what, Object reply) {
    if (!done) {
      throw new IllegalStateException(what + " did not forget the deleted account: " + reply);
    }
    return Done.getInstance();
  }

  /** Null unless the number was a deleted account's card. */
  public CompletionStage<Rejection> refusalOfRetired(String cardNumber) {
    String cardId = desk.settings().cprIndex().indexId(cardNumber);
    return desk.settings()
        .retiredCards()
        .isRetired(RetiredCards.mark(desk.settings().cprIndex(), cardId))
        .thenApply(retired -> retired ? ErasureRules.cardDeleted(cardId) : null);
  }
}
