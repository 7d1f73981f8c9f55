package dk.library.circulation.title;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.ErasureWaiters;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.title.TitleCommand.AddCopies;
import dk.library.circulation.title.TitleCommand.ArrivalIndexed;
import dk.library.circulation.title.TitleCommand.AuthoriseProxy;
import dk.library.circulation.title.TitleCommand.CancelHold;
import dk.library.circulation.title.TitleCommand.ChangeHold;
import dk.library.circulation.title.TitleCommand.CheckCollector;
import dk.library.circulation.title.TitleCommand.CopyArrived;
import dk.library.circulation.title.TitleCommand.CopyMoved;
import dk.library.circulation.title.TitleCommand.CopyReleaseAnswered;
import dk.library.circulation.title.TitleCommand.DeadlineReached;
import dk.library.circulation.title.TitleCommand.Delivered;
import dk.library.circulation.title.TitleCommand.Erased;
import dk.library.circulation.title.TitleCommand.Failed;
import dk.library.circulation.title.TitleCommand.ForgetHolds;
import dk.library.circulation.title.TitleCommand.ForgetPatron;
import dk.library.circulation.title.TitleCommand.GetHold;
import dk.library.circulation.title.TitleCommand.GetQueue;
import dk.library.circulation.title.TitleCommand.HoldsOf;
import dk.library.circulation.title.TitleCommand.OfferAnswered;
import dk.library.circulation.title.TitleCommand.OfferNext;
import dk.library.circulation.title.TitleCommand.PlaceHold;
import dk.library.circulation.title.TitleCommand.Resume;
import dk.library.circulation.title.TitleEvent.CopyOffered;
import dk.library.circulation.title.TitleEvent.CopyReleased;
import dk.library.circulation.title.TitleEvent.CopyShelved;
import dk.library.circulation.title.TitleEvent.DispatchDelivered;
import dk.library.circulation.title.TitleEvent.PatronForgotten;
import dk.library.circulation.title.TitleReply.Ack;
import dk.library.circulation.title.TitleReply.HoldReply;
import dk.library.circulation.title.TitleReply.QueueReply;
import dk.library.circulation.title.TitleReply.Rejected;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The hold queue of one title at one agency: the single writer of queue order and of which hold a
 * copy is offered to. The copy itself decides whether it can be held (it is the single writer of
 * its loan), so no copy is ever held for two holds or lent to anyone but its holder. Decisions are
 * in {@link TitleRules}; this class persists them and carries out what they leave to do: ask a copy
 * to hold itself, release copies of holds that ended, and hand patrons what they are owed, each
 * again after a restart until done (see docs/architecture.md, "Hold allocation").
 */
public final class Title extends MeasuredEntity<TitleCommand, TitleEvent, TitleState> {

  public static final EntityTypeKey<TitleCommand> ENTITY_TYPE_KEY =
      EntityTypeKey.create(TitleCommand.class, "Title");

  /** Agency and title ids never contain '~' (ids are checked at the API), so this is unique. */
  public static String entityId(String agencyId, String titleId) {
    return agencyId + "~" + titleId;
  }

  /** The copies' side: hold a copy for a hold, or release it again. */
  public interface Copies {
    /** Completes with where the copy is when it now holds itself for the hold, null otherwise. */
    CompletionStage<Optional<String>> hold(
        String barcode,
        String holdId,
        String titleEntityId,
        String patronKey,
        String pickupBranchId);

    /** Completes with whether the copy is back on the shelf (false: lent under the hold). */
    CompletionStage<Boolean> release(String barcode, String holdId);
  }

  /** Hands a patron a {@link Dispatch}; completes once the patron has recorded it. */
  @FunctionalInterface
  public interface Patrons {
    CompletionStage<Done> deliver(Dispatch dispatch);
  }

  private static final Duration RETRY = Duration.ofSeconds(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String entityId;
  private final ActorContext<TitleCommand> context;
  private final Clock clock;
  private final ZoneId zone;
  private final Copies copies;
  private final Patrons patrons;
  private final DeadlineIndex deadlines;

  /** Work under way, so a second trigger does not start it twice. */
  private final Set<String> inFlight = new HashSet<>();

  private final JournalEraser eraser;

  /** R39: asks to forget a patron, each answered once the journal up to its event is erased. */
  private final ErasureWaiters<ActorRef<TitleReply>> forgetting = new ErasureWaiters<>();

  private Title(
      String entityId,
      ActorContext<TitleCommand> context,
      Clock clock,
      ZoneId zone,
      Copies copies,
      Patrons patrons,
      DeadlineIndex deadlines,
      JournalEraser eraser) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), entityId), ENTITY_TYPE_KEY.name());
    this.eraser = eraser;
    this.entityId = entityId;
    this.context = context;
    this.clock = clock;
    this.zone = zone;
    this.copies = copies;
    this.patrons = patrons;
    this.deadlines = deadlines;
  }

  public static Behavior<TitleCommand> create(
      String entityId,
      Clock clock,
      ZoneId zone,
      Copies copies,
      Patrons patrons,
      DeadlineIndex deadlines,
      JournalEraser eraser) {
    return Behaviors.setup(
        ctx -> new Title(entityId, ctx, clock, zone, copies, patrons, deadlines, eraser));
  }

  /** The name deadlines of this title are indexed under. */
  public static String deadlineTarget(String entityId) {
    return ENTITY_TYPE_KEY.name() + "/" + entityId;
  }

  @Override
  public TitleState emptyState() {
    return TitleState.empty();
  }

  @Override
  public CommandHandlerWithReply<TitleCommand, TitleEvent, TitleState> commandHandler() {
    return this::handle;
  }

  private ReplyEffect<TitleEvent, TitleState> handle(TitleState state, TitleCommand command) {
    if (command instanceof AddCopies cmd) {
      return decide(TitleRules.addCopies(state, cmd), cmd.replyTo(), s -> new Ack());
    }
    if (command instanceof PlaceHold cmd) {
      return decide(
          TitleRules.placeHold(state, cmd, clock.instant()),
          cmd.replyTo(),
          s -> holdReply(s, cmd.holdId()));
    }
    if (command instanceof CancelHold cmd) {
      return decide(
          TitleRules.cancel(state, cmd.holdId(), cmd.patronKey()),
          cmd.replyTo(),
          s -> holdReply(s, cmd.holdId()));
    }
    if (command instanceof ChangeHold cmd) {
      return decide(TitleRules.change(state, cmd), cmd.replyTo(), s -> holdReply(s, cmd.holdId()));
    }
    if (command instanceof GetHold cmd) {
      return Effect().reply(cmd.replyTo(), holdReply(state, cmd.holdId()));
    }
    if (command instanceof GetQueue cmd) {
      return Effect()
          .reply(
              cmd.replyTo(),
              new QueueReply(
                  state.holds().stream().map(state::view).toList(),
                  List.copyOf(state.copies().values())));
    }
    if (command instanceof HoldsOf cmd) {
      List<HoldView> views = new ArrayList<>();
      state.holds().stream()
          .filter(h -> h.patronKey().equals(cmd.patronKey()))
          .forEach(h -> views.add(state.view(h)));
      state.ended().values().stream()
          .filter(h -> cmd.patronKey().equals(h.patronKey()))
          .forEach(views::add);
      return Effect().reply(cmd.replyTo(), new QueueReply(views, List.of()));
    }
    if (command instanceof AuthoriseProxy cmd) {
      return decide(
          TitleRules.authoriseProxy(state, cmd.holdId(), cmd.holderKey(), cmd.proxyKey()),
          cmd.replyTo(),
          s -> holdReply(s, cmd.holdId()));
    }
    if (command instanceof CheckCollector cmd) {
      Rejection refusal =
          TitleRules.collectRefusal(
              state, cmd.holdId(), cmd.collectorKey(), cmd.pickupToken(), cmd.noProxy());
      return Effect().reply(cmd.replyTo(), refusal == null ? new Ack() : new Rejected(refusal));
    }
    if (command instanceof CopyMoved cmd) {
      return onCopyMoved(state, cmd);
    }
    if (command instanceof CopyArrived cmd) {
      return onCopyArrived(state, cmd);
    }
    if (command instanceof ArrivalIndexed cmd) {
      return decide(
          TitleRules.arrive(
              state,
              cmd.arrival().holdId(),
              cmd.arrival().barcode(),
              cmd.arrival().branchId(),
              cmd.deadline(),
              newToken()),
          cmd.arrival().replyTo(),
          s -> holdReply(s, cmd.arrival().holdId()));
    }
    if (command instanceof DeadlineReached cmd) {
      return decide(
          TitleRules.lapsedAndExpired(state, clock.instant(), today()),
          cmd.replyTo(),
          s -> new Ack());
    }
    if (command instanceof OfferNext cmd) {
      return onOfferNext(state, cmd);
    }
    if (command instanceof OfferAnswered cmd) {
      inFlight.remove("offer:" + cmd.holdId());
      return quietly(TitleRules.answerOffer(state, cmd, newToken()));
    }
    if (command instanceof CopyReleaseAnswered cmd) {
      inFlight.remove("release:" + cmd.holdId());
      boolean pending =
          state.releases().contains(new TitleState.Release(cmd.holdId(), cmd.barcode()));
      return quietly(
          pending
              ? Decision.persist(new CopyReleased(cmd.holdId(), cmd.barcode(), cmd.onShelf()))
              : Decision.unchanged());
    }
    if (command instanceof Delivered cmd) {
      inFlight.remove("dispatch:" + cmd.dispatchId());
      boolean pending =
          state.outbox().stream().anyMatch(d -> d.dispatchId().equals(cmd.dispatchId()));
      return quietly(
          pending
              ? Decision.persist(new DispatchDelivered(cmd.dispatchId()))
              : Decision.unchanged());
    }
    if (command instanceof Failed cmd) {
      inFlight.remove(cmd.what() + ":" + cmd.key());
      context.scheduleOnce(RETRY, context.getSelf(), new Resume());
      return Effect().none().thenNoReply();
    }
    if (command instanceof Resume) {
      return Effect().none().thenRun(this::carryOn).thenNoReply();
    }
    if (command instanceof ForgetPatron cmd) {
      return onForgetPatron(state, cmd);
    }
    if (command instanceof ForgetHolds cmd) {
      return forget(
          state,
          cmd.patronKey(),
          cmd.holdIds().stream().filter(state.ended()::containsKey).toList(),
          cmd.replyTo());
    }
    if (command instanceof Erased cmd) {
      forgetting.settled(cmd.sequenceNr(), cmd.erased()).forEach(asker -> asker.tell(new Ack()));
      return Effect().none().thenNoReply();
    }
    throw new IllegalArgumentException("no handler for " + command.getClass().getName());
  }

  /**
   * Always a new snapshot, even when the state no longer names the patron: the events before it
   * may.
   */
  private ReplyEffect<TitleEvent, TitleState> onForgetPatron(TitleState state, ForgetPatron cmd) {
    if (state.holds().stream().anyMatch(h -> h.patronKey().equals(cmd.patronKey()))) {
      return Effect()
          .reply(
              cmd.replyTo(),
              new Rejected(
                  Rejection.of(
                      Rejection.Code.ACCOUNT_NOT_SETTLED,
                      "the patron still has a hold on this title; cancel it first")));
    }
    List<String> holdIds =
        state.ended().values().stream()
            .filter(h -> cmd.patronKey().equals(h.patronKey()))
            .map(HoldView::holdId)
            .toList();
    return forget(state, cmd.patronKey(), holdIds, cmd.replyTo());
  }

  /** Forgets the ended holds and the patron's dispatches, answered once the journal is erased. */
  private ReplyEffect<TitleEvent, TitleState> forget(
      TitleState state, String patronKey, List<String> holdIds, ActorRef<TitleReply> replyTo) {
    List<String> dispatchIds =
        state.outbox().stream()
            .filter(d -> patronKey.equals(d.patronKey()))
            .map(Dispatch::dispatchId)
            .toList();
    forgetting.add(replyTo, lastSequenceNumber(context) + 1);
    return Effect()
        .persist(new PatronForgotten(holdIds, dispatchIds, clock.instant()))
        .thenNoReply();
  }

  @Override
  public boolean shouldSnapshot(TitleState state, TitleEvent event, long sequenceNr) {
    return event instanceof PatronForgotten;
  }

  /** R39: with the forgetting's snapshot durable, the events it replaced go. */
  @Override
  protected void snapshotSaved(TitleState state, long sequenceNr) {
    forgetting.snapshotSaved(context, eraser, persistenceId().id(), sequenceNr, Erased::new);
  }

  @Override
  protected void snapshotFailed(TitleState state, Throwable failure) {
    context.getSelf().tell(new Erased(Long.MAX_VALUE, false));
  }

  private ReplyEffect<TitleEvent, TitleState> onCopyMoved(TitleState state, CopyMoved cmd) {
    Decision<TitleEvent> decision;
    if (cmd.lentUnderHold() != null && state.hold(cmd.lentUnderHold()).isPresent()) {
      decision = TitleRules.collected(state, cmd.lentUnderHold());
    } else {
      Copy copy = state.copies().get(cmd.barcode());
      decision =
          copy == null || copy.onShelf() == cmd.onShelf()
              ? Decision.unchanged()
              : Decision.persist(new CopyShelved(cmd.barcode(), cmd.onShelf()));
    }
    return decide(decision, cmd.replyTo(), s -> new Ack());
  }

  /** The pickup deadline goes into the index before the hold is made ready. */
  private ReplyEffect<TitleEvent, TitleState> onCopyArrived(TitleState state, CopyArrived cmd) {
    Optional<Hold> hold = state.hold(cmd.holdId());
    if (hold.isEmpty()
        || hold.get().status() != Hold.Status.IN_TRANSIT
        || !hold.get().pickupBranchId().equals(cmd.branchId())) {
      Decision<TitleEvent> answer =
          TitleRules.arrive(
              state, cmd.holdId(), cmd.barcode(), cmd.branchId(), clock.instant(), "");
      return decide(answer, cmd.replyTo(), s -> holdReply(s, cmd.holdId()));
    }
    Instant deadline = clock.instant().plus(Duration.ofDays(hold.get().pickupDays()));
    context.pipeToSelf(
        deadlines.schedule(new DeadlineIndex.Deadline(deadlineTarget(entityId), deadline)),
        (done, failure) ->
            failure == null
                ? new ArrivalIndexed(cmd, deadline)
                : new Failed("arrival", cmd.holdId()));
    // Without the deadline indexed nothing is recorded; the caller's ask times out and is retried.
    return Effect().noReply();
  }

  private ReplyEffect<TitleEvent, TitleState> onOfferNext(TitleState state, OfferNext cmd) {
    Optional<CopyOffered> offer = TitleRules.nextOffer(state, today());
    if (offer.isEmpty()) {
      return Effect().none().thenNoReply();
    }
    return Effect().persist(offer.get()).thenRun(this::carryOn).thenNoReply();
  }

  /**
   * What persisted state leaves to do, started once each: offers to copies, releases, and
   * dispatches to patrons. Runs after every change and after recovery.
   */
  private void carryOn(TitleState state) {
    for (Dispatch dispatch : state.outbox()) {
      if (inFlight.add("dispatch:" + dispatch.dispatchId())) {
        context.pipeToSelf(
            patrons.deliver(dispatch),
            (done, failure) ->
                failure == null
                    ? new Delivered(dispatch.dispatchId())
                    : new Failed("dispatch", dispatch.dispatchId()));
      }
    }
    for (TitleState.Release release : state.releases()) {
      if (inFlight.add("release:" + release.holdId())) {
        context.pipeToSelf(
            copies.release(release.barcode(), release.holdId()),
            (onShelf, failure) ->
                failure == null
                    ? new CopyReleaseAnswered(release.holdId(), release.barcode(), onShelf)
                    : new Failed("release", release.holdId()));
      }
    }
    Optional<Hold> offered =
        state.holds().stream().filter(h -> h.status() == Hold.Status.OFFERED).findFirst();
    if (offered.isPresent()) {
      offer(offered.get());
    } else if (TitleRules.nextOffer(state, today()).isPresent()) {
      context.getSelf().tell(new OfferNext());
    }
  }

  /** Asks the copy to hold itself; a copy held at the pickup branch gets its deadline indexed. */
  private void offer(Hold hold) {
    if (!inFlight.add("offer:" + hold.holdId())) {
      return;
    }
    String barcode = hold.copy();
    CompletionStage<OfferAnswered> answer =
        copies
            .hold(barcode, hold.holdId(), entityId, hold.patronKey(), hold.pickupBranchId())
            .thenCompose(
                location -> {
                  if (location.isEmpty()) {
                    return CompletableFuture.completedFuture(
                        new OfferAnswered(hold.holdId(), barcode, false, null, null));
                  }
                  if (!location.get().equals(hold.pickupBranchId())) {
                    return CompletableFuture.completedFuture(
                        new OfferAnswered(hold.holdId(), barcode, true, location.get(), null));
                  }
                  Instant deadline = clock.instant().plus(Duration.ofDays(hold.pickupDays()));
                  return deadlines
                      .schedule(new DeadlineIndex.Deadline(deadlineTarget(entityId), deadline))
                      .thenApply(
                          done ->
                              new OfferAnswered(
                                  hold.holdId(), barcode, true, location.get(), deadline));
                });
    context.pipeToSelf(
        answer,
        (answered, failure) -> failure == null ? answered : new Failed("offer", hold.holdId()));
  }

  private ReplyEffect<TitleEvent, TitleState> decide(
      Decision<TitleEvent> decision,
      ActorRef<TitleReply> replyTo,
      java.util.function.Function<TitleState, TitleReply> onAccepted) {
    if (decision instanceof Decision.Persist<TitleEvent> persist) {
      return Effect()
          .persist(persist.events())
          .thenRun(this::carryOn)
          .thenReply(replyTo, onAccepted::apply);
    }
    return Replies.decide(Effect(), decision, replyTo, onAccepted, Rejected::new);
  }

  private ReplyEffect<TitleEvent, TitleState> quietly(Decision<TitleEvent> decision) {
    if (decision instanceof Decision.Persist<TitleEvent> persist) {
      return Effect().persist(persist.events()).thenRun(this::carryOn).thenNoReply();
    }
    return Effect().none().thenNoReply();
  }

  private static TitleReply holdReply(TitleState state, String holdId) {
    return state
        .lookup(holdId)
        .<TitleReply>map(HoldReply::new)
        .orElseGet(
            () ->
                new Rejected(
                    Rejection.of(
                        Rejection.Code.HOLD_NOT_FOUND, "no hold " + holdId + " on this title")));
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  private static String newToken() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public EventHandler<TitleState, TitleEvent> eventHandler() {
    return TitleState::apply;
  }

  @Override
  protected void recovered(TitleState state) {
    carryOn(state);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
