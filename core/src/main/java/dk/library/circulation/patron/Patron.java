package dk.library.circulation.patron;

import dk.library.circulation.Decision;
import dk.library.circulation.Passivation;
import dk.library.circulation.Replies;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.fee.DebtCollection;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.notice.NoticeSender;
import dk.library.circulation.patron.PatronCommand.AbandonCheckout;
import dk.library.circulation.patron.PatronCommand.BeginCheckout;
import dk.library.circulation.patron.PatronCommand.ChargeFee;
import dk.library.circulation.patron.PatronCommand.CheckPin;
import dk.library.circulation.patron.PatronCommand.CompleteCheckout;
import dk.library.circulation.patron.PatronCommand.Deposit;
import dk.library.circulation.patron.PatronCommand.EndLoan;
import dk.library.circulation.patron.PatronCommand.EntriesRecorded;
import dk.library.circulation.patron.PatronCommand.GetNotices;
import dk.library.circulation.patron.PatronCommand.GetStatus;
import dk.library.circulation.patron.PatronCommand.Identify;
import dk.library.circulation.patron.PatronCommand.LendSettled;
import dk.library.circulation.patron.PatronCommand.LiftExclusion;
import dk.library.circulation.patron.PatronCommand.LiftSuspension;
import dk.library.circulation.patron.PatronCommand.LoanIndexed;
import dk.library.circulation.patron.PatronCommand.NoticeDelivered;
import dk.library.circulation.patron.PatronCommand.NoticeFailed;
import dk.library.circulation.patron.PatronCommand.Notify;
import dk.library.circulation.patron.PatronCommand.Pay;
import dk.library.circulation.patron.PatronCommand.RecordGuardianConsent;
import dk.library.circulation.patron.PatronCommand.RecordOwnCardLost;
import dk.library.circulation.patron.PatronCommand.Register;
import dk.library.circulation.patron.PatronCommand.ReleaseHold;
import dk.library.circulation.patron.PatronCommand.Remind;
import dk.library.circulation.patron.PatronCommand.RemindFailed;
import dk.library.circulation.patron.PatronCommand.RemindIndexed;
import dk.library.circulation.patron.PatronCommand.Renew;
import dk.library.circulation.patron.PatronCommand.ResendNotices;
import dk.library.circulation.patron.PatronCommand.ReserveHold;
import dk.library.circulation.patron.PatronCommand.ResetPin;
import dk.library.circulation.patron.PatronCommand.ResolvePendingCheckout;
import dk.library.circulation.patron.PatronCommand.Rest;
import dk.library.circulation.patron.PatronCommand.SettlementFailed;
import dk.library.circulation.patron.PatronCommand.Suspend;
import dk.library.circulation.patron.PatronCommand.UnlockPin;
import dk.library.circulation.patron.PatronCommand.UpdateContact;
import dk.library.circulation.patron.PatronCommand.VerifyIdentity;
import dk.library.circulation.patron.PatronCommand.WriteOffClaims;
import dk.library.circulation.patron.PatronEvent.CheckoutAbandoned;
import dk.library.circulation.patron.PatronEvent.HistoryForgotten;
import dk.library.circulation.patron.PatronEvent.HoldReleased;
import dk.library.circulation.patron.PatronReply.CheckoutApproved;
import dk.library.circulation.patron.PatronReply.CheckoutFinished;
import dk.library.circulation.patron.PatronReply.LoanEndedReply;
import dk.library.circulation.patron.PatronReply.NoticesReply;
import dk.library.circulation.patron.PatronReply.Rejected;
import dk.library.circulation.patron.PatronReply.Renewals;
import dk.library.circulation.patron.PatronReply.StatusReply;
import dk.library.circulation.retention.JournalEraser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
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
 * A registered patron, identified by card number: the single writer of their loans, pending
 * checkouts and loan limit. The decisions are in {@link PatronRules}; this class wires them to
 * persistence and finishes checkouts that a crash left half-done. Its notice outbox is {@link
 * PatronNotices}, what it forgets and what is forgotten elsewhere first {@link PatronErasure}.
 */
public final class Patron extends MeasuredEntity<PatronCommand, PatronEvent, PatronState> {

  public static final EntityTypeKey<PatronCommand> ENTITY_TYPE_KEY =
      EntityTypeKey.create(PatronCommand.class, "Patron");

  /**
   * Asks the item whether it was lent under a checkout; a "no" also makes the item refuse it later.
   */
  @FunctionalInterface
  public interface LendSettlement {
    CompletionStage<Boolean> settle(String barcode, String checkoutId);
  }

  /**
   * R40: tells the copy to forget who borrowed it under a checkout; completes once the copy's
   * journal no longer holds it.
   */
  @FunctionalInterface
  public interface BorrowerForgetting {
    CompletionStage<Done> forget(String barcode, String checkoutId);
  }

  private static final Duration SETTLEMENT_RETRY = Duration.ofSeconds(5);

  private final String cardNumber;
  private final ActorContext<PatronCommand> context;
  private final Clock clock;
  private final ZoneId zone;
  private final LendSettlement lendSettlement;
  private final int pinLockoutAfter;

  /** Pending checkouts whose settlement is under way, so a second trigger does not ask twice. */
  private final Set<String> settling = new HashSet<>();

  private final PinCheck pinCheck;

  private final Passivation passivation;

  private final DeadlineIndex deadlines;

  private final DebtCollection debtCollection;

  private final PatronNotices notices;

  private final PatronErasure erasure;

  private Patron(
      String cardNumber,
      ActorContext<PatronCommand> context,
      Clock clock,
      ZoneId zone,
      LendSettlement lendSettlement,
      int pinLockoutAfter,
      PinCheck pinCheck,
      NoticeSender noticeSender,
      Passivation passivation,
      DeadlineIndex deadlines,
      DebtCollection debtCollection,
      BorrowerForgetting copies,
      JournalEraser eraser,
      AccountRecords records) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), cardNumber), ENTITY_TYPE_KEY.name());
    this.passivation = passivation;
    this.deadlines = deadlines;
    this.debtCollection = debtCollection;
    this.pinCheck = pinCheck;
    this.notices =
        new PatronNotices(cardNumber, context, Effect(), clock, zone, noticeSender, deadlines);
    this.erasure =
        new PatronErasure(
            cardNumber,
            persistenceId().id(),
            context,
            Effect(),
            clock,
            zone,
            deadlines,
            debtCollection,
            copies,
            eraser,
            records);
    this.cardNumber = cardNumber;
    this.context = context;
    this.clock = clock;
    this.zone = zone;
    this.lendSettlement = lendSettlement;
    this.pinLockoutAfter = pinLockoutAfter;
  }

  /**
   * {@code pinLockoutAfter}: wrong PINs in a row that lock the card until staff unlock it (R4);
   * {@code pinKey}: the server's key PINs are hashed under; {@code deadlines}: where the patron's
   * reminder and exclusion dates are indexed (R30-R34); {@code debtCollection}: the ledger of what
   * is handed to debt collection (R35); {@code copies} and {@code eraser}: what forgets a returned
   * loan at the copy and in the patron's own journal (R40); {@code records}: the records elsewhere
   * a deleted account takes along (R39).
   */
  public static Behavior<PatronCommand> create(
      String cardNumber,
      Clock clock,
      ZoneId zone,
      LendSettlement lendSettlement,
      int pinLockoutAfter,
      PinKey pinKey,
      NoticeSender noticeSender,
      Passivation passivation,
      DeadlineIndex deadlines,
      DebtCollection debtCollection,
      BorrowerForgetting copies,
      JournalEraser eraser,
      AccountRecords records) {
    return Behaviors.setup(
        ctx ->
            new Patron(
                cardNumber,
                ctx,
                clock,
                zone,
                lendSettlement,
                pinLockoutAfter,
                new RememberedPin(pinKey),
                noticeSender,
                passivation,
                deadlines,
                debtCollection,
                copies,
                eraser,
                records));
  }

  @Override
  public PatronState emptyState() {
    return PatronState.empty();
  }

  @Override
  public CommandHandlerWithReply<PatronCommand, PatronEvent, PatronState> commandHandler() {
    return this::handle;
  }

  private ReplyEffect<PatronEvent, PatronState> handle(PatronState state, PatronCommand command) {
    if (command instanceof Rest) {
      return passivation.rest(Effect(), context.getSelf());
    }
    if (command instanceof Register cmd) {
      return onRegister(state, cmd);
    }
    if (command instanceof PatronCommand.RegistrationIndexed cmd) {
      return state != cmd.basis()
          ? onRegister(state, cmd.command())
          : Replies.decide(
              Effect(),
              PatronRules.register(state, cardNumber, cmd.command(), cmd.at()),
              cmd.command().replyTo(),
              s -> new StatusReply(s.status(today())),
              Rejected::new);
    }
    if (command instanceof BeginCheckout cmd) {
      return Replies.decide(
          Effect(),
          PatronRules.beginCheckout(
              state, cardNumber, cmd, pinCheck, pinLockoutAfter, clock.instant(), zone),
          cmd.replyTo(),
          s -> checkoutReply(s, cmd.checkoutId()),
          Rejected::new);
    }
    if (command instanceof CompleteCheckout cmd) {
      return onComplete(state, cmd);
    }
    if (command instanceof LoanIndexed cmd) {
      return Replies.decide(
          Effect(),
          PatronRules.complete(state, cmd.checkoutId()),
          cmd.replyTo(),
          s -> checkoutReply(s, cmd.checkoutId()),
          Rejected::new);
    }
    if (command instanceof Remind cmd) {
      AccountErasure underway = state.history().accountErasure();
      if (underway != null) {
        return erasure.takeUp(
            underway,
            lastSequenceNumber(context),
            cmd.replyTo(),
            new PatronReply.Reminded(0, true),
            new PatronReply.Reminded(0, false));
      }
      Optional<PatronEvent.AccountErasureBegun> idle =
          InactivityRules.deletion(state, cardNumber, clock.instant());
      return idle.isPresent()
          ? erasure.begin(
              state, idle.get(), cmd, cmd.replyTo(), new PatronReply.Reminded(1, true), null)
          : onRemind(state, cmd);
    }
    if (command instanceof PatronCommand.CorrectDetails cmd) {
      return status(
          state, RightsRules.correct(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof PatronCommand.RestrictProcessing cmd) {
      return status(
          state, RightsRules.restrict(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof PatronCommand.LiftRestriction cmd) {
      return status(
          state, RightsRules.lift(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof PatronCommand.RecordObjection cmd) {
      return status(
          state, RightsRules.object(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof PatronCommand.RecordCard cmd) {
      return status(state, PatronRules.recordCard(state, cardNumber, cmd), cmd.replyTo());
    }
    if (command instanceof PatronCommand.RecordElsewhere cmd) {
      return recordedFirst(
          state, cmd, PatronRules.recordElsewhere(state, cardNumber, cmd), cmd.replyTo());
    }
    if (command instanceof PatronCommand.ForgetElsewhere cmd) {
      return Replies.decide(
          Effect(),
          PatronRules.forgetElsewhere(state, cmd),
          cmd.replyTo(),
          s -> new PatronReply.Forgotten(),
          Rejected::new);
    }
    if (command instanceof PatronCommand.GetAccount cmd) {
      return Effect()
          .reply(
              cmd.replyTo(),
              state.registered()
                  ? new PatronReply.Account(state)
                  : new Rejected(PatronRules.notFound(cardNumber)));
    }
    if (command instanceof PatronCommand.EraseAccount cmd) {
      return erasure.erase(state, cmd, lastSequenceNumber(context));
    }
    if (command instanceof PatronCommand.ErasureIndexed cmd) {
      return state != cmd.basis()
          ? handle(state, cmd.decideAgain())
          : erasure.record(cmd, lastSequenceNumber(context) + 1);
    }
    if (command instanceof PatronCommand.DeadlineNotIndexed cmd) {
      // Nothing is recorded; the asker (staff, the keeper, a registration) is not answered and
      // asks again.
      context.getLog().warn("A deadline written first was not indexed: {}", cmd.why());
      return Effect().none().thenNoReply();
    }
    if (command instanceof PatronCommand.AccountGone cmd) {
      return erasure.gone(cmd);
    }
    if (command instanceof PatronCommand.AccountErasureFailed cmd) {
      return erasure.notFinished(cmd);
    }
    if (command instanceof RemindIndexed cmd) {
      if (state != cmd.basis()) {
        return onRemind(state, new Remind(cmd.replyTo()));
      }
      List<PatronEvent> events = new ArrayList<>(PatronRules.remind(state, cmd.now(), zone));
      Optional<HistoryForgotten> forgetting =
          RetentionRules.due(PatronRules.fold(state, events), cmd.now(), zone);
      if (forgetting.isEmpty()) {
        return Effect()
            .persist(events)
            .thenRun(notices::sendUnsent)
            .thenReply(cmd.replyTo(), s -> new PatronReply.Reminded(events.size(), true));
      }
      // Answered once the snapshot this event asks for is saved and the journal erased under it.
      events.add(forgetting.get());
      erasure.answerAfterJournalErased(cmd.replyTo(), events.size());
      return Effect().persist(events).thenRun(notices::sendUnsent).thenNoReply();
    }
    if (command instanceof PatronCommand.Erased cmd) {
      return erasure.journalErased(cmd);
    }
    if (command instanceof PatronCommand.EraseFailed cmd) {
      return erasure.journalNotErased(cmd);
    }
    if (command instanceof PatronCommand.ReturnIndexed cmd) {
      return endLoan(state, cmd.endLoan());
    }
    if (command instanceof PatronCommand.ReturnNotIndexed cmd) {
      context.getLog().warn("Return's retention deadline not indexed: {}", cmd.why());
      return Effect().none().thenNoReply();
    }
    if (command instanceof PatronCommand.EntriesFailed cmd) {
      // Nothing is recorded; the caller's ask times out and it retries with the same id.
      context.getLog().warn("Deadline or debt-collection entries not written: {}", cmd.why());
      return Effect().none().thenNoReply();
    }
    if (command instanceof RemindFailed cmd) {
      context.getLog().warn("Next deadline not indexed, the deadline stays: {}", cmd.why());
      return Effect().reply(cmd.replyTo(), new PatronReply.Reminded(0, false));
    }
    if (command instanceof LiftExclusion cmd) {
      return status(
          state,
          PatronRules.liftExclusion(state, cardNumber, cmd.liftedBy(), clock.instant()),
          cmd.replyTo());
    }
    if (command instanceof AbandonCheckout cmd) {
      return Replies.decide(
          Effect(),
          PatronRules.abandon(state, cmd.checkoutId(), cmd.reason()),
          cmd.replyTo(),
          s -> checkoutReply(s, cmd.checkoutId()),
          Rejected::new);
    }
    if (command instanceof Renew cmd) {
      return onRenew(state, cmd);
    }
    if (command instanceof EndLoan cmd) {
      return onEndLoan(state, cmd);
    }
    if (command instanceof GetStatus cmd) {
      return Effect()
          .reply(
              cmd.replyTo(),
              state.registered()
                  ? new StatusReply(state.status(today()))
                  : new Rejected(PatronRules.notFound(cardNumber)));
    }
    if (command instanceof Identify cmd) {
      return Effect().reply(cmd.replyTo(), identified(state));
    }
    if (command instanceof RecordOwnCardLost cmd) {
      return status(state, PatronRules.recordOwnCardLost(state, cardNumber, cmd), cmd.replyTo());
    }
    if (command instanceof CheckPin cmd) {
      return status(
          state,
          PatronRules.checkPin(
              state,
              cardNumber,
              cmd.pin(),
              cmd.acting(),
              pinCheck,
              pinLockoutAfter,
              clock.instant()),
          cmd.replyTo());
    }
    if (command instanceof Deposit cmd) {
      return status(
          state, PatronRules.deposit(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof UpdateContact cmd) {
      return status(
          state, PatronRules.updateContact(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof UnlockPin cmd) {
      return status(
          state, PatronRules.unlockPin(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof ResetPin cmd) {
      return status(
          state, PatronRules.resetPin(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof ChargeFee cmd) {
      return recordedFirst(
          state,
          cmd,
          PatronRules.chargeFee(state, cardNumber, cmd, clock.instant(), zone),
          cmd.replyTo());
    }
    if (command instanceof Pay cmd) {
      return recordedFirst(
          state, cmd, PatronRules.pay(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof WriteOffClaims cmd) {
      return recordedFirst(
          state,
          cmd,
          PatronRules.writeOffClaims(
              state, cardNumber, cmd.writeOffId(), cmd.by(), clock.instant()),
          cmd.replyTo());
    }
    if (command instanceof EntriesRecorded cmd) {
      return state == cmd.basis()
          ? status(state, cmd.decision(), cmd.replyTo())
          : handle(state, cmd.command());
    }
    if (command instanceof Suspend cmd) {
      return status(
          state, PatronRules.suspend(state, cardNumber, cmd, clock.instant()), cmd.replyTo());
    }
    if (command instanceof LiftSuspension cmd) {
      return status(
          state,
          PatronRules.liftSuspension(state, cardNumber, cmd, clock.instant()),
          cmd.replyTo());
    }
    if (command instanceof VerifyIdentity cmd) {
      return status(
          state,
          PatronRules.verifyIdentity(state, cardNumber, cmd, clock.instant()),
          cmd.replyTo());
    }
    if (command instanceof RecordGuardianConsent cmd) {
      return status(
          state,
          PatronRules.recordGuardianConsent(state, cardNumber, cmd, clock.instant()),
          cmd.replyTo());
    }
    if (command instanceof ReserveHold cmd) {
      return status(
          state,
          PatronRules.reserveHold(state, cardNumber, cmd, clock.instant(), zone),
          cmd.replyTo());
    }
    if (command instanceof ReleaseHold cmd) {
      return recordedFirst(
          state,
          cmd,
          state.holds().containsKey(cmd.holdId())
              ? Decision.persist(new HoldReleased(cmd.holdId(), clock.instant()))
              : Decision.unchanged(),
          cmd.replyTo());
    }
    if (command instanceof Notify cmd) {
      return notices.notify(state, cmd);
    }
    if (command instanceof GetNotices cmd) {
      return Effect().reply(cmd.replyTo(), new NoticesReply(state.notices()));
    }
    if (command instanceof NoticeDelivered cmd) {
      return notices.delivered(state, cmd);
    }
    if (command instanceof PatronCommand.NoticeSentIndexed cmd) {
      return notices.recordSent(state, cmd);
    }
    if (command instanceof PatronCommand.NoticeSentNotIndexed cmd) {
      return notices.notIndexed(cmd);
    }
    if (command instanceof NoticeFailed cmd) {
      return notices.failed(cmd);
    }
    if (command instanceof ResendNotices) {
      return notices.resend();
    }
    if (command instanceof ResolvePendingCheckout cmd) {
      return onResolvePending(state, cmd);
    }
    if (command instanceof LendSettled cmd) {
      return onLendSettled(state, cmd);
    }
    if (command instanceof SettlementFailed cmd) {
      settling.remove(cmd.checkoutId());
      context.scheduleOnce(
          SETTLEMENT_RETRY, context.getSelf(), new ResolvePendingCheckout(cmd.checkoutId()));
      return Effect().none().thenNoReply();
    }
    throw new IllegalArgumentException("no handler for " + command.getClass().getName());
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  private ReplyEffect<PatronEvent, PatronState> status(
      PatronState state, Decision<PatronEvent> decision, ActorRef<PatronReply> replyTo) {
    return Replies.decide(
        Effect(), decision, replyTo, s -> new StatusReply(s.status(today())), Rejected::new);
  }

  private static PatronReply identified(PatronState state) {
    return state.registered()
        ? new PatronReply.Identified(
            true, state.profile().ownCardKnown(), state.profile().ownCardLost())
        : new PatronReply.Identified(false, false, null);
  }

  private static PatronReply checkoutReply(PatronState state, String checkoutId) {
    PendingCheckout pending = state.pending().get(checkoutId);
    if (pending != null) {
      return new CheckoutApproved(pending);
    }
    return new CheckoutFinished(state.outcomes().get(checkoutId));
  }

  private ReplyEffect<PatronEvent, PatronState> onRenew(PatronState state, Renew cmd) {
    PatronRules.RenewalDecision decision =
        PatronRules.renew(state, cardNumber, cmd, pinCheck, pinLockoutAfter, clock.instant(), zone);
    if (decision.refusal() != null) {
      Rejected refused = new Rejected(decision.refusal());
      return decision.events().isEmpty()
          ? Effect().reply(cmd.replyTo(), refused)
          : Effect().persist(List.copyOf(decision.events())).thenReply(cmd.replyTo(), s -> refused);
    }
    return Effect()
        .persist(List.copyOf(decision.events()))
        .thenReply(cmd.replyTo(), s -> new Renewals(decision.results()));
  }

  private ReplyEffect<PatronEvent, PatronState> onResolvePending(
      PatronState state, ResolvePendingCheckout cmd) {
    PendingCheckout pending = state.pending().get(cmd.checkoutId());
    if (pending != null && settling.add(cmd.checkoutId())) {
      context.pipeToSelf(
          lendSettlement.settle(pending.barcode(), pending.checkoutId()),
          (lent, failure) ->
              failure == null
                  ? new LendSettled(cmd.checkoutId(), lent)
                  : new SettlementFailed(cmd.checkoutId()));
    }
    return Effect().none().thenNoReply();
  }

  private ReplyEffect<PatronEvent, PatronState> onLendSettled(PatronState state, LendSettled cmd) {
    settling.remove(cmd.checkoutId());
    if (!state.pending().containsKey(cmd.checkoutId())) {
      return Effect().none().thenNoReply();
    }
    if (cmd.lent()) {
      return onComplete(
          state, new CompleteCheckout(cmd.checkoutId(), context.getSystem().ignoreRef()));
    }
    return Effect()
        .persist(new CheckoutAbandoned(cmd.checkoutId(), PatronRules.interrupted(cmd.checkoutId())))
        .thenNoReply();
  }

  /**
   * A loan is recorded only once its first reminder is in the deadline index (R30), unless an
   * earlier deadline of this patron already covers it: most checkouts write no deadline.
   */
  private ReplyEffect<PatronEvent, PatronState> onComplete(
      PatronState state, CompleteCheckout cmd) {
    PendingCheckout pending = state.pending().get(cmd.checkoutId());
    Optional<Instant> deadline =
        pending == null
            ? Optional.empty()
            : ReminderRules.deadlineForNewLoan(state, pending.toLoan(), zone);
    if (deadline.isEmpty()) {
      return handle(state, new LoanIndexed(cmd.checkoutId(), cmd.replyTo()));
    }
    context.pipeToSelf(
        deadlines.schedule(new DeadlineIndex.Deadline(deadlineTarget(cardNumber), deadline.get())),
        (done, failure) ->
            failure == null
                ? new LoanIndexed(cmd.checkoutId(), cmd.replyTo())
                : new SettlementFailed(cmd.checkoutId()));
    return Effect().none().thenNoReply();
  }

  /**
   * The next deadline goes into the index, and what is handed to debt collection into its ledger,
   * before what fell due now is recorded.
   */
  private ReplyEffect<PatronEvent, PatronState> onRemind(PatronState state, Remind cmd) {
    Instant now = clock.instant();
    List<PatronEvent> events = PatronRules.remind(state, now, zone);
    PatronState reminded = PatronRules.fold(state, events);
    PatronState forgotten =
        RetentionRules.due(reminded, now, zone).map(reminded::apply).orElse(reminded);
    Optional<Instant> next = ReminderRules.nextDeadline(forgotten, zone);
    CompletionStage<Done> ready =
        next.map(
                at ->
                    deadlines.schedule(new DeadlineIndex.Deadline(deadlineTarget(cardNumber), at)))
            .orElse(CompletableFuture.completedFuture(Done.getInstance()))
            .thenCompose(done -> record(DebtEntries.of(state, events)))
            .thenCompose(done -> erasure.forgetElsewhere(reminded, now));
    context.pipeToSelf(
        ready,
        (done, failure) ->
            failure == null
                ? new RemindIndexed(cmd.replyTo(), state, now)
                : new RemindFailed(cmd.replyTo(), failure.toString()));
    return Effect().none().thenNoReply();
  }

  /**
   * R35: a decision that pays, or writes off, what is with debt collection is recorded only after
   * its entries are in the collection's ledger. R40: one that settles the balance is recorded only
   * after the end of the settled fees' window is in the deadline index, unless an earlier deadline
   * of this patron covers it. Any other is recorded at once.
   */
  private ReplyEffect<PatronEvent, PatronState> recordedFirst(
      PatronState state,
      PatronCommand command,
      Decision<PatronEvent> decision,
      ActorRef<PatronReply> replyTo) {
    if (!(decision instanceof Decision.Persist<PatronEvent> persist)) {
      return status(state, decision, replyTo);
    }
    List<DebtCollection.Entry> entries = DebtEntries.of(state, persist.events());
    Optional<Instant> deadline =
        ReminderRules.deadlineFor(state, PatronRules.fold(state, persist.events()), zone);
    if (entries.isEmpty() && deadline.isEmpty()) {
      return status(state, decision, replyTo);
    }
    context.pipeToSelf(
        deadline
            .map(
                at ->
                    deadlines.schedule(new DeadlineIndex.Deadline(deadlineTarget(cardNumber), at)))
            .orElse(CompletableFuture.completedFuture(Done.getInstance()))
            .thenCompose(done -> record(entries)),
        (done, failure) ->
            failure == null
                ? new EntriesRecorded(command, state, decision, replyTo)
                : new PatronCommand.EntriesFailed(failure.toString()));
    return Effect().none().thenNoReply();
  }

  private CompletionStage<Done> record(List<DebtCollection.Entry> entries) {
    CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
    for (DebtCollection.Entry entry : entries) {
      all = all.thenCompose(done -> debtCollection.record(entry));
    }
    return all;
  }

  /**
   * R40: a return is recorded only once the end of its window is in the deadline index, unless an
   * earlier deadline of this patron already covers it.
   */
  private ReplyEffect<PatronEvent, PatronState> onEndLoan(PatronState state, EndLoan cmd) {
    Decision<PatronEvent> decision = PatronRules.endLoan(state, cmd, zone);
    Optional<Instant> deadline =
        decision instanceof Decision.Persist<PatronEvent> persist
            ? PatronRules.fold(state, persist.events()).history().returned().stream()
                .filter(r -> r.checkoutId().equals(cmd.checkoutId()))
                .findFirst()
                .flatMap(r -> ReminderRules.deadlineForReturn(state, r.keptUntil(), zone))
            : Optional.empty();
    if (deadline.isEmpty()) {
      return endLoan(state, cmd);
    }
    context.pipeToSelf(
        deadlines.schedule(new DeadlineIndex.Deadline(deadlineTarget(cardNumber), deadline.get())),
        (done, failure) -> {
          // No answer without it: the copy tells the patron again until the return is recorded.
          return failure == null
              ? new PatronCommand.ReturnIndexed(cmd)
              : new PatronCommand.ReturnNotIndexed(failure.toString());
        });
    return Effect().none().thenNoReply();
  }

  private ReplyEffect<PatronEvent, PatronState> endLoan(PatronState state, EndLoan cmd) {
    return Replies.decide(
        Effect(),
        PatronRules.endLoan(state, cmd, zone),
        cmd.replyTo(),
        s -> new LoanEndedReply(cmd.barcode()),
        Rejected::new);
  }

  /**
   * R38: the account's first deadline (the inactivity notice) is in the index before the account
   * exists, as every deadline is written before the state that needs it.
   */
  private ReplyEffect<PatronEvent, PatronState> onRegister(PatronState state, Register cmd) {
    Instant now = clock.instant();
    Decision<PatronEvent> decision = PatronRules.register(state, cardNumber, cmd, now);
    Optional<Instant> first =
        decision instanceof Decision.Persist<PatronEvent> persist
            ? InactivityRules.next(PatronRules.fold(state, persist.events()))
            : Optional.empty();
    if (first.isEmpty()) {
      return Replies.decide(
          Effect(),
          decision,
          cmd.replyTo(),
          s -> new StatusReply(s.status(today())),
          Rejected::new);
    }
    context.pipeToSelf(
        deadlines.schedule(new DeadlineIndex.Deadline(deadlineTarget(cardNumber), first.get())),
        (indexed, failure) ->
            failure == null
                ? new PatronCommand.RegistrationIndexed(cmd, state, now)
                : new PatronCommand.DeadlineNotIndexed(failure.toString()));
    return Effect().none().thenNoReply();
  }

  /** R40, R39: see {@link PatronErasure#snapshotSaved}. */
  @Override
  protected void snapshotSaved(PatronState state, long sequenceNr) {
    erasure.snapshotSaved(state, sequenceNr);
  }

  @Override
  protected void snapshotFailed(PatronState state, Throwable failure) {
    erasure.snapshotFailed(state, failure);
  }

  @Override
  public boolean shouldSnapshot(PatronState state, PatronEvent event, long sequenceNr) {
    return event instanceof HistoryForgotten || event instanceof PatronEvent.ElsewhereForgotten;
  }

  /** The name this patron's deadlines are indexed under. */
  public static String deadlineTarget(String patronKey) {
    return ENTITY_TYPE_KEY.name() + "/" + patronKey;
  }

  @Override
  public EventHandler<PatronState, PatronEvent> eventHandler() {
    return PatronState::apply;
  }

  @Override
  protected void recovered(PatronState state) {
    state.pending().keySet().forEach(id -> context.getSelf().tell(new ResolvePendingCheckout(id)));
    notices.sendUnsent(state);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
