package dk.library.circulation.ill;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Replies;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.ill.RequestView.StatusChange;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.retention.WholeErasure;
import dk.library.circulation.title.Dispatch;
import dk.library.circulation.title.Title;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * One interlibrary request (R29), from the patron's request to the copy's return: the single writer
 * of its ISO 18626 status. Rules are in {@link InterlibraryRules}; notices to the patron are
 * persisted with the status that causes them and handed over until the patron has them.
 */
public final class InterlibraryRequest
    extends MeasuredEntity<
        InterlibraryRequest.Command, InterlibraryRequest.Event, InterlibraryRequest.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "InterlibraryRequest");

  /** The hold id under which the lender's copy is kept for the request. */
  public static String holdId(String requestId) {
    return "ill-" + requestId;
  }

  public static String deadlineTarget(String requestId) {
    return ENTITY_TYPE_KEY.name() + "/" + requestId;
  }

  /**
   * R40: an ended request (who asked for what) is kept as long as a returned loan [004], then its
   * whole record is erased.
   */
  public static final Duration KEPT_AFTER_END = Duration.ofDays(30);

  /** The statuses after which nothing more happens to a request. */
  public static final Set<IsoStatus> ENDED =
      EnumSet.of(IsoStatus.Unfilled, IsoStatus.LoanCompleted, IsoStatus.Cancelled);

  /** Who asked for what, to be collected where. */
  public record Details(
      String requestId,
      String patronKey,
      String borrowingAgencyId,
      String pickupBranchId,
      String titleId,
      Instant requestedAt)
      implements CborSerializable {}

  // Commands

  public sealed interface Command extends CborSerializable {}

  public record Create(Details details, List<String> lenders, ActorRef<Reply> replyTo)
      implements Command {}

  /** The current lender's answer: ExpectToSupply, WillSupply or Unfilled. */
  public record Answer(
      String lenderAgencyId,
      IsoStatus status,
      String barcode,
      Integer chargeDkk,
      Integer loanPeriodDays,
      String note,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** The loan's course (Loaned with its due time, Recalled, LoanCompleted) or a cancellation. */
  public record Advance(
      IsoStatus status, String agencyId, String note, Instant dueAt, ActorRef<Reply> replyTo)
      implements Command {}

  public record ReceivedAt(String branchId, ActorRef<Reply> replyTo) implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** R39: the patron's account was deleted: the whole journal goes, then {@link Gone}. */
  public record Erase(ActorRef<Reply> replyTo) implements Command {}

  record Erased(ActorRef<Reply> replyTo, Throwable failure) implements Command {}

  /** The loan's due time may have passed (Overdue). */
  public record DeadlineReached(ActorRef<Reply> replyTo) implements Command {}

  record Delivered(String dispatchId) implements Command {}

  record DeliveryFailed(String dispatchId) implements Command {}

  record Resume() implements Command {}

  /**
   * R40: the deadline that erases the ended request is indexed ({@code failure} null) or not; the
   * decision taken on {@code basis} is recorded only if nothing changed meanwhile, else {@code
   * command} is decided again.
   */
  record EndIndexed(
      Command command,
      State basis,
      Decision.Persist<Event> decision,
      ActorRef<Reply> replyTo,
      Throwable failure)
      implements Command {}

  // Replies

  public sealed interface Reply extends CborSerializable {}

  public record ViewReply(RequestView request) implements Reply {}

  public record Gone() implements Reply {}

  /**
   * R40: the ended request's window has passed. The patron forgets the request's id first, then the
   * request is asked to {@link Erase} itself; a crash between the two wakes it here again.
   */
  public record WindowEnded(String patronKey) implements Reply {}

  public record Rejected(dk.library.circulation.Rejection rejection)
      implements Reply, dk.library.circulation.Refusal {}

  // Events

  public sealed interface Event extends CborSerializable {}

  public record Created(Details details, List<String> lenders) implements Event {}

  /** {@code barcode}, {@code chargeDkk}, {@code loanPeriodDays}: a lender's WillSupply terms. */
  public record StatusChanged(
      StatusChange change,
      String barcode,
      Integer chargeDkk,
      Integer loanPeriodDays,
      List<Dispatch> notices,
      Instant dueAt)
      implements Event {

    static StatusChanged of(
        StatusChange change,
        String barcode,
        Integer chargeDkk,
        Integer loanPeriodDays,
        List<Dispatch> notices) {
      return new StatusChanged(change, barcode, chargeDkk, loanPeriodDays, notices, null);
    }
  }

  public record PassedOn(int lenderIndex) implements Event {}

  public record ReceivedAtPickup(String branchId, Instant at, Dispatch notice) implements Event {}

  public record DispatchDelivered(String dispatchId) implements Event {}

  // State

  public record State(
      Details details,
      List<String> lenders,
      int lenderIndex,
      IsoStatus status,
      String barcode,
      int chargeDkk,
      Integer loanPeriodDays,
      boolean atPickup,
      Instant dueAt,
      List<StatusChange> history,
      List<Dispatch> outbox)
      implements CborSerializable {

    public static State empty() {
      return new State(null, List.of(), 0, null, null, 0, null, false, null, List.of(), List.of());
    }

    public String lender() {
      return lenders.isEmpty() ? null : lenders.get(lenderIndex);
    }

    public RequestView view() {
      return new RequestView(
          details.requestId(),
          details.patronKey(),
          status,
          details.borrowingAgencyId(),
          details.pickupBranchId(),
          details.titleId(),
          lender(),
          lenders,
          barcode,
          chargeDkk,
          loanPeriodDays,
          atPickup,
          history);
    }

    public State apply(Event event) {
      if (event instanceof Created e) {
        return new State(
            e.details(),
            List.copyOf(e.lenders()),
            0,
            null,
            null,
            0,
            null,
            false,
            null,
            history,
            outbox);
      } else if (event instanceof StatusChanged e) {
        List<StatusChange> nextHistory = new ArrayList<>(history);
        nextHistory.add(e.change());
        List<Dispatch> nextOutbox = new ArrayList<>(outbox);
        nextOutbox.addAll(e.notices());
        return new State(
            details,
            lenders,
            lenderIndex,
            e.change().status(),
            e.barcode() != null ? e.barcode() : barcode,
            e.chargeDkk() != null ? e.chargeDkk() : chargeDkk,
            e.loanPeriodDays() != null ? e.loanPeriodDays() : loanPeriodDays,
            atPickup,
            e.dueAt() != null ? e.dueAt() : dueAt,
            List.copyOf(nextHistory),
            List.copyOf(nextOutbox));
      } else if (event instanceof PassedOn e) {
        return new State(
            details,
            lenders,
            e.lenderIndex(),
            status,
            barcode,
            chargeDkk,
            loanPeriodDays,
            atPickup,
            dueAt,
            history,
            outbox);
      } else if (event instanceof ReceivedAtPickup e) {
        List<Dispatch> nextOutbox = new ArrayList<>(outbox);
        nextOutbox.add(e.notice());
        return new State(
            details,
            lenders,
            lenderIndex,
            status,
            barcode,
            chargeDkk,
            loanPeriodDays,
            true,
            dueAt,
            history,
            List.copyOf(nextOutbox));
      } else if (event instanceof DispatchDelivered e) {
        return new State(
            details,
            lenders,
            lenderIndex,
            status,
            barcode,
            chargeDkk,
            loanPeriodDays,
            atPickup,
            dueAt,
            history,
            outbox.stream().filter(d -> !d.dispatchId().equals(e.dispatchId())).toList());
      }
      throw new IllegalArgumentException("unknown request event " + event);
    }
  }

  private static final Duration RETRY = Duration.ofSeconds(5);

  private final String requestId;
  private final ActorContext<Command> context;
  private final Clock clock;
  private final Title.Patrons patrons;
  private final JournalEraser eraser;
  private final DeadlineIndex deadlines;
  private final Set<String> delivering = new HashSet<>();

  private InterlibraryRequest(
      String requestId,
      ActorContext<Command> context,
      Clock clock,
      Title.Patrons patrons,
      JournalEraser eraser,
      DeadlineIndex deadlines) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), requestId), ENTITY_TYPE_KEY.name());
    this.requestId = requestId;
    this.context = context;
    this.clock = clock;
    this.patrons = patrons;
    this.eraser = eraser;
    this.deadlines = deadlines;
  }

  public static Behavior<Command> create(
      String requestId,
      Clock clock,
      Title.Patrons patrons,
      JournalEraser eraser,
      DeadlineIndex deadlines) {
    return Behaviors.setup(
        ctx -> new InterlibraryRequest(requestId, ctx, clock, patrons, eraser, deadlines));
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Create.class,
            (state, cmd) ->
                decide(
                    state,
                    cmd,
                    InterlibraryRules.create(state, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            Answer.class,
            (state, cmd) ->
                decide(
                    state,
                    cmd,
                    InterlibraryRules.answer(state, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            Advance.class,
            (state, cmd) ->
                decide(
                    state,
                    cmd,
                    InterlibraryRules.advance(state, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            ReceivedAt.class,
            (state, cmd) ->
                decide(
                    state,
                    cmd,
                    InterlibraryRules.arrived(state, cmd.branchId(), clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            Get.class,
            (state, cmd) ->
                state.details() == null
                    ? Replies.decide(
                        Effect(),
                        InterlibraryRules.notFound(requestId),
                        cmd.replyTo(),
                        s -> new ViewReply(s.view()),
                        Rejected::new)
                    : Effect().reply(cmd.replyTo(), new ViewReply(state.view())))
        .onCommand(DeadlineReached.class, this::onDeadline)
        .onCommand(EndIndexed.class, this::onEndIndexed)
        .onCommand(
            Erase.class,
            (state, cmd) ->
                WholeErasure.begin(Effect(), context, eraser, this, cmd.replyTo(), Erased::new))
        .onCommand(
            Erased.class,
            (state, cmd) ->
                WholeErasure.ended(Effect(), context, cmd.replyTo(), cmd.failure(), new Gone()))
        .onCommand(
            Delivered.class,
            (state, cmd) -> {
              delivering.remove(cmd.dispatchId());
              boolean pending =
                  state.outbox().stream().anyMatch(d -> d.dispatchId().equals(cmd.dispatchId()));
              return pending
                  ? Effect().persist(new DispatchDelivered(cmd.dispatchId())).thenNoReply()
                  : Effect().none().thenNoReply();
            })
        .onCommand(
            DeliveryFailed.class,
            (state, cmd) -> {
              delivering.remove(cmd.dispatchId());
              context.scheduleOnce(RETRY, context.getSelf(), new Resume());
              return Effect().none().thenNoReply();
            })
        .onCommand(
            Resume.class, (state, cmd) -> Effect().none().thenRun(this::deliver).thenNoReply())
        .build();
  }

  /**
   * Overdue once the due time has passed while the copy is still on loan; an ended request's whole
   * record goes once its window has passed (R40).
   */
  private ReplyEffect<Event, State> onDeadline(State state, DeadlineReached cmd) {
    if (state.details() == null) {
      return Replies.decide(
          Effect(),
          InterlibraryRules.notFound(requestId),
          cmd.replyTo(),
          s -> new ViewReply(s.view()),
          Rejected::new);
    }
    if (ENDED.contains(state.status()) && !clock.instant().isBefore(windowEnd(state))) {
      return Effect().reply(cmd.replyTo(), new WindowEnded(state.details().patronKey()));
    }
    boolean overdue =
        state.status() == IsoStatus.Loaned
            && state.dueAt() != null
            && !clock.instant().isBefore(state.dueAt());
    Decision<Event> decision =
        overdue
            ? InterlibraryRules.advance(
                state,
                new Advance(
                    IsoStatus.Overdue, state.details().borrowingAgencyId(), null, null, null),
                clock.instant())
            : Decision.unchanged();
    return decide(state, cmd, decision, cmd.replyTo());
  }

  /**
   * A decision that ends the request is recorded once the deadline that erases it is indexed (R40),
   * as every deadline is written before the state that needs it.
   */
  private ReplyEffect<Event, State> decide(
      State state, Command command, Decision<Event> decision, ActorRef<Reply> replyTo) {
    if (decision instanceof Decision.Persist<Event> persist && ends(state, persist.events())) {
      DeadlineIndex.Deadline erasure =
          new DeadlineIndex.Deadline(
              deadlineTarget(requestId), clock.instant().plus(KEPT_AFTER_END));
      context.pipeToSelf(
          deadlines.schedule(erasure),
          (done, failure) -> new EndIndexed(command, state, persist, replyTo, failure));
      return Effect().noReply();
    }
    return record(decision, replyTo);
  }

  private static boolean ends(State state, List<Event> events) {
    State after = state;
    for (Event event : events) {
      after = after.apply(event);
    }
    return !ENDED.contains(state.status()) && ENDED.contains(after.status());
  }

  private ReplyEffect<Event, State> onEndIndexed(State state, EndIndexed cmd) {
    if (cmd.failure() != null) {
      // Nothing is recorded; the caller's ask times out and it asks again.
      context.getLog().warn("Request's erasure deadline not indexed: {}", cmd.failure().toString());
      return Effect().noReply();
    }
    if (state != cmd.basis()) {
      // Something was recorded meanwhile: the command is decided again on what is there now.
      context.getSelf().tell(cmd.command());
      return Effect().noReply();
    }
    return record(cmd.decision(), cmd.replyTo());
  }

  /** When the ended request's window ends: {@link #KEPT_AFTER_END} after its last change. */
  private static Instant windowEnd(State state) {
    return state.history().get(state.history().size() - 1).at().plus(KEPT_AFTER_END);
  }

  private ReplyEffect<Event, State> record(Decision<Event> decision, ActorRef<Reply> replyTo) {
    if (decision instanceof Decision.Persist<Event> persist) {
      return Effect()
          .persist(persist.events())
          .thenRun(this::deliver)
          .thenReply(replyTo, s -> new ViewReply(s.view()));
    }
    return Replies.decide(Effect(), decision, replyTo, s -> new ViewReply(s.view()), Rejected::new);
  }

  /** Hands each pending notice to the patron once; failures are retried. */
  private void deliver(State state) {
    for (Dispatch dispatch : state.outbox()) {
      if (delivering.add(dispatch.dispatchId())) {
        context.pipeToSelf(
            patrons.deliver(dispatch),
            (done, failure) ->
                failure == null
                    ? new Delivered(dispatch.dispatchId())
                    : new DeliveryFailed(dispatch.dispatchId()));
      }
    }
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }

  @Override
  protected void recovered(State state) {
    deliver(state);
  }
}
