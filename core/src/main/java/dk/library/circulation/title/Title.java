package dk.library.circulation.title;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.ErasureWaiters;
import dk.library.circulation.retention.JournalEraser;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
public final class Title extends MeasuredEntity<Title.Command, Title.Event, Title.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Title");

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

  // Commands

  public sealed interface Command extends CborSerializable {}

  /**
   * Copies registered under this title: one from a single registration, many at once from a bulk
   * import (one journal write for all of them).
   */
  public record AddCopies(
      String agencyId, String titleId, String name, List<NewCopy> copies, ActorRef<Reply> replyTo)
      implements Command {
    public AddCopies {
      copies = List.copyOf(copies);
    }
  }

  public record NewCopy(String barcode, String materialType) implements CborSerializable {}

  /**
   * {@code reservableTypes}: the material types the agency lets be reserved (R23); {@code
   * pickupDays}: days to collect (R26); {@code barcode}: a hold on that copy only.
   */
  public record PlaceHold(
      String holdId,
      String patronKey,
      String agencyId,
      String titleId,
      String pickupBranchId,
      LocalDate notInterestedAfter,
      String barcode,
      Set<String> reservableTypes,
      boolean itemLevelHoldsAllowed,
      int pickupDays,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** {@code patronKey} null: staff cancel on the patron's behalf. */
  public record CancelHold(String holdId, String patronKey, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * The holder changes a waiting hold's pickup branch (R27) or its "not interested after" date
   * (R25); null keeps what the hold has.
   */
  public record ChangeHold(
      String holdId,
      String patronKey,
      String pickupBranchId,
      LocalDate notInterestedAfter,
      ActorRef<Reply> replyTo)
      implements Command {}

  public record GetHold(String holdId, ActorRef<Reply> replyTo) implements Command {}

  public record GetQueue(ActorRef<Reply> replyTo) implements Command {}

  /** R41: the patron's holds on this title, in the queue and ended, as a {@link QueueReply}. */
  public record HoldsOf(String patronKey, ActorRef<Reply> replyTo) implements Command {}

  public record AuthoriseProxy(
      String holdId, String holderKey, String proxyKey, ActorRef<Reply> replyTo)
      implements Command {}

  /** R28: may {@code collectorKey} (or the bearer of {@code pickupToken}) collect the copy? */
  public record CheckCollector(
      String holdId,
      String collectorKey,
      String pickupToken,
      boolean noProxy,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** A copy was returned (to the shelf) or lent (under {@code holdId}, or to a walk-in patron). */
  public record CopyMoved(
      String barcode, boolean onShelf, String lentUnderHold, ActorRef<Reply> replyTo)
      implements Command {}

  /** A copy in transit was received at {@code branchId} (R27). */
  public record CopyArrived(String holdId, String barcode, String branchId, ActorRef<Reply> replyTo)
      implements Command {}

  /** The deadline keeper: something of this title may have fallen due. */
  public record DeadlineReached(ActorRef<Reply> replyTo) implements Command {}

  record OfferNext() implements Command {}

  record OfferAnswered(
      String holdId, String barcode, boolean held, String location, Instant deadline)
      implements Command {}

  record ArrivalIndexed(CopyArrived arrival, Instant deadline) implements Command {}

  record CopyReleaseAnswered(String holdId, String barcode, boolean onShelf) implements Command {}

  record Delivered(String dispatchId) implements Command {}

  record Failed(String what, String key) implements Command {}

  record Resume() implements Command {}

  /**
   * R39: the patron's account was deleted: the title forgets the holds of it that ended and what it
   * still owed the patron; answered once the journal before that is erased. Refused while the
   * patron has a hold in the queue (staff cancel it first).
   */
  public record ForgetPatron(String patronKey, ActorRef<Reply> replyTo) implements Command {}

  /**
   * R40: the window of these ended holds of the patron ended: the title forgets them and the
   * dispatches to the patron about them, then answers {@link Ack} once the events that named them
   * are erased.
   */
  public record ForgetHolds(String patronKey, List<String> holdIds, ActorRef<Reply> replyTo)
      implements Command {}

  record Erased(long sequenceNr, boolean erased) implements Command {}

  // Replies

  public sealed interface Reply extends CborSerializable {}

  public record HoldReply(HoldView hold) implements Reply {}

  public record QueueReply(List<HoldView> holds, List<Copy> copies) implements Reply {}

  public record Ack() implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  // Events

  public sealed interface Event extends CborSerializable {}

  public record CopyAdded(String agencyId, String titleId, String name, Copy copy)
      implements Event {}

  public record HoldPlaced(Hold hold) implements Event {}

  public record CopyOffered(String holdId, String barcode) implements Event {}

  public record OfferDeclined(String holdId, String barcode) implements Event {}

  public record HoldInTransit(String holdId, String barcode) implements Event {}

  public record HoldReady(
      String holdId, int pickupNumber, Instant pickupDeadline, String pickupToken, Dispatch notice)
      implements Event {}

  /** {@code releaseCopy}: the copy held for the hold, to be released to the next in line. */
  public record HoldEnded(
      String holdId,
      String patronKey,
      Hold.Outcome outcome,
      String releaseCopy,
      List<Dispatch> dispatches)
      implements Event {}

  public record ReleaseRequired(String holdId, String barcode) implements Event {}

  public record CopyReleased(String holdId, String barcode, boolean onShelf) implements Event {}

  public record CopyShelved(String barcode, boolean onShelf) implements Event {}

  public record ProxyAuthorised(String holdId, String proxyKey) implements Event {}

  public record HoldChanged(String holdId, String pickupBranchId, LocalDate notInterestedAfter)
      implements Event {}

  public record DispatchDelivered(String dispatchId) implements Event {}

  /** R39: these ended holds and dispatches named a deleted account's patron. */
  public record PatronForgotten(List<String> holdIds, List<String> dispatchIds, Instant at)
      implements Event {}

  // State

  public record Release(String holdId, String barcode) implements CborSerializable {}

  /**
   * {@code ended}: the last holds that left the queue, by id (bounded), so a repeated request is
   * answered and a hold's outcome can be looked up. {@code outbox} and {@code releases}: work owed
   * to patrons and copies, done again after a restart until confirmed.
   */
  public record State(
      String agencyId,
      String titleId,
      String name,
      Map<String, Copy> copies,
      List<Hold> holds,
      Map<String, HoldView> ended,
      List<Dispatch> outbox,
      List<Release> releases,
      int pickupCounter)
      implements CborSerializable {

    static final int REMEMBERED_ENDED = 500;

    public static State empty() {
      return new State(null, null, null, Map.of(), List.of(), Map.of(), List.of(), List.of(), 0);
    }

    public Optional<Hold> hold(String holdId) {
      return holds.stream().filter(h -> h.holdId().equals(holdId)).findFirst();
    }

    List<String> materialTypes() {
      return copies.values().stream().map(Copy::materialType).distinct().sorted().toList();
    }

    public HoldView view(Hold hold) {
      int position = 0;
      if (!hold.hasCopy()) {
        for (Hold h : holds) {
          if (!h.hasCopy()) {
            position++;
          }
          if (h == hold) {
            break;
          }
        }
      }
      return new HoldView(
          hold.holdId(),
          agencyId,
          titleId,
          name,
          hold.patronKey(),
          hold.pickupBranchId(),
          hold.status().name(),
          position,
          hold.copy(),
          hold.pickupNumber(),
          hold.pickupDeadline(),
          hold.notInterestedAfter(),
          hold.placedAt(),
          null);
    }

    public Optional<HoldView> lookup(String holdId) {
      Optional<HoldView> active = hold(holdId).map(this::view);
      return active.isPresent() ? active : Optional.ofNullable(ended.get(holdId));
    }

    /** The state after an event; the entity's event handler and the rule tests both use it. */
    public State apply(Event event) {
      if (event instanceof CopyAdded e) {
        return copyAdded(e);
      } else if (event instanceof HoldPlaced e) {
        List<Hold> next = new ArrayList<>(holds);
        next.add(e.hold());
        return withHolds(next);
      } else if (event instanceof CopyOffered e) {
        return mapHold(e.holdId(), h -> h.offered(e.barcode()))
            .mapCopy(e.barcode(), c -> c.heldFor(e.holdId()));
      } else if (event instanceof OfferDeclined e) {
        return mapHold(e.holdId(), Hold::backInQueue)
            .mapCopy(e.barcode(), c -> c.heldFor(null).shelved(false));
      } else if (event instanceof HoldInTransit e) {
        return mapHold(e.holdId(), Hold::inTransit).mapCopy(e.barcode(), c -> c.shelved(false));
      } else if (event instanceof HoldReady e) {
        return ready(e);
      } else if (event instanceof HoldEnded e) {
        return holdEnded(e);
      } else if (event instanceof ReleaseRequired e) {
        return releaseRequired(e);
      } else if (event instanceof CopyReleased e) {
        return released(e);
      } else if (event instanceof CopyShelved e) {
        return mapCopy(e.barcode(), c -> c.shelved(e.onShelf()));
      } else if (event instanceof ProxyAuthorised e) {
        return mapHold(e.holdId(), h -> h.withProxy(e.proxyKey()));
      } else if (event instanceof HoldChanged e) {
        return mapHold(e.holdId(), h -> h.changed(e.pickupBranchId(), e.notInterestedAfter()));
      } else if (event instanceof DispatchDelivered e) {
        return delivered(e.dispatchId());
      } else if (event instanceof PatronForgotten e) {
        Map<String, HoldView> keptEnded = new LinkedHashMap<>(ended);
        keptEnded.keySet().removeAll(e.holdIds());
        List<Dispatch> keptOutbox =
            outbox.stream().filter(d -> !e.dispatchIds().contains(d.dispatchId())).toList();
        return new State(
            agencyId, titleId, name, copies, holds, keptEnded, keptOutbox, releases, pickupCounter);
      }
      throw new IllegalArgumentException("unknown title event " + event);
    }

    State copyAdded(CopyAdded e) {
      Map<String, Copy> next = new LinkedHashMap<>(copies);
      next.put(e.copy().barcode(), e.copy());
      return new State(
          e.agencyId(), e.titleId(), e.name(), next, holds, ended, outbox, releases, pickupCounter);
    }

    State withHolds(List<Hold> next) {
      return new State(
          agencyId,
          titleId,
          name,
          copies,
          List.copyOf(next),
          ended,
          outbox,
          releases,
          pickupCounter);
    }

    State mapHold(String holdId, java.util.function.UnaryOperator<Hold> change) {
      return withHolds(
          holds.stream().map(h -> h.holdId().equals(holdId) ? change.apply(h) : h).toList());
    }

    State mapCopy(String barcode, java.util.function.UnaryOperator<Copy> change) {
      Copy copy = copies.get(barcode);
      if (copy == null) {
        return this;
      }
      Map<String, Copy> next = new LinkedHashMap<>(copies);
      next.put(barcode, change.apply(copy));
      return new State(
          agencyId, titleId, name, next, holds, ended, outbox, releases, pickupCounter);
    }

    State ready(HoldReady e) {
      List<Dispatch> nextOutbox = new ArrayList<>(outbox);
      nextOutbox.add(e.notice());
      State s =
          mapHold(e.holdId(), h -> h.ready(e.pickupNumber(), e.pickupDeadline(), e.pickupToken()));
      return new State(
          agencyId,
          titleId,
          name,
          s.copies,
          s.holds,
          ended,
          List.copyOf(nextOutbox),
          releases,
          Math.max(pickupCounter, e.pickupNumber()));
    }

    State holdEnded(HoldEnded e) {
      Optional<Hold> hold = hold(e.holdId());
      if (hold.isEmpty()) {
        return this;
      }
      LinkedHashMap<String, HoldView> nextEnded = new LinkedHashMap<>(ended);
      HoldView last = view(hold.get());
      nextEnded.put(
          e.holdId(),
          new HoldView(
              last.holdId(),
              last.agencyId(),
              last.titleId(),
              last.title(),
              last.patronKey(),
              last.pickupBranchId(),
              "ENDED",
              0,
              last.barcode(),
              last.pickupNumber(),
              last.pickupDeadline(),
              last.notInterestedAfter(),
              last.placedAt(),
              e.outcome()));
      while (nextEnded.size() > REMEMBERED_ENDED) {
        nextEnded.remove(nextEnded.keySet().iterator().next());
      }
      List<Dispatch> nextOutbox = new ArrayList<>(outbox);
      nextOutbox.addAll(e.dispatches());
      List<Release> nextReleases = new ArrayList<>(releases);
      if (e.releaseCopy() != null) {
        nextReleases.add(new Release(e.holdId(), e.releaseCopy()));
      }
      State s = this;
      if (e.outcome() == Hold.Outcome.COLLECTED && hold.get().copy() != null) {
        s = s.mapCopy(hold.get().copy(), c -> c.heldFor(null).shelved(false));
      }
      return new State(
          agencyId,
          titleId,
          name,
          s.copies,
          holds.stream().filter(h -> !h.holdId().equals(e.holdId())).toList(),
          nextEnded,
          List.copyOf(nextOutbox),
          List.copyOf(nextReleases),
          pickupCounter);
    }

    State releaseRequired(ReleaseRequired e) {
      List<Release> next = new ArrayList<>(releases);
      next.add(new Release(e.holdId(), e.barcode()));
      return new State(
          agencyId, titleId, name, copies, holds, ended, outbox, List.copyOf(next), pickupCounter);
    }

    State released(CopyReleased e) {
      State s =
          mapCopy(
              e.barcode(),
              c -> (e.holdId().equals(c.heldFor()) ? c.heldFor(null) : c).shelved(e.onShelf()));
      List<Release> next =
          releases.stream()
              .filter(r -> !(r.holdId().equals(e.holdId()) && r.barcode().equals(e.barcode())))
              .toList();
      return new State(
          agencyId, titleId, name, s.copies, holds, ended, outbox, next, pickupCounter);
    }

    State delivered(String dispatchId) {
      List<Dispatch> next =
          outbox.stream().filter(d -> !d.dispatchId().equals(dispatchId)).toList();
      return new State(
          agencyId, titleId, name, copies, holds, ended, next, releases, pickupCounter);
    }
  }

  private static final Duration RETRY = Duration.ofSeconds(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String entityId;
  private final ActorContext<Command> context;
  private final Clock clock;
  private final ZoneId zone;
  private final Copies copies;
  private final Patrons patrons;
  private final DeadlineIndex deadlines;

  /** Work under way, so a second trigger does not start it twice. */
  private final Set<String> inFlight = new HashSet<>();

  private final JournalEraser eraser;

  /** R39: asks to forget a patron, each answered once the journal up to its event is erased. */
  private final ErasureWaiters<ActorRef<Reply>> forgetting = new ErasureWaiters<>();

  private Title(
      String entityId,
      ActorContext<Command> context,
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

  public static Behavior<Command> create(
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
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return this::handle;
  }

  private ReplyEffect<Event, State> handle(State state, Command command) {
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
      boolean pending = state.releases().contains(new Release(cmd.holdId(), cmd.barcode()));
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
  private ReplyEffect<Event, State> onForgetPatron(State state, ForgetPatron cmd) {
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
  private ReplyEffect<Event, State> forget(
      State state, String patronKey, List<String> holdIds, ActorRef<Reply> replyTo) {
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
  public boolean shouldSnapshot(State state, Event event, long sequenceNr) {
    return event instanceof PatronForgotten;
  }

  /** R39: with the forgetting's snapshot durable, the events it replaced go. */
  @Override
  protected void snapshotSaved(State state, long sequenceNr) {
    forgetting.snapshotSaved(context, eraser, persistenceId().id(), sequenceNr, Erased::new);
  }

  @Override
  protected void snapshotFailed(State state, Throwable failure) {
    context.getSelf().tell(new Erased(Long.MAX_VALUE, false));
  }

  private ReplyEffect<Event, State> onCopyMoved(State state, CopyMoved cmd) {
    Decision<Event> decision;
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
  private ReplyEffect<Event, State> onCopyArrived(State state, CopyArrived cmd) {
    Optional<Hold> hold = state.hold(cmd.holdId());
    if (hold.isEmpty()
        || hold.get().status() != Hold.Status.IN_TRANSIT
        || !hold.get().pickupBranchId().equals(cmd.branchId())) {
      Decision<Event> answer =
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

  private ReplyEffect<Event, State> onOfferNext(State state, OfferNext cmd) {
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
  private void carryOn(State state) {
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
    for (Release release : state.releases()) {
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

  private ReplyEffect<Event, State> decide(
      Decision<Event> decision,
      ActorRef<Reply> replyTo,
      java.util.function.Function<State, Reply> onAccepted) {
    if (decision instanceof Decision.Persist<Event> persist) {
      return Effect()
          .persist(persist.events())
          .thenRun(this::carryOn)
          .thenReply(replyTo, onAccepted::apply);
    }
    return Replies.decide(Effect(), decision, replyTo, onAccepted, Rejected::new);
  }

  private ReplyEffect<Event, State> quietly(Decision<Event> decision) {
    if (decision instanceof Decision.Persist<Event> persist) {
      return Effect().persist(persist.events()).thenRun(this::carryOn).thenNoReply();
    }
    return Effect().none().thenNoReply();
  }

  private static Reply holdReply(State state, String holdId) {
    return state
        .lookup(holdId)
        .<Reply>map(HoldReply::new)
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
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }

  @Override
  protected void recovered(State state) {
    carryOn(state);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
