package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Passivation;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.notice.Notice;
import dk.library.circulation.notice.NoticeSender;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
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
 * persistence and finishes checkouts that a crash left half-done.
 */
public final class Patron extends MeasuredEntity<Patron.Command, Patron.Event, Patron.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Patron");

  /**
   * Asks the item whether it was lent under a checkout; a "no" also makes the item refuse it later.
   */
  @FunctionalInterface
  public interface LendSettlement {
    CompletionStage<Boolean> settle(String barcode, String checkoutId);
  }

  // Commands

  public sealed interface Command extends CborSerializable {}

  /**
   * Leave memory now instead of after the idle timeout: a bulk import is done with this entity and
   * is not coming back, so its registrations do not pile up in the heap (no reply).
   */
  public record Rest() implements Command {}

  /** {@code category} (R21) may be null: the agency's default limits apply. */
  public record Register(
      PinHash pin,
      String name,
      String email,
      String mobile,
      String homeAgencyId,
      String category,
      PatronFacts facts,
      ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * The lending agency's current policy and the item's material type and own loan period decide the
   * loan's terms (R16, R20, R21, R30, R32).
   */
  public record BeginCheckout(
      String checkoutId,
      String pin,
      String barcode,
      String agencyId,
      String branchId,
      AgencyPolicy policy,
      String materialType,
      Integer itemLoanPeriodDays,
      ActorRef<Reply> replyTo)
      implements Command {
    @Override
    public String toString() {
      return "BeginCheckout[" + checkoutId + ", " + barcode + "]";
    }
  }

  public record CompleteCheckout(String checkoutId, ActorRef<Reply> replyTo) implements Command {}

  public record AbandonCheckout(String checkoutId, Rejection reason, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * Renews the named loans, or every loan when {@code barcodes} is empty, each by its agency's
   * current policy; {@code reservedBarcodes} are loans whose title another patron has reserved
   * (R18). {@code feeBlockThresholdDkk} is the home agency's (R32).
   */
  public record Renew(
      String pin,
      List<String> barcodes,
      Map<String, AgencyPolicy> policyByAgency,
      Set<String> reservedBarcodes,
      int feeBlockThresholdDkk,
      ActorRef<Reply> replyTo)
      implements Command {
    @Override
    public String toString() {
      return "Renew[" + barcodes + "]";
    }
  }

  public record EndLoan(
      String barcode, String checkoutId, Instant returnedAt, ActorRef<Reply> replyTo)
      implements Command {}

  public record GetStatus(ActorRef<Reply> replyTo) implements Command {}

  /**
   * Counts a hold against the patron's reservations before the title queues it: R2 identity
   * verified, no block, R21 the reservation limit.
   */
  public record ReserveHold(
      String holdId, String titleEntityId, AgencyPolicy policy, ActorRef<Reply> replyTo)
      implements Command {}

  /** The hold has left its queue (or was never queued): it no longer counts (R21). */
  public record ReleaseHold(String holdId, ActorRef<Reply> replyTo) implements Command {}

  /** Records a notice in the patron's outbox, by the patron's channel, and sends it. */
  public record Notify(
      String noticeId, String templateKey, Map<String, String> data, ActorRef<Reply> replyTo)
      implements Command {}

  public record GetNotices(ActorRef<Reply> replyTo) implements Command {}

  record NoticeDelivered(String noticeId) implements Command {}

  record NoticeFailed(String noticeId) implements Command {}

  record ResendNotices() implements Command {}

  /** A manual charge (R30 ledger) under the charging agency's block threshold (R32). */
  public record ChargeFee(
      String feeId,
      Fees.Kind kind,
      int amountDkk,
      String reason,
      String barcode,
      int feeBlockThresholdDkk,
      ActorRef<Reply> replyTo)
      implements Command {}

  public record Pay(String paymentId, int amountDkk, ActorRef<Reply> replyTo) implements Command {}

  /** R7: a deposit left with the library. */
  public record Deposit(int amountDkk, String receivedBy, ActorRef<Reply> replyTo)
      implements Command {}

  /** R46: suspension for breaking the house rules, through {@code until}. */
  public record Suspend(LocalDate until, String reason, String suspendedBy, ActorRef<Reply> replyTo)
      implements Command {}

  public record LiftSuspension(String liftedBy, ActorRef<Reply> replyTo) implements Command {}

  /** R2, R15: staff saw the patron's ID in person. */
  public record VerifyIdentity(String method, String verifiedBy, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * R5, R11: the patron (or staff) updates contact data; {@code preferredChannel} is email, sms,
   * post or digital-mailbox, null to follow the default.
   */
  public record UpdateContact(
      String email, String mobile, String preferredChannel, String by, ActorRef<Reply> replyTo)
      implements Command {}

  /** R4: staff lift a PIN lockout. */
  public record UnlockPin(String unlockedBy, ActorRef<Reply> replyTo) implements Command {}

  /** R4: a new PIN, only with the identity check that allowed it recorded. */
  public record ResetPin(PinHash pin, String identityCheck, String resetBy, ActorRef<Reply> replyTo)
      implements Command {
    @Override
    public String toString() {
      return "ResetPin";
    }
  }

  /** R6: a guardian consented for a minor. */
  public record RecordGuardianConsent(String guardian, String recordedBy, ActorRef<Reply> replyTo)
      implements Command {}

  /** The patron's status, if the PIN matches (R4): a terminal's status check, a patron login. */
  public record CheckPin(String pin, ActorRef<Reply> replyTo) implements Command {
    @Override
    public String toString() {
      return "CheckPin";
    }
  }

  /** Sent to itself after recovery for every checkout a crash left pending. */
  record ResolvePendingCheckout(String checkoutId) implements Command {}

  record LendSettled(String checkoutId, boolean lent) implements Command {}

  record SettlementFailed(String checkoutId) implements Command {}

  // Replies

  public sealed interface Reply extends CborSerializable {}

  public record StatusReply(Status status) implements Reply {}

  public record CheckoutApproved(PendingCheckout pending) implements Reply {}

  public record CheckoutFinished(CheckoutOutcome outcome) implements Reply {}

  public record Renewals(List<RenewalResult> results) implements Reply {}

  public record LoanEndedReply(String barcode) implements Reply {}

  public record NoticesReply(List<Notice> notices) implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  // Events

  public sealed interface Event extends CborSerializable {}

  public record Registered(
      String cardNumber,
      PinHash pin,
      String name,
      String email,
      String mobile,
      String homeAgencyId,
      String category,
      PatronFacts facts,
      Instant registeredAt)
      implements Event {}

  public record CheckoutBegun(PendingCheckout pending) implements Event {}

  public record CheckoutCompleted(String checkoutId) implements Event {}

  public record CheckoutAbandoned(String checkoutId, Rejection reason) implements Event {}

  public record LoanRenewed(String barcode, LocalDate dueDate, Instant renewedAt)
      implements Event {}

  public record LoanEnded(String barcode, String checkoutId, Instant returnedAt) implements Event {}

  public record FeeCharged(Fees.Fee fee, int feeBlockThresholdDkk) implements Event {}

  public record PaymentReceived(Fees.Payment payment) implements Event {}

  public record DepositReceived(int amountDkk, String receivedBy, Instant at) implements Event {}

  public record Suspended(Fees.Suspension suspension) implements Event {}

  public record SuspensionLifted(String liftedBy, Instant at) implements Event {}

  public record IdentityVerified(PatronFacts.Verification verification) implements Event {}

  public record ContactUpdated(
      String email, String mobile, String preferredChannel, String by, Instant at)
      implements Event {}

  /** R4: a wrong PIN counts towards the lockout; a right one clears the count. */
  public record WrongPinEntered(Instant at) implements Event {}

  public record WrongPinsCleared() implements Event {}

  public record PinLocked(Instant at) implements Event {}

  public record PinUnlocked(String unlockedBy, Instant at) implements Event {}

  public record PinReset(PinHash pin, PatronFacts.Verification identityCheck) implements Event {}

  public record GuardianConsentRecorded(PatronFacts.GuardianConsent consent) implements Event {}

  public record HoldReserved(String holdId, String titleEntityId) implements Event {}

  public record HoldReleased(String holdId) implements Event {}

  public record NoticeRecorded(Notice notice) implements Event {}

  public record NoticeSent(String noticeId, Instant at) implements Event {}

  // State

  public record Profile(
      String cardNumber,
      PinHash pin,
      String name,
      String email,
      String mobile,
      String homeAgencyId,
      String category,
      PatronFacts facts,
      Instant registeredAt)
      implements CborSerializable {

    Profile withContact(String newEmail, String newMobile, String channel) {
      return new Profile(
          cardNumber,
          pin,
          name,
          newEmail,
          newMobile,
          homeAgencyId,
          category,
          facts.withPreferredChannel(channel),
          registeredAt);
    }

    /** R5, R43: the patron's choice, else email, else SMS, else the digital mailbox. */
    public String noticeChannel() {
      if (facts.preferredChannel() != null) {
        return facts.preferredChannel();
      }
      return email != null ? "email" : mobile != null ? "sms" : "digital-mailbox";
    }

    Profile withPin(PinHash next) {
      return new Profile(
          cardNumber, next, name, email, mobile, homeAgencyId, category, facts, registeredAt);
    }

    Profile withFacts(PatronFacts next) {
      return new Profile(
          cardNumber, pin, name, email, mobile, homeAgencyId, category, next, registeredAt);
    }
  }

  /** What a patron or staff sees: loans with due dates and renewal counts. */
  public record Status(
      String cardNumber,
      String name,
      String email,
      String mobile,
      String homeAgencyId,
      String category,
      PatronFacts facts,
      String noticeChannel,
      List<Loan> loans,
      List<PendingCheckout> pendingCheckouts,
      int balanceDkk,
      int depositDkk,
      List<Fees.Fee> fees,
      List<Fees.Payment> payments,
      Fees.Suspension suspension,
      List<Fees.Block> blocks,
      boolean pinLocked,
      Map<String, String> holds)
      implements CborSerializable {

    /** The same status, shown under the card number the request used (R12: a replacement). */
    public Status withCardNumber(String card) {
      return new Status(
          card,
          name,
          email,
          mobile,
          homeAgencyId,
          category,
          facts,
          noticeChannel,
          loans,
          pendingCheckouts,
          balanceDkk,
          depositDkk,
          fees,
          payments,
          suspension,
          blocks,
          pinLocked,
          holds);
    }
  }

  public record RenewalResult(
      String barcode, boolean renewed, LocalDate dueDate, int renewals, Rejection refusal)
      implements CborSerializable {}

  /**
   * {@code profile} is null until registration. Loans are keyed by barcode, pending checkouts and
   * remembered outcomes by checkout id; outcomes keep insertion order and are bounded.
   */
  public record State(
      Profile profile,
      Map<String, Loan> loans,
      Map<String, PendingCheckout> pending,
      Map<String, CheckoutOutcome> outcomes,
      Fees.Ledger ledger,
      Fees.Suspension suspension,
      PinGuard pinGuard,
      Map<String, String> holds,
      List<Notice> notices)
      implements CborSerializable {

    static final int REMEMBERED_OUTCOMES = 100;
    static final int REMEMBERED_NOTICES = 50;

    /** Snapshots taken before holds and notices existed have neither. */
    public State {
      holds = holds == null ? Map.of() : holds;
      notices = notices == null ? List.of() : notices;
    }

    State withHold(String holdId, String titleEntityId) {
      Map<String, String> next = new LinkedHashMap<>(holds);
      next.put(holdId, titleEntityId);
      return new State(
          profile, loans, pending, outcomes, ledger, suspension, pinGuard, next, notices);
    }

    State withoutHold(String holdId) {
      return new State(
          profile,
          loans,
          pending,
          outcomes,
          ledger,
          suspension,
          pinGuard,
          without(holds, holdId),
          notices);
    }

    /** Keeps every notice not yet sent and the last sent ones. */
    State withNotice(Notice notice) {
      List<Notice> next =
          new ArrayList<>(
              notices.stream().filter(n -> !n.noticeId().equals(notice.noticeId())).toList());
      next.add(notice);
      long sent = next.stream().filter(n -> n.sentAt() != null).count();
      for (int i = 0; i < next.size() && sent > REMEMBERED_NOTICES; ) {
        if (next.get(i).sentAt() != null) {
          next.remove(i);
          sent--;
        } else {
          i++;
        }
      }
      return new State(
          profile,
          loans,
          pending,
          outcomes,
          ledger,
          suspension,
          pinGuard,
          holds,
          List.copyOf(next));
    }

    Optional<Notice> notice(String noticeId) {
      return notices.stream().filter(n -> n.noticeId().equals(noticeId)).findFirst();
    }

    /** The state after one more event: the entity's event handler, and an initial load's fold. */
    public State apply(Event event) {
      if (event instanceof Registered e) {
        return withProfile(
            new Profile(
                e.cardNumber(),
                e.pin(),
                e.name(),
                e.email(),
                e.mobile(),
                e.homeAgencyId(),
                e.category(),
                e.facts(),
                e.registeredAt()));
      } else if (event instanceof IdentityVerified e) {
        return withProfile(profile().withFacts(profile().facts().verified(e.verification())));
      } else if (event instanceof GuardianConsentRecorded e) {
        return withProfile(profile().withFacts(profile().facts().consented(e.consent())));
      } else if (event instanceof FeeCharged e) {
        return withLedger(ledger().charged(e.fee(), e.feeBlockThresholdDkk()));
      } else if (event instanceof PaymentReceived e) {
        return withLedger(ledger().paid(e.payment()));
      } else if (event instanceof DepositReceived e) {
        return withLedger(ledger().deposited(e.amountDkk()));
      } else if (event instanceof Suspended e) {
        return withSuspension(e.suspension());
      } else if (event instanceof ContactUpdated e) {
        return withProfile(profile().withContact(e.email(), e.mobile(), e.preferredChannel()));
      } else if (event instanceof WrongPinEntered) {
        return withPinGuard(pinGuard().wrong());
      } else if (event instanceof WrongPinsCleared) {
        return withPinGuard(PinGuard.open());
      } else if (event instanceof PinLocked) {
        return withPinGuard(pinGuard().lock());
      } else if (event instanceof PinUnlocked) {
        return withPinGuard(PinGuard.open());
      } else if (event instanceof PinReset e) {
        return withProfile(profile().withPin(e.pin())).withPinGuard(PinGuard.open());
      } else if (event instanceof SuspensionLifted) {
        return withSuspension(null);
      } else if (event instanceof CheckoutBegun e) {
        return withPending(e.pending());
      } else if (event instanceof CheckoutCompleted e) {
        return completed(e.checkoutId());
      } else if (event instanceof CheckoutAbandoned e) {
        return abandoned(e.checkoutId(), e.reason());
      } else if (event instanceof LoanRenewed e) {
        return renewed(e.barcode(), e.dueDate());
      } else if (event instanceof LoanEnded e) {
        return loanEnded(e.barcode(), e.checkoutId());
      } else if (event instanceof HoldReserved e) {
        return withHold(e.holdId(), e.titleEntityId());
      } else if (event instanceof HoldReleased e) {
        return withoutHold(e.holdId());
      } else if (event instanceof NoticeRecorded e) {
        return withNotice(e.notice());
      } else if (event instanceof NoticeSent e) {
        return notice(e.noticeId()).map(n -> withNotice(n.sent(e.at()))).orElse(this);
      }
      throw new IllegalArgumentException("unknown patron event " + event);
    }

    public static State empty() {
      return new State(
          null,
          Map.of(),
          Map.of(),
          Map.of(),
          Fees.Ledger.empty(),
          null,
          PinGuard.open(),
          Map.of(),
          List.of());
    }

    public boolean registered() {
      return profile != null;
    }

    /** The patron as staff and the patron see them, with the blocks in force on {@code today}. */
    public Status status(LocalDate today) {
      return new Status(
          profile.cardNumber(),
          profile.name(),
          profile.email(),
          profile.mobile(),
          profile.homeAgencyId(),
          profile.category(),
          profile.facts(),
          profile.noticeChannel(),
          List.copyOf(loans.values()),
          List.copyOf(pending.values()),
          ledger.balanceDkk(),
          ledger.depositDkk(),
          ledger.fees(),
          ledger.payments(),
          suspension,
          blocks(today),
          pinGuard.locked(),
          holds);
    }

    /** R46 a running suspension, R32 a fee block not yet paid off. */
    List<Fees.Block> blocks(LocalDate today) {
      List<Fees.Block> blocks = new ArrayList<>();
      if (suspension != null && suspension.activeOn(today)) {
        blocks.add(
            new Fees.Block(
                "PATRON_SUSPENDED",
                "suspended until " + suspension.until() + ": " + suspension.reason()));
      }
      if (ledger.blocked() && ledger.balanceDkk() > 0) {
        blocks.add(
            new Fees.Block(
                "FEES_OWED",
                "owes "
                    + ledger.balanceDkk()
                    + " DKK; borrowing and renewing are blocked until it is all paid"));
      }
      return blocks;
    }

    State withProfile(Profile p) {
      return new State(p, loans, pending, outcomes, ledger, suspension, pinGuard, holds, notices);
    }

    State withPending(PendingCheckout p) {
      Map<String, PendingCheckout> next = new LinkedHashMap<>(pending);
      next.put(p.checkoutId(), p);
      return new State(
          profile, loans, Map.copyOf(next), outcomes, ledger, suspension, pinGuard, holds, notices);
    }

    State completed(String checkoutId) {
      PendingCheckout p = pending.get(checkoutId);
      if (p == null) {
        return this;
      }
      Map<String, Loan> nextLoans = new LinkedHashMap<>(loans);
      nextLoans.put(p.barcode(), p.toLoan());
      return new State(
          profile,
          nextLoans,
          without(pending, checkoutId),
          remember(checkoutId, CheckoutOutcome.lent(p.receipt(profile.cardNumber()))),
          ledger,
          suspension,
          pinGuard,
          holds,
          notices);
    }

    State abandoned(String checkoutId, Rejection reason) {
      PendingCheckout p = pending.get(checkoutId);
      if (p == null) {
        return this;
      }
      return new State(
          profile,
          loans,
          without(pending, checkoutId),
          remember(checkoutId, CheckoutOutcome.refused(p.barcode(), reason)),
          ledger,
          suspension,
          pinGuard,
          holds,
          notices);
    }

    State renewed(String barcode, LocalDate dueDate) {
      Loan loan = loans.get(barcode);
      if (loan == null) {
        return this;
      }
      Map<String, Loan> next = new LinkedHashMap<>(loans);
      next.put(barcode, loan.renewedUntil(dueDate));
      return new State(
          profile, next, pending, outcomes, ledger, suspension, pinGuard, holds, notices);
    }

    State loanEnded(String barcode, String checkoutId) {
      Loan loan = loans.get(barcode);
      if (loan == null || !loan.checkoutId().equals(checkoutId)) {
        return this;
      }
      return new State(
          profile,
          without(loans, barcode),
          pending,
          outcomes,
          ledger,
          suspension,
          pinGuard,
          holds,
          notices);
    }

    State withLedger(Fees.Ledger next) {
      return new State(
          profile, loans, pending, outcomes, next, suspension, pinGuard, holds, notices);
    }

    State withPinGuard(PinGuard next) {
      return new State(profile, loans, pending, outcomes, ledger, suspension, next, holds, notices);
    }

    State withSuspension(Fees.Suspension next) {
      return new State(profile, loans, pending, outcomes, ledger, next, pinGuard, holds, notices);
    }

    private Map<String, CheckoutOutcome> remember(String checkoutId, CheckoutOutcome outcome) {
      LinkedHashMap<String, CheckoutOutcome> next = new LinkedHashMap<>(outcomes);
      next.put(checkoutId, outcome);
      while (next.size() > REMEMBERED_OUTCOMES) {
        next.remove(next.keySet().iterator().next());
      }
      return next;
    }

    private static <V> Map<String, V> without(Map<String, V> map, String key) {
      Map<String, V> next = new LinkedHashMap<>(map);
      next.remove(key);
      return next;
    }
  }

  private static final Duration SETTLEMENT_RETRY = Duration.ofSeconds(5);

  private final String cardNumber;
  private final ActorContext<Command> context;
  private final Clock clock;
  private final ZoneId zone;
  private final LendSettlement lendSettlement;
  private final int pinLockoutAfter;

  /** Pending checkouts whose settlement is under way, so a second trigger does not ask twice. */
  private final Set<String> settling = new HashSet<>();

  private final PinCheck pinCheck;

  /** Notices handed to the sender and not yet confirmed. */
  private final Set<String> sending = new HashSet<>();

  private final NoticeSender noticeSender;

  private final Passivation passivation;

  private Patron(
      String cardNumber,
      ActorContext<Command> context,
      Clock clock,
      ZoneId zone,
      LendSettlement lendSettlement,
      int pinLockoutAfter,
      PinCheck pinCheck,
      NoticeSender noticeSender,
      Passivation passivation) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), cardNumber), ENTITY_TYPE_KEY.name());
    this.passivation = passivation;
    this.pinCheck = pinCheck;
    this.noticeSender = noticeSender;
    this.cardNumber = cardNumber;
    this.context = context;
    this.clock = clock;
    this.zone = zone;
    this.lendSettlement = lendSettlement;
    this.pinLockoutAfter = pinLockoutAfter;
  }

  /**
   * {@code pinLockoutAfter}: wrong PINs in a row that lock the card until staff unlock it (R4);
   * {@code pinKey}: the server's key PINs are hashed under.
   */
  public static Behavior<Command> create(
      String cardNumber,
      Clock clock,
      ZoneId zone,
      LendSettlement lendSettlement,
      int pinLockoutAfter,
      PinKey pinKey,
      NoticeSender noticeSender,
      Passivation passivation) {
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
                passivation));
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Rest.class, (state, cmd) -> passivation.rest(Effect(), context.getSelf()))
        .onCommand(
            Register.class,
            (state, cmd) ->
                Replies.decide(
                    Effect(),
                    PatronRules.register(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo(),
                    s -> new StatusReply(s.status(today())),
                    Rejected::new))
        .onCommand(
            BeginCheckout.class,
            (state, cmd) ->
                Replies.decide(
                    Effect(),
                    PatronRules.beginCheckout(
                        state, cardNumber, cmd, pinCheck, pinLockoutAfter, clock.instant(), zone),
                    cmd.replyTo(),
                    s -> checkoutReply(s, cmd.checkoutId()),
                    Rejected::new))
        .onCommand(
            CompleteCheckout.class,
            (state, cmd) ->
                Replies.decide(
                    Effect(),
                    PatronRules.complete(state, cmd.checkoutId()),
                    cmd.replyTo(),
                    s -> checkoutReply(s, cmd.checkoutId()),
                    Rejected::new))
        .onCommand(
            AbandonCheckout.class,
            (state, cmd) ->
                Replies.decide(
                    Effect(),
                    PatronRules.abandon(state, cmd.checkoutId(), cmd.reason()),
                    cmd.replyTo(),
                    s -> checkoutReply(s, cmd.checkoutId()),
                    Rejected::new))
        .onCommand(Renew.class, this::onRenew)
        .onCommand(
            EndLoan.class,
            (state, cmd) ->
                Replies.decide(
                    Effect(),
                    PatronRules.endLoan(state, cmd, zone),
                    cmd.replyTo(),
                    s -> new LoanEndedReply(cmd.barcode()),
                    Rejected::new))
        .onCommand(
            GetStatus.class,
            (state, cmd) ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        state.registered()
                            ? new StatusReply(state.status(today()))
                            : new Rejected(PatronRules.notFound(cardNumber))))
        .onCommand(
            CheckPin.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.checkPin(
                        state, cardNumber, cmd.pin(), pinCheck, pinLockoutAfter, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            Deposit.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.deposit(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            UpdateContact.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.updateContact(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            UnlockPin.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.unlockPin(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            ResetPin.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.resetPin(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            ChargeFee.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.chargeFee(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            Pay.class,
            (state, cmd) ->
                status(
                    state, PatronRules.pay(state, cardNumber, cmd, clock.instant()), cmd.replyTo()))
        .onCommand(
            Suspend.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.suspend(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            LiftSuspension.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.liftSuspension(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            VerifyIdentity.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.verifyIdentity(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            RecordGuardianConsent.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.recordGuardianConsent(state, cardNumber, cmd, clock.instant()),
                    cmd.replyTo()))
        .onCommand(
            ReserveHold.class,
            (state, cmd) ->
                status(
                    state,
                    PatronRules.reserveHold(state, cardNumber, cmd, clock.instant(), zone),
                    cmd.replyTo()))
        .onCommand(
            ReleaseHold.class,
            (state, cmd) ->
                status(
                    state,
                    state.holds().containsKey(cmd.holdId())
                        ? Decision.persist(new HoldReleased(cmd.holdId()))
                        : Decision.unchanged(),
                    cmd.replyTo()))
        .onCommand(Notify.class, this::onNotify)
        .onCommand(
            GetNotices.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new NoticesReply(state.notices())))
        .onCommand(
            NoticeDelivered.class,
            (state, cmd) -> {
              sending.remove(cmd.noticeId());
              boolean unsent =
                  state.notice(cmd.noticeId()).map(n -> n.sentAt() == null).orElse(false);
              return unsent
                  ? Effect().persist(new NoticeSent(cmd.noticeId(), clock.instant())).thenNoReply()
                  : Effect().none().thenNoReply();
            })
        .onCommand(
            NoticeFailed.class,
            (state, cmd) -> {
              sending.remove(cmd.noticeId());
              context.scheduleOnce(SETTLEMENT_RETRY, context.getSelf(), new ResendNotices());
              return Effect().none().thenNoReply();
            })
        .onCommand(
            ResendNotices.class,
            (state, cmd) -> Effect().none().thenRun(this::sendUnsent).thenNoReply())
        .onCommand(ResolvePendingCheckout.class, this::onResolvePending)
        .onCommand(LendSettled.class, this::onLendSettled)
        .onCommand(
            SettlementFailed.class,
            (state, cmd) -> {
              settling.remove(cmd.checkoutId());
              context.scheduleOnce(
                  SETTLEMENT_RETRY,
                  context.getSelf(),
                  new ResolvePendingCheckout(cmd.checkoutId()));
              return Effect().none().thenNoReply();
            })
        .build();
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  private ReplyEffect<Event, State> status(
      State state, Decision<Event> decision, ActorRef<Reply> replyTo) {
    return Replies.decide(
        Effect(), decision, replyTo, s -> new StatusReply(s.status(today())), Rejected::new);
  }

  private static Reply checkoutReply(State state, String checkoutId) {
    PendingCheckout pending = state.pending().get(checkoutId);
    if (pending != null) {
      return new CheckoutApproved(pending);
    }
    return new CheckoutFinished(state.outcomes().get(checkoutId));
  }

  private ReplyEffect<Event, State> onRenew(State state, Renew cmd) {
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

  /** A repeat of a recorded notice changes nothing; a new one is recorded, then sent. */
  private ReplyEffect<Event, State> onNotify(State state, Notify cmd) {
    if (!state.registered()) {
      return Effect().reply(cmd.replyTo(), new Rejected(PatronRules.notFound(cardNumber)));
    }
    if (state.notice(cmd.noticeId()).isPresent()) {
      return Effect().reply(cmd.replyTo(), new NoticesReply(state.notices()));
    }
    Profile p = state.profile();
    String channel = p.noticeChannel();
    String address =
        switch (channel) {
          case "email" -> p.email();
          case "sms" -> p.mobile();
          default -> null;
        };
    Notice notice =
        new Notice(
            cmd.noticeId(), channel, address, cmd.templateKey(), cmd.data(), clock.instant(), null);
    return Effect()
        .persist(new NoticeRecorded(notice))
        .thenRun(this::sendUnsent)
        .thenReply(cmd.replyTo(), s -> new NoticesReply(s.notices()));
  }

  /** Hands every unsent notice to the sender once; failures are tried again later. */
  private void sendUnsent(State state) {
    for (Notice notice : state.notices()) {
      if (notice.sentAt() == null && sending.add(notice.noticeId())) {
        context.pipeToSelf(
            noticeSender.send(cardNumber, notice),
            (done, failure) ->
                failure == null
                    ? new NoticeDelivered(notice.noticeId())
                    : new NoticeFailed(notice.noticeId()));
      }
    }
  }

  private ReplyEffect<Event, State> onResolvePending(State state, ResolvePendingCheckout cmd) {
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

  private ReplyEffect<Event, State> onLendSettled(State state, LendSettled cmd) {
    settling.remove(cmd.checkoutId());
    if (!state.pending().containsKey(cmd.checkoutId())) {
      return Effect().none().thenNoReply();
    }
    Event event =
        cmd.lent()
            ? new CheckoutCompleted(cmd.checkoutId())
            : new CheckoutAbandoned(cmd.checkoutId(), PatronRules.interrupted(cmd.checkoutId()));
    return Effect().persist(event).thenNoReply();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  protected void recovered(State state) {
    state.pending().keySet().forEach(id -> context.getSelf().tell(new ResolvePendingCheckout(id)));
    sendUnsent(state);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
