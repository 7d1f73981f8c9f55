package dk.library.circulation.load;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.card.Card;
import dk.library.circulation.card.CardRules;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.ItemRegistration;
import dk.library.circulation.desk.PatronRegistration;
import dk.library.circulation.desk.Registrar;
import dk.library.circulation.item.Item;
import dk.library.circulation.item.ItemRules;
import dk.library.circulation.item.ItemState;
import dk.library.circulation.metrics.EntityMetrics;
import dk.library.circulation.patron.InactivityRules;
import dk.library.circulation.patron.Patron;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronEvent;
import dk.library.circulation.patron.PatronRules;
import dk.library.circulation.patron.PatronState;
import dk.library.circulation.patron.PinHash;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.Policy;
import dk.library.circulation.title.Title;
import dk.library.circulation.title.TitleCommand;
import dk.library.circulation.title.TitleRules;
import dk.library.circulation.title.TitleState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * An initial load: a library's patrons and items written straight into the journals of their cards,
 * patrons, items and titles, without starting those entities. Only a server in initial-load mode
 * does this; no such entity runs anywhere then (see docs/architecture.md, "Initial load"), so the
 * load is the only writer of those journals. Each record is decided by the rule its entity applies,
 * on the state folded from the entity's events, so a record already there is recognised exactly as
 * the entity would: a second run changes nothing, a conflicting one is refused.
 */
public final class InitialLoad implements Registrar {

  private final CirculationDesk desk;
  private final CirculationDesk.Settings settings;
  private final SeedJournal journal;

  /**
   * The decision under way per persistence id: two lines of one file for the same card or title are
   * decided one after the other, the second on what the first wrote.
   */
  private final Map<String, CompletableFuture<Result<Done>>> underWay = new ConcurrentHashMap<>();

  public InitialLoad(CirculationDesk desk, CirculationDesk.Settings settings, SeedJournal journal) {
    this.desk = desk;
    this.settings = settings;
    this.journal = journal;
  }

  /**
   * Many lines at once, so that the journal's reads and writes of many entities go out together and
   * several such requests are under way (each is worked by one Cassandra thread).
   */
  @Override
  public int linesAtOnce() {
    return 1024;
  }

  @Override
  public CompletionStage<Result<Done>> registerPatron(PatronRegistration registration) {
    return withPolicy(
        registration.homeAgencyId(),
        policy -> {
          Instant now = settings.clock().instant();
          Rejection refusal =
              registration.refusal(policy, LocalDate.ofInstant(now, settings.zone()));
          if (refusal != null) {
            return CompletableFuture.completedFuture(Result.refused(refusal));
          }
          PinHash pin = registration.pinHashUnder(settings.pinKey());
          String key = settings.cprIndex().indexId(registration.cardNumber());
          // As the desk: the numbers are claimed first (R12), the CPR beside the card (R14).
          return issue(registration.cardNumber(), key, now)
              .thenCompose(
                  card ->
                      card instanceof Result.Refused<Done> || registration.cpr() == null
                          ? CompletableFuture.completedFuture(card)
                          : issue(registration.cpr(), key, now))
              .thenCompose(
                  cards ->
                      cards instanceof Result.Refused<Done>
                          ? CompletableFuture.completedFuture(cards)
                          : register(registration, pin, key, policy.retention(), now));
        });
  }

  private CompletionStage<Result<Done>> issue(String number, String key, Instant now) {
    return decide(
        PersistenceId.of(Card.ENTITY_TYPE_KEY.name(), settings.cprIndex().indexId(number)),
        Card.State.empty(),
        Card.State::apply,
        state -> CardRules.issue(state, number, new Card.Issue(key, null), now));
  }

  private CompletionStage<Result<Done>> register(
      PatronRegistration registration,
      PinHash pin,
      String key,
      AgencyPolicy.Retention retention,
      Instant now) {
    PatronCommand.Register command =
        registration.command(
            pin,
            registration.cpr() == null
                ? List.of()
                : List.of(settings.cprIndex().indexId(registration.cpr())),
            retention,
            null);
    return firstDeadline(key, command, registration.cardNumber(), now)
        .thenCompose(
            indexed ->
                decide(
                    PersistenceId.of(Patron.ENTITY_TYPE_KEY.name(), key),
                    PatronState.empty(),
                    PatronState::apply,
                    state -> PatronRules.register(state, registration.cardNumber(), command, now)));
  }

  /**
   * R38: the loaded account's first deadline (the idle account's notice) goes into the index before
   * the account is written, as the patron entity does for a registration; a patron already loaded
   * gets the same deadline again, which its first wake handles as usual.
   */
  private CompletionStage<Done> firstDeadline(
      String key, PatronCommand.Register command, String cardNumber, Instant now) {
    Decision<PatronEvent> registered =
        PatronRules.register(PatronState.empty(), cardNumber, command, now);
    if (!(registered instanceof Decision.Persist<PatronEvent> persist)) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    PatronState account = PatronState.empty();
    for (PatronEvent event : persist.events()) {
      account = account.apply(event);
    }
    Optional<Instant> first = InactivityRules.next(account);
    return first
        .map(
            at ->
                settings
                    .deadlines()
                    .schedule(new DeadlineIndex.Deadline(Patron.deadlineTarget(key), at)))
        .orElse(CompletableFuture.completedFuture(Done.getInstance()));
  }

  @Override
  public CompletionStage<Result<Done>> registerItem(ItemRegistration item) {
    return withPolicy(
        item.agencyId(),
        policy -> {
          Rejection refusal = item.refusal(policy);
          if (refusal != null) {
            return CompletableFuture.completedFuture(Result.refused(refusal));
          }
          return decide(
              PersistenceId.of(Item.ENTITY_TYPE_KEY.name(), item.barcode()),
              ItemState.empty(),
              ItemState::apply,
              state -> ItemRules.register(state, item.barcode(), item.command(null)));
        });
  }

  @Override
  public CompletionStage<Done> addCopies(
      String agencyId, String titleId, String title, List<TitleCommand.NewCopy> copies) {
    return decide(
            PersistenceId.of(Title.ENTITY_TYPE_KEY.name(), Title.entityId(agencyId, titleId)),
            TitleState.empty(),
            TitleState::apply,
            state ->
                TitleRules.addCopies(
                    state, new TitleCommand.AddCopies(agencyId, titleId, title, copies, null)))
        .thenApply(added -> Done.getInstance());
  }

  private CompletionStage<Result<Done>> withPolicy(
      String agencyId, Function<AgencyPolicy, CompletionStage<Result<Done>>> next) {
    return desk.policy(agencyId)
        .thenCompose(
            found ->
                found instanceof Result.Ok<Policy.PolicyVersion> ok
                    ? next.apply(ok.value().policy())
                    : CompletableFuture.completedFuture(
                        Result.refused(
                            ((Result.Refused<Policy.PolicyVersion>) found).rejection())));
  }

  /**
   * The entity's rule on the state its events fold to; what it decides is appended to its journal
   * after the events it has (none are ever deleted, so their count is the last sequence number).
   */
  @SuppressWarnings("unchecked")
  private <S, E> CompletionStage<Result<Done>> decide(
      PersistenceId persistenceId,
      S empty,
      BiFunction<S, E, S> apply,
      Function<S, Decision<E>> rule) {
    String id = persistenceId.id();
    return oneAtATime(
        id,
        () ->
            journal
                .events(id)
                .thenCompose(
                    events -> {
                      S state = empty;
                      for (Object event : events) {
                        state = apply.apply(state, (E) event);
                      }
                      Decision<E> decision = rule.apply(state);
                      if (decision instanceof Decision.Persist<E> persist) {
                        return journal
                            .append(id, events.size() + 1L, persist.events())
                            .thenApply(
                                done -> {
                                  persist
                                      .events()
                                      .forEach(
                                          e ->
                                              EntityMetrics.eventLoaded(
                                                  persistenceId.entityTypeHint(),
                                                  e.getClass().getSimpleName()));
                                  return Result.ok(Done.getInstance());
                                });
                      }
                      if (decision instanceof Decision.Refuse<E> refuse) {
                        return CompletableFuture.completedFuture(
                            Result.<Done>refused(refuse.rejection()));
                      }
                      if (decision instanceof Decision.Unchanged<E>) {
                        return CompletableFuture.completedFuture(Result.ok(Done.getInstance()));
                      }
                      throw new IllegalStateException(
                          "a registration rule decided " + decision + " for " + id);
                    }));
  }

  /** Runs {@code work} for the id after the work under way for it has ended. */
  private CompletionStage<Result<Done>> oneAtATime(
      String id, Supplier<CompletionStage<Result<Done>>> work) {
    CompletableFuture<Result<Done>> mine = new CompletableFuture<>();
    CompletableFuture<Result<Done>> before = underWay.put(id, mine);
    CompletionStage<?> after =
        before == null ? CompletableFuture.completedFuture(null) : before.handle((r, e) -> null);
    after
        .thenCompose(ready -> work.get())
        .whenComplete(
            (result, failure) -> {
              underWay.remove(id, mine);
              if (failure != null) {
                mine.completeExceptionally(failure);
              } else {
                mine.complete(result);
              }
            });
    return mine;
  }
}
