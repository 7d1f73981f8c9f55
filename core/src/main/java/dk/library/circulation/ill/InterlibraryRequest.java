package dk.library.circulation.ill;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Replies;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.ill.InterlibraryRequestCommand.Advance;
import dk.library.circulation.ill.InterlibraryRequestCommand.Answer;
import dk.library.circulation.ill.InterlibraryRequestCommand.CheckIn;
import dk.library.circulation.ill.InterlibraryRequestCommand.Create;
import dk.library.circulation.ill.InterlibraryRequestCommand.DeadlineReached;
import dk.library.circulation.ill.InterlibraryRequestCommand.Delivered;
import dk.library.circulation.ill.InterlibraryRequestCommand.DeliveryFailed;
import dk.library.circulation.ill.InterlibraryRequestCommand.EndIndexed;
import dk.library.circulation.ill.InterlibraryRequestCommand.Erase;
import dk.library.circulation.ill.InterlibraryRequestCommand.Erased;
import dk.library.circulation.ill.InterlibraryRequestCommand.FromBorrowingPartner;
import dk.library.circulation.ill.InterlibraryRequestCommand.FromPartner;
import dk.library.circulation.ill.InterlibraryRequestCommand.Get;
import dk.library.circulation.ill.InterlibraryRequestCommand.ListAgain;
import dk.library.circulation.ill.InterlibraryRequestCommand.Listed;
import dk.library.circulation.ill.InterlibraryRequestCommand.PartnerAnswered;
import dk.library.circulation.ill.InterlibraryRequestCommand.ReceivedAt;
import dk.library.circulation.ill.InterlibraryRequestCommand.ResendToPartners;
import dk.library.circulation.ill.InterlibraryRequestCommand.Resume;
import dk.library.circulation.ill.InterlibraryRequestCommand.Ship;
import dk.library.circulation.ill.InterlibraryRequestCommand.ShipReturn;
import dk.library.circulation.ill.InterlibraryRequestCommand.Unlisted;
import dk.library.circulation.ill.InterlibraryRequestEvent.DispatchDelivered;
import dk.library.circulation.ill.InterlibraryRequestEvent.PartnerConfirmed;
import dk.library.circulation.ill.InterlibraryRequestReply.Gone;
import dk.library.circulation.ill.InterlibraryRequestReply.Rejected;
import dk.library.circulation.ill.InterlibraryRequestReply.ViewReply;
import dk.library.circulation.ill.InterlibraryRequestReply.WindowEnded;
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
        InterlibraryRequestCommand, InterlibraryRequestEvent, InterlibraryRequestState> {

  public static final EntityTypeKey<InterlibraryRequestCommand> ENTITY_TYPE_KEY =
      EntityTypeKey.create(InterlibraryRequestCommand.class, "InterlibraryRequest");

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

  /**
   * Who asked for what, to be collected where. A partner system's request to one of our agencies
   * has no patron of ours: {@code borrowingAgencyId} is the partner, {@code partnerRequestId} its
   * own id for the request (null for requests of this core's patrons).
   */
  public record Details(
      String requestId,
      String patronKey,
      String borrowingAgencyId,
      String pickupBranchId,
      String titleId,
      Instant requestedAt,
      String partnerRequestId)
      implements CborSerializable {

    public Details(
        String requestId,
        String patronKey,
        String borrowingAgencyId,
        String pickupBranchId,
        String titleId,
        Instant requestedAt) {
      this(requestId, patronKey, borrowingAgencyId, pickupBranchId, titleId, requestedAt, null);
    }
  }

  private static final Duration RETRY = Duration.ofSeconds(5);

  /** A message a partner did not confirm is sent again after 1 s, then twice as long, to 5 min. */
  private static final Duration PARTNER_RETRY_FIRST = Duration.ofSeconds(1);

  private static final Duration PARTNER_RETRY_LONGEST = Duration.ofMinutes(5);

  private final String requestId;
  private final ActorContext<InterlibraryRequestCommand> context;
  private final Clock clock;
  private final Title.Patrons patrons;
  private final JournalEraser eraser;
  private final DeadlineIndex deadlines;
  private final Partners partners;
  private final Worklists worklists;
  private boolean listing;
  private boolean listAgain;
  private final Set<String> delivering = new HashSet<>();
  private final Set<String> sending = new HashSet<>();
  private int partnerFailures;
  private boolean resendScheduled;

  private InterlibraryRequest(
      String requestId,
      ActorContext<InterlibraryRequestCommand> context,
      Clock clock,
      Title.Patrons patrons,
      JournalEraser eraser,
      DeadlineIndex deadlines,
      Partners partners,
      Worklists worklists) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), requestId), ENTITY_TYPE_KEY.name());
    this.requestId = requestId;
    this.context = context;
    this.clock = clock;
    this.patrons = patrons;
    this.eraser = eraser;
    this.deadlines = deadlines;
    this.partners = partners;
    this.worklists = worklists;
  }

  public static Behavior<InterlibraryRequestCommand> create(
      String requestId,
      Clock clock,
      Title.Patrons patrons,
      JournalEraser eraser,
      DeadlineIndex deadlines,
      Partners partners,
      Worklists worklists) {
    return Behaviors.setup(
        ctx ->
            new InterlibraryRequest(
                requestId, ctx, clock, patrons, eraser, deadlines, partners, worklists));
  }

  @Override
  public InterlibraryRequestState emptyState() {
    return InterlibraryRequestState.empty();
  }

  @Override
  public CommandHandlerWithReply<
          InterlibraryRequestCommand, InterlibraryRequestEvent, InterlibraryRequestState>
      commandHandler() {
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
            FromPartner.class,
            (state, cmd) ->
                decide(
                    state,
                    cmd,
                    InterlibraryRules.fromPartner(state, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            ShipReturn.class,
            (state, cmd) ->
                decide(
                    state,
                    cmd,
                    InterlibraryRules.shipReturn(state, cmd.agencyId(), clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            FromBorrowingPartner.class,
            (state, cmd) ->
                decide(
                    state,
                    cmd,
                    InterlibraryRules.fromBorrowingPartner(state, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            Ship.class,
            (state, cmd) ->
                decide(
                    state,
                    cmd,
                    InterlibraryRules.shipToPartner(state, cmd.agencyId(), clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            CheckIn.class,
            (state, cmd) ->
                decide(
                    state,
                    cmd,
                    InterlibraryRules.checkInFromPartner(state, cmd.agencyId(), clock.instant()),
                    cmd.replyTo()))
        .onCommand(PartnerAnswered.class, this::onPartnerAnswered)
        .onCommand(
            ResendToPartners.class,
            (state, cmd) -> {
              resendScheduled = false;
              return Effect().none().thenRun(this::deliver).thenNoReply();
            })
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
        .onCommand(Erase.class, this::onErase)
        .onCommand(
            Unlisted.class,
            (state, cmd) -> {
              if (cmd.failure() != null) {
                // Nothing is erased; the caller's ask times out and it asks again.
                context
                    .getLog()
                    .warn("Request not taken off the worklists: {}", cmd.failure().toString());
                return Effect().noReply();
              }
              return WholeErasure.begin(
                  Effect(), context, eraser, this, cmd.replyTo(), Erased::new);
            })
        .onCommand(Listed.class, this::onListed)
        .onCommand(
            ListAgain.class,
            (state, cmd) -> {
              list(state);
              return Effect().none().thenNoReply();
            })
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
  private ReplyEffect<InterlibraryRequestEvent, InterlibraryRequestState> onDeadline(
      InterlibraryRequestState state, DeadlineReached cmd) {
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
    Decision<InterlibraryRequestEvent> decision =
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
  private ReplyEffect<InterlibraryRequestEvent, InterlibraryRequestState> decide(
      InterlibraryRequestState state,
      InterlibraryRequestCommand command,
      Decision<InterlibraryRequestEvent> rulesDecision,
      ActorRef<InterlibraryRequestReply> replyTo) {
    Decision<InterlibraryRequestEvent> decision =
        InterlibraryRules.tellBorrowingPartner(state, rulesDecision, clock.instant());
    if (decision instanceof Decision.Persist<InterlibraryRequestEvent> persist
        && ends(state, persist.events())) {
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

  private static boolean ends(
      InterlibraryRequestState state, List<InterlibraryRequestEvent> events) {
    InterlibraryRequestState after = state;
    for (InterlibraryRequestEvent event : events) {
      after = after.apply(event);
    }
    return !ENDED.contains(state.status()) && ENDED.contains(after.status());
  }

  private ReplyEffect<InterlibraryRequestEvent, InterlibraryRequestState> onEndIndexed(
      InterlibraryRequestState state, EndIndexed cmd) {
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
  private static Instant windowEnd(InterlibraryRequestState state) {
    return state.history().get(state.history().size() - 1).at().plus(KEPT_AFTER_END);
  }

  private ReplyEffect<InterlibraryRequestEvent, InterlibraryRequestState> record(
      Decision<InterlibraryRequestEvent> decision, ActorRef<InterlibraryRequestReply> replyTo) {
    if (decision instanceof Decision.Persist<InterlibraryRequestEvent> persist) {
      return Effect()
          .persist(persist.events())
          .thenRun(this::deliver)
          .thenRun(this::list)
          .thenReply(replyTo, s -> new ViewReply(s.view()));
    }
    return Replies.decide(Effect(), decision, replyTo, s -> new ViewReply(s.view()), Rejected::new);
  }

  /**
   * A partner's confirmation is recorded (an error too: sending the same message again would get
   * the same answer); no confirmation, and the message is sent again later.
   */
  private ReplyEffect<InterlibraryRequestEvent, InterlibraryRequestState> onPartnerAnswered(
      InterlibraryRequestState state, PartnerAnswered cmd) {
    sending.remove(cmd.messageId());
    if (cmd.failure() != null) {
      Duration wait = PARTNER_RETRY_FIRST.multipliedBy(1L << Math.min(partnerFailures, 9));
      partnerFailures++;
      context
          .getLog()
          .info(
              "Partner message {} not confirmed ({}); sending again in {}",
              cmd.messageId(),
              cmd.failure().toString(),
              wait);
      if (!resendScheduled) {
        resendScheduled = true;
        context.scheduleOnce(
            wait.compareTo(PARTNER_RETRY_LONGEST) > 0 ? PARTNER_RETRY_LONGEST : wait,
            context.getSelf(),
            new ResendToPartners());
      }
      return Effect().none().thenNoReply();
    }
    partnerFailures = 0;
    boolean pending =
        state.partnerMessages().stream()
            .anyMatch(m -> m.messageId().equals(cmd.messageId()) && m.pending());
    return pending
        ? Effect()
            .persist(new PartnerConfirmed(cmd.messageId(), cmd.confirmation().outcome()))
            .thenRun(this::deliver)
            .thenNoReply()
        : Effect().none().thenNoReply();
  }

  /**
   * Hands each pending notice to the patron once, and sends each unconfirmed message to its
   * partner, in order: a partner's next message waits for the one before it. Failures are retried.
   */
  private void deliver(InterlibraryRequestState state) {
    sendToPartners(state);
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

  private void sendToPartners(InterlibraryRequestState state) {
    if (resendScheduled) {
      return;
    }
    Set<String> waiting = new HashSet<>();
    for (PartnerMessage message : state.partnerMessages()) {
      if (!message.pending() || !waiting.add(message.partnerAgencyId())) {
        continue;
      }
      if (sending.add(message.messageId())) {
        context.pipeToSelf(
            partners.send(message, state.view()),
            (confirmation, failure) ->
                new PartnerAnswered(message.messageId(), confirmation, failure));
      }
    }
  }

  @Override
  public EventHandler<InterlibraryRequestState, InterlibraryRequestEvent> eventHandler() {
    return InterlibraryRequestState::apply;
  }

  @Override
  protected void recovered(InterlibraryRequestState state) {
    deliver(state);
    // A crash between a change and its rows leaves the lists behind: the rows are written again.
    list(state);
  }

  /** The request's rows on the worklists now: its borrower's, its lender's, its patron's. */
  static List<Worklists.Entry> listed(InterlibraryRequestState state) {
    if (state.details() == null || state.status() == null) {
      return List.of();
    }
    String status = state.status().name();
    List<Worklists.Entry> entries = new ArrayList<>();
    entries.add(entry(state, Worklists.borrowing(state.details().borrowingAgencyId()), status));
    if (!state.withPartner()) {
      entries.add(entry(state, Worklists.lending(state.lender()), status));
    }
    if (state.details().patronKey() != null) {
      entries.add(
          entry(state, Worklists.patron(state.details().patronKey()), Worklists.ANY_STATUS));
    }
    return entries;
  }

  /** Every row the request may have had, but does not have now. */
  static List<Worklists.Entry> unlisted(
      InterlibraryRequestState state, List<Worklists.Entry> keep) {
    if (state.details() == null) {
      return List.of();
    }
    Set<String> statuses = new HashSet<>();
    state.history().forEach(change -> statuses.add(change.status().name()));
    Set<String> lists = new HashSet<>();
    lists.add(Worklists.borrowing(state.details().borrowingAgencyId()));
    state.lenders().stream()
        .filter(l -> !state.partners().contains(l))
        .forEach(l -> lists.add(Worklists.lending(l)));
    List<Worklists.Entry> remove = new ArrayList<>();
    for (String list : lists) {
      for (String status : statuses) {
        Worklists.Entry entry = entry(state, list, status);
        if (keep.stream().noneMatch(k -> k.list().equals(list) && k.status().equals(status))) {
          remove.add(entry);
        }
      }
    }
    if (keep.isEmpty() && state.details().patronKey() != null) {
      remove.add(entry(state, Worklists.patron(state.details().patronKey()), Worklists.ANY_STATUS));
    }
    return remove;
  }

  private static Worklists.Entry entry(InterlibraryRequestState state, String list, String status) {
    return new Worklists.Entry(
        list,
        status,
        state.details().requestedAt(),
        state.details().requestId(),
        state.status(),
        state.details().titleId(),
        state.details().borrowingAgencyId(),
        state.lender());
  }

  /** Writes the request's rows, one write at a time, each ordered by the request's sequence. */
  private void list(InterlibraryRequestState state) {
    if (state.details() == null) {
      return;
    }
    if (listing) {
      listAgain = true;
      return;
    }
    listing = true;
    List<Worklists.Entry> keep = listed(state);
    context.pipeToSelf(
        worklists.write(keep, unlisted(state, keep), lastSequenceNumber(context)),
        (done, failure) -> new Listed(failure));
  }

  private ReplyEffect<InterlibraryRequestEvent, InterlibraryRequestState> onListed(
      InterlibraryRequestState state, Listed cmd) {
    listing = false;
    if (cmd.failure() != null) {
      context.getLog().warn("Worklist rows not written: {}", cmd.failure().toString());
      context.scheduleOnce(RETRY, context.getSelf(), new ListAgain());
    } else if (listAgain) {
      listAgain = false;
      list(state);
    }
    return Effect().none().thenNoReply();
  }

  /** R39, R40: the request leaves the worklists before its journal goes. */
  private ReplyEffect<InterlibraryRequestEvent, InterlibraryRequestState> onErase(
      InterlibraryRequestState state, Erase cmd) {
    context.pipeToSelf(
        worklists.write(List.of(), unlisted(state, List.of()), lastSequenceNumber(context) + 1),
        (done, failure) -> new Unlisted(cmd.replyTo(), failure));
    return Effect().noReply();
  }
}
