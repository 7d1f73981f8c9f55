package dk.library.circulation.patron;

import static dk.library.circulation.Rejection.Code.CHECKOUT_CANCELLED;
import static dk.library.circulation.Rejection.Code.CONTACT_CHANNEL_WITHOUT_ADDRESS;
import static dk.library.circulation.Rejection.Code.DEPOSIT_REQUIRED;
import static dk.library.circulation.Rejection.Code.EXPRESS_LOAN_NOT_RENEWABLE;
import static dk.library.circulation.Rejection.Code.FEES_OWED;
import static dk.library.circulation.Rejection.Code.IDENTITY_NOT_VERIFIED;
import static dk.library.circulation.Rejection.Code.ITEM_ON_LOAN;
import static dk.library.circulation.Rejection.Code.LOAN_DECLARED_LOST;
import static dk.library.circulation.Rejection.Code.LOAN_LIMIT_REACHED;
import static dk.library.circulation.Rejection.Code.LOAN_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.NOT_AN_INSTITUTION;
import static dk.library.circulation.Rejection.Code.NOT_ELIGIBLE;
import static dk.library.circulation.Rejection.Code.PATRON_ALREADY_REGISTERED;
import static dk.library.circulation.Rejection.Code.PATRON_EXCLUDED;
import static dk.library.circulation.Rejection.Code.PATRON_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.PATRON_SUSPENDED;
import static dk.library.circulation.Rejection.Code.PAYMENT_EXCEEDS_BALANCE;
import static dk.library.circulation.Rejection.Code.PIN_LOCKED;
import static dk.library.circulation.Rejection.Code.RENEWAL_LIMIT_REACHED;
import static dk.library.circulation.Rejection.Code.RENEWAL_WOULD_NOT_EXTEND;
import static dk.library.circulation.Rejection.Code.RESERVATION_LIMIT_REACHED;
import static dk.library.circulation.Rejection.Code.RESIDENTS_ONLY;
import static dk.library.circulation.Rejection.Code.TITLE_RESERVED;
import static dk.library.circulation.Rejection.Code.TRANSACTION_ID_REUSED;
import static dk.library.circulation.Rejection.Code.WITH_DEBT_COLLECTION;
import static dk.library.circulation.Rejection.Code.WRONG_PIN;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.card.CardHint;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The patron's side of circulation as pure functions: state + command + policy + time in, events or
 * a refusal out. Every refusal carries the code of the rule that refused.
 */
public final class PatronRules {

  private PatronRules() {}

  /** R1: only registered patrons borrow. A card number is registered once. */
  public static Decision<PatronEvent> register(
      PatronState state, String cardNumber, PatronCommand.Register cmd, Instant now) {
    if (state.registered()) {
      return Decision.refuse(
          PATRON_ALREADY_REGISTERED,
          "card " + CardHint.ofPatronKey(cardNumber) + " is already registered to a patron");
    }
    if (state.history().accountErasure() != null) {
      return new Decision.Refuse<>(ErasureRules.cardDeleted(cardNumber));
    }
    return Decision.persist(
        new PatronEvent.Registered(
            cardNumber,
            cmd.pin(),
            cmd.name(),
            cmd.email(),
            cmd.mobile(),
            cmd.homeAgencyId(),
            cmd.category(),
            cmd.facts(),
            now,
            true,
            cmd.otherCards(),
            cmd.retention()));
  }

  /** R39: another card names the patron; recorded once. */
  public static Decision<PatronEvent> recordCard(
      PatronState state, String cardNumber, PatronCommand.RecordCard cmd) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    return state.profile().otherCards().contains(cmd.cardId())
            || state.profile().cardNumber().equals(cmd.cardId())
        ? Decision.unchanged()
        : Decision.persist(new PatronEvent.CardRecorded(cmd.cardId()));
  }

  /** R39, R41: recorded once; an unknown patron is refused. */
  public static Decision<PatronEvent> recordElsewhere(
      PatronState state, String cardNumber, PatronCommand.RecordElsewhere cmd) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    return state.history().names(cmd.record())
        ? Decision.unchanged()
        : Decision.persist(new PatronEvent.RecordedElsewhere(cmd.record()));
  }

  /** R40: forgotten once; a patron that no longer names the record has nothing to forget. */
  public static Decision<PatronEvent> forgetElsewhere(
      PatronState state, PatronCommand.ForgetElsewhere cmd) {
    return state.history().names(cmd.record())
        ? Decision.persist(new PatronEvent.ElsewhereForgotten(cmd.record()))
        : Decision.unchanged();
  }

  /** R12: the patron refuses its own card from now on; reporting again changes nothing. */
  public static Decision<PatronEvent> recordOwnCardLost(
      PatronState state, String cardNumber, PatronCommand.RecordOwnCardLost cmd) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    return state.profile().ownCardLost() != null
        ? Decision.unchanged()
        : Decision.persist(new PatronEvent.OwnCardLost(cmd.lost()));
  }

  /**
   * The patron's approval of a checkout (R4 PIN, R46 suspension, R32 fee block, R16 loan period,
   * R21 loan limit of the patron's category). A retry with the same checkout id changes nothing:
   * the reply repeats the approval or the final outcome.
   */
  public static Decision<PatronEvent> beginCheckout(
      PatronState state,
      String cardNumber,
      PatronCommand.BeginCheckout cmd,
      PinCheck pinCheck,
      int pinLockoutAfter,
      Instant now,
      ZoneId zone) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    PinAttempt attempt = pinAttempt(state, cmd.pin(), pinCheck, pinLockoutAfter, now);
    if (attempt.refusal() != null) {
      return attempt.refused();
    }
    return withPinEvents(attempt.events(), approveCheckout(state, cmd, now, zone));
  }

  private static Decision<PatronEvent> approveCheckout(
      PatronState state, PatronCommand.BeginCheckout cmd, Instant now, ZoneId zone) {
    CheckoutOutcome earlier = state.outcomes().get(cmd.checkoutId());
    PendingCheckout pending = state.pending().get(cmd.checkoutId());
    String earlierBarcode =
        earlier != null ? earlier.barcode() : pending != null ? pending.barcode() : null;
    if (earlierBarcode != null) {
      return earlierBarcode.equals(cmd.barcode())
          ? Decision.unchanged()
          : Decision.refuse(
              TRANSACTION_ID_REUSED,
              "transaction id "
                  + cmd.checkoutId()
                  + " was already used for item "
                  + earlierBarcode
                  + "; send a new transaction id for a new checkout");
    }
    if (state.loans().containsKey(cmd.barcode())) {
      return Decision.refuse(
          ITEM_ON_LOAN, "item " + cmd.barcode() + " is already on loan to this patron");
    }
    if (state.pending().values().stream().anyMatch(p -> p.barcode().equals(cmd.barcode()))) {
      return Decision.refuse(
          ITEM_ON_LOAN,
          "a checkout of item " + cmd.barcode() + " for this patron is already under way");
    }
    Rejection blocked =
        block(state, LocalDate.ofInstant(now, zone), cmd.policy().feeBlockThresholdDkk());
    if (blocked != null) {
      return new Decision.Refuse<>(blocked);
    }
    LocalDate today = LocalDate.ofInstant(now, zone);
    PatronFacts facts = state.profile().facts();
    AgencyPolicy.Eligibility eligibility = cmd.policy().eligibility();
    if (eligibility.residentsOnly().contains(cmd.materialType())
        && !Objects.equals(eligibility.municipality(), facts.municipality())) {
      return Decision.refuse(
          RESIDENTS_ONLY,
          cmd.materialType()
              + " is lent only to residents of municipality "
              + eligibility.municipality());
    }
    Rejection deposit = depositRefusal(state, cmd, facts);
    if (deposit != null) {
      return new Decision.Refuse<>(deposit);
    }
    int held = state.loans().size() + state.pending().size();
    int maxLoans = cmd.policy().limitsFor(state.profile().category()).maxLoans();
    String restriction = facts.restriction(today);
    String why =
        state.profile().category() == null ? "" : " for category " + state.profile().category();
    if (restriction != null && eligibility.restrictedMaxLoans() < maxLoans) {
      maxLoans = eligibility.restrictedMaxLoans();
      why = " for " + restriction;
    }
    if (held >= maxLoans) {
      return Decision.refuse(
          LOAN_LIMIT_REACHED,
          "the patron has "
              + held
              + " loans and the agency allows at most "
              + maxLoans
              + why
              + "; return an item first");
    }
    int loanPeriod = cmd.policy().loanPeriodFor(cmd.materialType(), cmd.itemLoanPeriodDays());
    return Decision.persist(
        new PatronEvent.CheckoutBegun(
            new PendingCheckout(
                cmd.checkoutId(),
                cmd.barcode(),
                cmd.agencyId(),
                cmd.branchId(),
                now,
                dueDate(now, zone, loanPeriod),
                LoanTerms.of(cmd.policy(), cmd.materialType()))));
  }

  /**
   * R16: the due date is the loan period (the item's, its material type's or the agency's) after
   * the day of checkout, in the library's time zone.
   */
  public static LocalDate dueDate(Instant now, ZoneId zone, int loanPeriodDays) {
    return LocalDate.ofInstant(now, zone).plusDays(loanPeriodDays);
  }

  /**
   * Why the patron may not borrow or renew today, or null: R46 a staff suspension still running,
   * R32 fees at or over the threshold, or any balance left once the block started (it lasts until
   * the whole amount is paid).
   */
  public static Rejection block(PatronState state, LocalDate today, int feeBlockThresholdDkk) {
    Rejection restricted = RightsRules.restrictionBlock(state);
    if (restricted != null) {
      return restricted;
    }
    int withCollection = state.ledger().openClaimsDkk();
    if (withCollection > 0) {
      return Rejection.of(
          WITH_DEBT_COLLECTION,
          withCollection
              + " DKK is with debt collection; borrowing and renewing are blocked until it is"
              + " paid");
    }
    Fees.Exclusion exclusion = state.exclusion();
    if (exclusion != null && exclusion.inForce()) {
      return Rejection.of(
          PATRON_EXCLUDED,
          "the patron is excluded from borrowing since "
              + exclusion.effectiveOn()
              + " ("
              + exclusion.cause()
              + "); staff can lift the exclusion");
    }
    Fees.Suspension suspension = state.suspension();
    if (suspension != null && suspension.activeOn(today)) {
      return Rejection.of(
          PATRON_SUSPENDED,
          "the patron is suspended until " + suspension.until() + " (" + suspension.reason() + ")");
    }
    int balance = state.ledger().balanceDkk();
    if (balance >= feeBlockThresholdDkk || (state.ledger().blocked() && balance > 0)) {
      return Rejection.of(
          FEES_OWED,
          "the patron owes "
              + balance
              + " DKK; borrowing and renewing are blocked until the whole amount is paid");
    }
    return null;
  }

  public static Decision<PatronEvent> complete(PatronState state, String checkoutId) {
    if (state.pending().containsKey(checkoutId)) {
      return Decision.persist(new PatronEvent.CheckoutCompleted(checkoutId));
    }
    return finishedOrUnknown(state, checkoutId);
  }

  public static Decision<PatronEvent> abandon(
      PatronState state, String checkoutId, Rejection reason) {
    if (state.pending().containsKey(checkoutId)) {
      return Decision.persist(new PatronEvent.CheckoutAbandoned(checkoutId, reason));
    }
    return finishedOrUnknown(state, checkoutId);
  }

  private static Decision<PatronEvent> finishedOrUnknown(PatronState state, String checkoutId) {
    return state.outcomes().containsKey(checkoutId)
        ? Decision.unchanged()
        : Decision.refuse(
            LOAN_NOT_FOUND, "no checkout " + checkoutId + " is known for this patron");
  }

  /** Why a checkout that a crash interrupted before the item was lent did not happen. */
  public static Rejection interrupted(String checkoutId) {
    return Rejection.of(
        CHECKOUT_CANCELLED,
        "checkout "
            + checkoutId
            + " was interrupted before the item was lent and has been cancelled; "
            + "check the item out again with a new transaction id");
  }

  /** The events of a renewal and the answer for each loan it covered. */
  public record RenewalDecision(
      List<PatronEvent> events, List<PatronReply.RenewalResult> results, Rejection refusal) {}

  /**
   * R19: a loan is renewed while it has had fewer renewals than its agency allows and, where the
   * agency caps the total loan period, until that cap; the new due date is one loan period from
   * today, never earlier than the current one nor later than the cap. R20: express loans are never
   * renewed. R18: nor loans whose title another patron has reserved. R32/R46: a blocked patron
   * renews nothing. Renewing one named loan that cannot be renewed is refused; renewing all answers
   * per loan.
   */
  public static RenewalDecision renew(
      PatronState state,
      String cardNumber,
      PatronCommand.Renew cmd,
      PinCheck pinCheck,
      int pinLockoutAfter,
      Instant now,
      ZoneId zone) {
    if (!state.registered()) {
      return new RenewalDecision(List.of(), List.of(), notFound(cardNumber));
    }
    PinAttempt attempt =
        cmd.provenByToken()
            ? new PinAttempt(List.of(), null)
            : pinAttempt(state, cmd.pin(), pinCheck, pinLockoutAfter, now);
    RenewalDecision decision =
        attempt.refusal() != null
            ? new RenewalDecision(List.of(), List.of(), attempt.refusal())
            : renewLoans(state, cmd, now, zone);
    List<PatronEvent> events = new ArrayList<>(attempt.events());
    events.addAll(decision.events());
    return new RenewalDecision(events, decision.results(), decision.refusal());
  }

  private static RenewalDecision renewLoans(
      PatronState state, PatronCommand.Renew cmd, Instant now, ZoneId zone) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    Rejection blocked = block(state, today, cmd.feeBlockThresholdDkk());
    if (blocked != null) {
      return new RenewalDecision(List.of(), List.of(), blocked);
    }
    List<String> barcodes =
        cmd.barcodes().isEmpty() ? List.copyOf(state.loans().keySet()) : cmd.barcodes();
    List<PatronEvent> events = new ArrayList<>();
    List<PatronReply.RenewalResult> results = new ArrayList<>();
    for (String barcode : barcodes) {
      Loan loan = state.loans().get(barcode);
      AgencyPolicy policy = loan == null ? null : cmd.policyByAgency().get(loan.agencyId());
      Rejection refusal =
          loan == null
              ? Rejection.of(LOAN_NOT_FOUND, "item " + barcode + " is not on loan to this patron")
              : renewalRefusal(loan, policy, cmd.reservedBarcodes().contains(barcode), zone, today);
      LocalDate newDue = refusal == null ? renewedDue(loan, policy, now, zone) : null;
      if (refusal == null && !newDue.isAfter(loan.dueDate())) {
        refusal = notExtended(loan, newDue.equals(totalCap(loan, policy, zone)));
      }
      if (refusal != null) {
        if (cmd.barcodes().size() == 1) {
          return new RenewalDecision(List.of(), List.of(), refusal);
        }
        results.add(
            new PatronReply.RenewalResult(
                barcode,
                false,
                loan == null ? null : loan.dueDate(),
                loan == null ? 0 : loan.renewals(),
                refusal));
        continue;
      }
      events.add(new PatronEvent.LoanRenewed(barcode, newDue, now));
      results.add(new PatronReply.RenewalResult(barcode, true, newDue, loan.renewals() + 1, null));
    }
    return new RenewalDecision(events, results, null);
  }

  /**
   * R19: one loan period from today, never earlier than the current due date nor later than the
   * agency's cap on the total loan period.
   */
  private static LocalDate renewedDue(Loan loan, AgencyPolicy policy, Instant now, ZoneId zone) {
    LocalDate fromToday =
        dueDate(now, zone, policy.loanPeriodFor(loan.terms().materialType(), null));
    LocalDate newDue = fromToday.isAfter(loan.dueDate()) ? fromToday : loan.dueDate();
    LocalDate cap = totalCap(loan, policy, zone);
    return cap != null && newDue.isAfter(cap) ? cap : newDue;
  }

  /** A renewal that would not move the due date uses up none of the patron's renewals. */
  private static Rejection notExtended(Loan loan, boolean capReached) {
    return Rejection.of(
        RENEWAL_WOULD_NOT_EXTEND,
        "renewing item "
            + loan.barcode()
            + " now would not move its due date "
            + loan.dueDate()
            + (capReached
                ? ": the loan has reached the agency's longest total loan period; return it by then"
                : "; renew it closer to the due date"));
  }

  /**
   * Why this loan would not be renewed today (R18, R19, R20), or null: the rules of {@link #renew}
   * for one loan, also asked by a patron's loan list before any renewal is tried.
   */
  public static Rejection renewalRefusal(
      Loan loan, AgencyPolicy policy, boolean reserved, ZoneId zone, LocalDate today) {
    String barcode = loan.barcode();
    if (loan.isLost()) {
      return Rejection.of(
          LOAN_DECLARED_LOST,
          "item "
              + barcode
              + " was declared lost on "
              + LocalDate.ofInstant(loan.lostAt(), zone)
              + "; return it at a library to end the loan");
    }
    if (loan.terms().express()) {
      return Rejection.of(
          EXPRESS_LOAN_NOT_RENEWABLE,
          "item "
              + barcode
              + " is an express loan and cannot be renewed; return it by "
              + loan.dueDate());
    }
    if (reserved) {
      return Rejection.of(
          TITLE_RESERVED,
          "another patron has reserved the title of item "
              + barcode
              + "; return it by "
              + loan.dueDate());
    }
    if (policy.maxRenewals() != null && loan.renewals() >= policy.maxRenewals()) {
      return Rejection.of(
          RENEWAL_LIMIT_REACHED,
          "item "
              + barcode
              + " has reached agency "
              + loan.agencyId()
              + "'s limit of "
              + policy.maxRenewals()
              + " renewals; return it by "
              + loan.dueDate());
    }
    LocalDate cap = totalCap(loan, policy, zone);
    if (cap != null && !loan.dueDate().isBefore(cap)) {
      return Rejection.of(
          RENEWAL_LIMIT_REACHED,
          "item "
              + barcode
              + " has reached agency "
              + loan.agencyId()
              + "'s longest loan of "
              + policy.maxTotalLoanDays()
              + " days; return it by "
              + loan.dueDate());
    }
    return null;
  }

  /** R19: the last day a loan may run under a total-loan-period cap, or null without one. */
  private static LocalDate totalCap(Loan loan, AgencyPolicy policy, ZoneId zone) {
    return policy.maxTotalLoanDays() == null
        ? null
        : LocalDate.ofInstant(loan.checkedOutAt(), zone).plusDays(policy.maxTotalLoanDays());
  }

  /**
   * R22: the loan ends when the item's return is registered; a repeated notice changes nothing.
   * R30: a return after the due date is charged by the rate the loan was given, per day late in the
   * library's time zone, up to the cap.
   */
  public static Decision<PatronEvent> endLoan(
      PatronState state, PatronCommand.EndLoan cmd, ZoneId zone) {
    Loan loan = state.loans().get(cmd.barcode());
    List<PatronEvent> events = new ArrayList<>();
    PendingCheckout pending = state.pending().get(cmd.checkoutId());
    if (loan == null && pending != null && pending.barcode().equals(cmd.barcode())) {
      // The return overtook the checkout's last step (its reminder deadline was being indexed):
      // the item lent under it, so the loan is recorded and ended together.
      events.add(new PatronEvent.CheckoutCompleted(cmd.checkoutId()));
      loan = pending.toLoan();
    }
    if (loan == null || !loan.checkoutId().equals(cmd.checkoutId())) {
      return Decision.unchanged();
    }
    events.add(new PatronEvent.LoanEnded(cmd.barcode(), cmd.checkoutId(), cmd.returnedAt()));
    AgencyPolicy.OverdueRate rate = loan.terms().overdueRate();
    long daysLate =
        ChronoUnit.DAYS.between(loan.dueDate(), LocalDate.ofInstant(cmd.returnedAt(), zone));
    int fee = rate == null ? 0 : rate.feeFor(daysLate);
    if (fee > 0) {
      Fees.Fee overdue =
          new Fees.Fee(
              "overdue-" + loan.checkoutId(),
              Fees.Kind.OVERDUE,
              fee,
              loan.barcode(),
              daysLate + " days late (due " + loan.dueDate() + ")",
              cmd.returnedAt());
      events.add(new PatronEvent.FeeCharged(overdue, loan.terms().feeBlockThresholdDkk()));
    }
    events.addAll(ReminderRules.found(state, loan, cmd.returnedAt()));
    return new Decision.Persist<>(List.copyOf(events));
  }

  /**
   * The patron's deadline: an announced exclusion's date (R33), then every reminder step due by now
   * (R30, R31), then an exclusion the copies just declared lost may bring (R34).
   */
  public static List<PatronEvent> remind(PatronState state, Instant now, ZoneId zone) {
    if (!state.registered()) {
      return List.of();
    }
    List<PatronEvent> events = new ArrayList<>(ExclusionRules.onItsDate(state, now, zone));
    PatronState after = fold(state, events);
    List<PatronEvent> reminders = ReminderRules.remind(after, now, zone);
    events.addAll(reminders);
    after = fold(after, reminders);
    for (PatronEvent event : reminders) {
      if (event instanceof PatronEvent.LoanDeclaredLost lost) {
        List<PatronEvent> announced =
            ExclusionRules.announceIfDue(
                after, after.loans().get(lost.barcode()).terms().exclusion(), now, zone);
        events.addAll(announced);
        after = fold(after, announced);
      }
    }
    events.addAll(InactivityRules.remind(after, now, zone));
    return events;
  }

  /** R33: staff lift an exclusion. */
  public static Decision<PatronEvent> liftExclusion(
      PatronState state, String cardNumber, String liftedBy, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    return ExclusionRules.lift(state, liftedBy, now);
  }

  /** R35: staff write off what is with debt collection; the same write-off id again is harmless. */
  public static Decision<PatronEvent> writeOffClaims(
      PatronState state, String cardNumber, String writeOffId, String by, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    int open = state.ledger().openClaimsDkk();
    String feeId = "written-off-" + writeOffId;
    if (open == 0 || state.ledger().hasFee(feeId)) {
      return Decision.unchanged();
    }
    return new Decision.Persist<>(
        List.of(
            new PatronEvent.FeeCharged(
                new Fees.Fee(
                    feeId, Fees.Kind.WRITTEN_OFF, -open, null, "claims written off by " + by, now),
                Integer.MAX_VALUE),
            new PatronEvent.ClaimsWrittenOff(writeOffId, open, by, now)));
  }

  static PatronState fold(PatronState state, List<PatronEvent> events) {
    PatronState next = state;
    for (PatronEvent event : events) {
      next = next.apply(event);
    }
    return next;
  }

  /**
   * R7: where the agency asks it, a patron not resident in its municipality or without a permanent
   * address borrows only against a deposit of the value of what they borrow, never more.
   */
  static Rejection depositRefusal(
      PatronState state, PatronCommand.BeginCheckout cmd, PatronFacts facts) {
    AgencyPolicy.Eligibility e = cmd.policy().eligibility();
    boolean nonResident =
        e.municipality() != null && !e.municipality().equals(facts.municipality());
    if (!e.depositFromNonResidents() || (!nonResident && facts.permanentAddress())) {
      return null;
    }
    AgencyPolicy.MaterialRule rule = cmd.policy().material(cmd.materialType());
    int value =
        state.loans().values().stream().mapToInt(l -> l.terms().valueDkk()).sum()
            + state.pending().values().stream().mapToInt(p -> p.terms().valueDkk()).sum()
            + (rule == null ? 0 : rule.valueDkk());
    int held = state.ledger().depositDkk();
    if (held >= value) {
      return null;
    }
    return Rejection.of(
        DEPOSIT_REQUIRED,
        "a deposit of "
            + value
            + " DKK, the value of what the patron borrows, is needed; "
            + held
            + " DKK is held");
  }

  /** R7: a deposit received. */
  public static Decision<PatronEvent> deposit(
      PatronState state, String cardNumber, PatronCommand.Deposit cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    return Decision.persist(
        new PatronEvent.DepositReceived(cmd.amountDkk(), cmd.receivedBy(), now));
  }

  /** A manual charge; the same fee id again changes nothing. */
  public static Decision<PatronEvent> chargeFee(
      PatronState state, String cardNumber, PatronCommand.ChargeFee cmd, Instant now, ZoneId zone) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    if (state.ledger().hasFee(cmd.feeId())) {
      return Decision.unchanged();
    }
    PatronEvent charged =
        new PatronEvent.FeeCharged(
            new Fees.Fee(
                cmd.feeId(), cmd.kind(), cmd.amountDkk(), cmd.barcode(), cmd.reason(), now),
            cmd.feeBlockThresholdDkk());
    List<PatronEvent> events = new ArrayList<>(List.of(charged));
    // R34: a damage charge may bring an exclusion.
    events.addAll(ExclusionRules.announceIfDue(state.apply(charged), cmd.exclusion(), now, zone));
    return new Decision.Persist<>(List.copyOf(events));
  }

  /**
   * A payment towards the balance, never more than is owed; the same payment id again is harmless.
   */
  public static Decision<PatronEvent> pay(
      PatronState state, String cardNumber, PatronCommand.Pay cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    if (state.ledger().hasPayment(cmd.paymentId())) {
      return Decision.unchanged();
    }
    int balance = state.ledger().balanceDkk();
    if (cmd.amountDkk() > balance && !cmd.online()) {
      return Decision.refuse(
          PAYMENT_EXCEEDS_BALANCE,
          "the patron owes " + balance + " DKK; a payment of " + cmd.amountDkk() + " DKK is more");
    }
    return Decision.persist(
        new PatronEvent.PaymentReceived(new Fees.Payment(cmd.paymentId(), cmd.amountDkk(), now)));
  }

  /** R46: a suspension replaces any earlier one. */
  public static Decision<PatronEvent> suspend(
      PatronState state, String cardNumber, PatronCommand.Suspend cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    return Decision.persist(
        new PatronEvent.Suspended(
            new Fees.Suspension(cmd.until(), cmd.reason(), cmd.suspendedBy(), now)));
  }

  public static Decision<PatronEvent> liftSuspension(
      PatronState state, String cardNumber, PatronCommand.LiftSuspension cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    return state.suspension() == null
        ? Decision.unchanged()
        : Decision.persist(new PatronEvent.SuspensionLifted(cmd.liftedBy(), now));
  }

  /**
   * R6, R10: whether an applicant may register with the agency: old enough, and resident where the
   * agency accepts residents or holding one of its listed affiliations. Null when eligible.
   */
  public static Rejection eligibilityRefusal(
      AgencyPolicy policy, PatronFacts facts, LocalDate today) {
    AgencyPolicy.Eligibility e = policy.eligibility();
    Integer age = facts.ageOn(today);
    if (e.minimumAge() > 0 && (age == null || age < e.minimumAge())) {
      return Rejection.of(
          NOT_ELIGIBLE,
          age == null
              ? "the agency admits patrons from age " + e.minimumAge() + "; give the birth date"
              : "the agency admits patrons from age "
                  + e.minimumAge()
                  + "; the applicant is "
                  + age);
    }
    boolean resident = e.residence().isEmpty() || e.residence().contains(facts.residence());
    boolean affiliated = facts.affiliations().stream().anyMatch(e.affiliations()::contains);
    if (!resident && !affiliated) {
      return Rejection.of(
          NOT_ELIGIBLE,
          "the agency admits residents of "
              + e.residence()
              + (e.affiliations().isEmpty()
                  ? ""
                  : " or patrons affiliated with " + e.affiliations())
              + "; the applicant lives in "
              + facts.residence());
    }
    return null;
  }

  /**
   * R25 a patron reserves; R2 only once their identity is verified; not while blocked (R32, R46);
   * R21 at most the agency's number of reservations for the patron's category. The same hold id
   * again changes nothing.
   */
  public static Decision<PatronEvent> reserveHold(
      PatronState state,
      String cardNumber,
      PatronCommand.ReserveHold cmd,
      Instant now,
      ZoneId zone) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    if (state.holds().containsKey(cmd.holdId())) {
      return Decision.unchanged();
    }
    Rejection unverified = reservationRefusal(state);
    if (unverified != null) {
      return new Decision.Refuse<>(unverified);
    }
    Rejection blocked =
        block(state, LocalDate.ofInstant(now, zone), cmd.policy().feeBlockThresholdDkk());
    if (blocked != null) {
      return new Decision.Refuse<>(blocked);
    }
    int maxReservations = cmd.policy().limitsFor(state.profile().category()).maxReservations();
    if (state.holds().size() >= maxReservations) {
      return Decision.refuse(
          RESERVATION_LIMIT_REACHED,
          "the patron already has "
              + state.holds().size()
              + " reservations, the most the agency allows ("
              + maxReservations
              + ")");
    }
    return Decision.persist(new PatronEvent.HoldReserved(cmd.holdId(), cmd.titleEntityId()));
  }

  /** R2: a patron whose identity is not verified (registered by phone) may not reserve. */
  public static Rejection reservationRefusal(PatronState state) {
    return state.profile().facts().identityVerified()
        ? null
        : Rejection.of(
            IDENTITY_NOT_VERIFIED,
            "the patron registered by phone; staff must see ID in person before the patron can"
                + " reserve");
  }

  /** R2, R15: staff saw ID; verifying again changes nothing. */
  public static Decision<PatronEvent> verifyIdentity(
      PatronState state, String cardNumber, PatronCommand.VerifyIdentity cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    if (state.profile().facts().identityVerified()) {
      return Decision.unchanged();
    }
    return Decision.persist(
        new PatronEvent.IdentityVerified(
            new PatronFacts.Verification(cmd.method(), cmd.verifiedBy(), now)));
  }

  /** R6: the guardian's consent lifts a minor's temporary-card limit. */
  public static Decision<PatronEvent> recordGuardianConsent(
      PatronState state, String cardNumber, PatronCommand.RecordGuardianConsent cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    if (state.profile().facts().guardianConsent() != null) {
      return Decision.unchanged();
    }
    return Decision.persist(
        new PatronEvent.GuardianConsentRecorded(
            new PatronFacts.GuardianConsent(cmd.guardian(), cmd.recordedBy(), now)));
  }

  /** R4: the card's PIN proves the patron (a status check, a login). */
  public static Decision<PatronEvent> checkPin(
      PatronState state,
      String cardNumber,
      String pin,
      boolean acting,
      PinCheck pinCheck,
      int pinLockoutAfter,
      Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    PinAttempt attempt = pinAttempt(state, pin, pinCheck, pinLockoutAfter, now);
    if (attempt.refusal() != null) {
      return attempt.refused();
    }
    // R38: a login or a door opened is the patron acting; recorded at most once a day.
    PatronHistory.Activity activity = state.history().activity();
    boolean stale =
        acting
            && (activity == null
                || activity.lastActive().plus(ACTIVITY_RECORDED_EVERY).isBefore(now));
    return withPinEvents(
        attempt.events(),
        stale ? Decision.persist(new PatronEvent.Active(now)) : Decision.unchanged());
  }

  /** R38: how often a PIN check alone is recorded as the patron acting. */
  static final java.time.Duration ACTIVITY_RECORDED_EVERY = java.time.Duration.ofDays(1);

  /** The events and, for a wrong or locked PIN, the refusal of one PIN check. */
  record PinAttempt(List<PatronEvent> events, Rejection refusal) {
    Decision<PatronEvent> refused() {
      return events.isEmpty()
          ? new Decision.Refuse<>(refusal)
          : new Decision.RefuseAfter<>(events, refusal);
    }
  }

  /**
   * R4: a locked card is refused whatever PIN is given; a wrong PIN is recorded, and the one that
   * reaches {@code pinLockoutAfter} in a row locks the card until staff unlock it or reset the PIN;
   * a right PIN clears the count.
   */
  static PinAttempt pinAttempt(
      PatronState state, String pin, PinCheck pinCheck, int pinLockoutAfter, Instant now) {
    PinGuard guard = state.pinGuard();
    if (guard.locked()) {
      return new PinAttempt(
          List.of(),
          Rejection.of(
              PIN_LOCKED,
              "the card is locked after "
                  + pinLockoutAfter
                  + " wrong PINs in a row; staff must unlock it or reset the PIN"));
    }
    if (pinCheck.matches(state.profile().pin(), pin)) {
      return new PinAttempt(
          guard.wrongPins() > 0 ? List.of(new PatronEvent.WrongPinsCleared()) : List.of(), null);
    }
    if (guard.wrongPins() + 1 >= pinLockoutAfter) {
      return new PinAttempt(
          List.of(new PatronEvent.WrongPinEntered(now), new PatronEvent.PinLocked(now)),
          Rejection.of(
              PIN_LOCKED,
              "the PIN does not match, and after "
                  + pinLockoutAfter
                  + " wrong PINs in a row the card is locked; staff must unlock it"));
    }
    return new PinAttempt(
        List.of(new PatronEvent.WrongPinEntered(now)),
        Rejection.of(WRONG_PIN, "the PIN does not match this card"));
  }

  private static Decision<PatronEvent> withPinEvents(
      List<PatronEvent> pinEvents, Decision<PatronEvent> decision) {
    if (pinEvents.isEmpty()) {
      return decision;
    }
    List<PatronEvent> events = new ArrayList<>(pinEvents);
    if (decision instanceof Decision.Persist<PatronEvent> persist) {
      events.addAll(persist.events());
      return new Decision.Persist<>(events);
    }
    if (decision instanceof Decision.Refuse<PatronEvent> refuse) {
      return new Decision.RefuseAfter<>(events, refuse.rejection());
    }
    if (decision instanceof Decision.RefuseAfter<PatronEvent> refuse) {
      events.addAll(refuse.events());
      return new Decision.RefuseAfter<>(events, refuse.rejection());
    }
    return new Decision.Persist<>(events);
  }

  /**
   * R5, R11: contact data is optional and the patron's own to keep current; a preferred channel
   * needs the address it sends to (email needs an email address, sms a mobile number).
   */
  public static Decision<PatronEvent> updateContact(
      PatronState state, String cardNumber, PatronCommand.UpdateContact cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    if ("email".equals(cmd.preferredChannel()) && cmd.email() == null
        || "sms".equals(cmd.preferredChannel()) && cmd.mobile() == null) {
      return Decision.refuse(
          CONTACT_CHANNEL_WITHOUT_ADDRESS,
          "notices by "
              + cmd.preferredChannel()
              + " need the "
              + (cmd.email() == null ? "email address" : "mobile number"));
    }
    return Decision.persist(
        new PatronEvent.ContactUpdated(
            cmd.email(), cmd.mobile(), cmd.preferredChannel(), cmd.by(), now));
  }

  /**
   * R9: only an institution account holds several cards; each answers to the institution, whose
   * loans they all are. Null when the patron may have another card.
   */
  public static Rejection additionalCardRefusal(PatronFacts facts) {
    return facts.institution()
        ? null
        : Rejection.of(
            NOT_AN_INSTITUTION,
            "only an institution account holds several cards; a person's card is personal (R13)");
  }

  /** R4: staff lift a lockout; an open card stays as it is. */
  public static Decision<PatronEvent> unlockPin(
      PatronState state, String cardNumber, PatronCommand.UnlockPin cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    PinGuard guard = state.pinGuard();
    return guard.locked() || guard.wrongPins() > 0
        ? Decision.persist(new PatronEvent.PinUnlocked(cmd.unlockedBy(), now))
        : Decision.unchanged();
  }

  /**
   * R4: a forgotten PIN is replaced only with the identity check that allowed it recorded (ID,
   * digital signature, or for children ID without a photo); it also unlocks the card.
   */
  public static Decision<PatronEvent> resetPin(
      PatronState state, String cardNumber, PatronCommand.ResetPin cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    return Decision.persist(
        new PatronEvent.PinReset(
            cmd.pin(), new PatronFacts.Verification(cmd.identityCheck(), cmd.resetBy(), now)));
  }

  public static Rejection notFound(String cardNumber) {
    return Rejection.of(
        PATRON_NOT_FOUND,
        "no patron is registered with card "
            + CardHint.ofPatronKey(cardNumber)
            + "; check the number, or register the patron");
  }
}
