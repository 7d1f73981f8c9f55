package dk.library.circulation.patron;

import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What follows a loan's due date, as pure functions of the patron's state and the clock: a due-soon
 * reminder, overdue notices each adding its fee (R30), the copy declared lost and charged after the
 * last of them (R31), by the patron's channel (R5, R43). A loan keeps the schedule of the policy it
 * was lent under; a renewal starts it again for the new due date and a return ends it.
 *
 * <p>A patron has at most one deadline that matters: the earliest step of any of their loans (or of
 * an announced exclusion). Every step falls due at the start of its day in the library's zone.
 */
public final class ReminderRules {

  public enum Kind {
    DUE_SOON,
    OVERDUE,
    LOST,
    DEBT_COLLECTION
  }

  /** One step of a loan's schedule; {@code number} counts the overdue notices from 1. */
  public record Step(Kind kind, LocalDate on, int number, int feeDkk) {}

  private ReminderRules() {}

  /** The steps that follow the loan's current due date, in order. */
  public static List<Step> schedule(Loan loan) {
    AgencyPolicy.Reminders reminders = loan.terms().reminders();
    if (reminders == null) {
      return List.of();
    }
    LocalDate due = loan.dueDate();
    List<Step> steps = new ArrayList<>();
    if (reminders.dueSoonDays() != null) {
      steps.add(new Step(Kind.DUE_SOON, due.minusDays(reminders.dueSoonDays()), 0, 0));
    }
    List<AgencyPolicy.OverdueNotice> notices = reminders.overdueNotices();
    for (int i = 0; i < notices.size(); i++) {
      AgencyPolicy.OverdueNotice n = notices.get(i);
      steps.add(new Step(Kind.OVERDUE, due.plusDays(n.afterDays()), i + 1, n.feeDkk()));
    }
    if (reminders.lostAfterDays() != null) {
      steps.add(new Step(Kind.LOST, due.plusDays(reminders.lostAfterDays()), 0, 0));
    }
    if (reminders.debtCollectionAfterDays() != null) {
      steps.add(
          new Step(Kind.DEBT_COLLECTION, due.plusDays(reminders.debtCollectionAfterDays()), 0, 0));
    }
    return steps;
  }

  /** The loan's next step not yet taken. */
  public static Optional<Step> next(Loan loan) {
    List<Step> steps = schedule(loan);
    return loan.remindersTaken() < steps.size()
        ? Optional.of(steps.get(loan.remindersTaken()))
        : Optional.empty();
  }

  /**
   * When the patron must be woken next: the earliest step of a loan, an exclusion's date or the end
   * of a returned loan's window (R40).
   */
  public static Optional<Instant> nextDeadline(PatronState state, ZoneId zone) {
    Optional<LocalDate> earliest =
        state.loans().values().stream()
            .map(ReminderRules::next)
            .flatMap(Optional::stream)
            .map(Step::on)
            .min(LocalDate::compareTo);
    Fees.Exclusion exclusion = state.exclusion();
    if (exclusion != null && !exclusion.inForce()) {
      LocalDate on = exclusion.effectiveOn();
      earliest = Optional.of(earliest.filter(d -> d.isBefore(on)).orElse(on));
    }
    Optional<Instant> reminder = earliest.map(day -> day.atStartOfDay(zone).toInstant());
    return earliest(
        earliest(reminder, RetentionRules.next(state, zone)), InactivityRules.next(state));
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    return a.isEmpty() ? b : b.filter(at -> at.isBefore(a.get())).or(() -> a);
  }

  /**
   * The deadline a returned loan needs indexed before its return is recorded (R40): the end of its
   * window, unless the patron already has a deadline at or before it.
   */
  public static Optional<Instant> deadlineForReturn(
      PatronState state, Instant keptUntil, ZoneId zone) {
    Optional<Instant> existing = nextDeadline(state, zone);
    return Optional.of(keptUntil).filter(at -> existing.isEmpty() || at.isBefore(existing.get()));
  }

  /**
   * The deadline a decision needs indexed before it is recorded ({@code after}: the state with it
   * applied): the patron's next one after it, when that comes before any the patron had (R40: a
   * settled balance starts the paid fees' window).
   */
  public static Optional<Instant> deadlineFor(PatronState before, PatronState after, ZoneId zone) {
    Optional<Instant> existing = nextDeadline(before, zone);
    return nextDeadline(after, zone)
        .filter(at -> existing.isEmpty() || at.isBefore(existing.get()));
  }

  /**
   * The deadline a new loan needs indexed before it is recorded: its first step, unless the patron
   * already has a deadline at or before it (that one, when it comes, indexes the next).
   */
  public static Optional<Instant> deadlineForNewLoan(PatronState state, Loan loan, ZoneId zone) {
    Optional<Instant> own = next(loan).map(step -> step.on().atStartOfDay(zone).toInstant());
    Optional<Instant> existing = nextDeadline(state, zone);
    return own.filter(at -> existing.isEmpty() || at.isBefore(existing.get()));
  }

  /**
   * The steps due by {@code now} on every loan. A loan whose steps piled up (the patron was woken
   * late) gets only the latest of its notices and that notice's fee, and none once the copy is
   * lost, but every loss and hand-over due; a due-soon reminder for a loan already overdue, or one
   * that would come before the loan began, is not sent.
   */
  public static List<PatronEvent> remind(PatronState state, Instant now, ZoneId zone) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    List<PatronEvent> events = new ArrayList<>();
    for (Loan loan : state.loans().values()) {
      List<Step> steps = schedule(loan);
      int taken = loan.remindersTaken();
      int upTo = taken;
      while (upTo < steps.size() && !steps.get(upTo).on().isAfter(today)) {
        upTo++;
      }
      if (upTo == taken) {
        continue;
      }
      events.add(
          new PatronEvent.RemindersTaken(loan.barcode(), loan.checkoutId(), loan.dueDate(), upTo));
      for (Step step : due(steps.subList(taken, upTo))) {
        events.addAll(take(PatronRules.fold(state, events), loan, step, now, zone));
      }
    }
    return events;
  }

  /** Of the steps due at once: the last notice unless the copy is lost, then every other step. */
  private static List<Step> due(List<Step> steps) {
    List<Step> actions =
        steps.stream()
            .filter(s -> s.kind() == Kind.LOST || s.kind() == Kind.DEBT_COLLECTION)
            .toList();
    List<Step> notices = steps.stream().filter(s -> !actions.contains(s)).toList();
    boolean lost = actions.stream().anyMatch(s -> s.kind() == Kind.LOST);
    List<Step> taken = new ArrayList<>();
    if (!notices.isEmpty() && !lost) {
      taken.add(notices.get(notices.size() - 1));
    }
    taken.addAll(actions);
    return taken;
  }

  private static List<PatronEvent> take(
      PatronState state, Loan loan, Step step, Instant now, ZoneId zone) {
    PatronState.Profile profile = state.profile();
    String key = loan.checkoutId() + ":" + loan.dueDate();
    Map<String, String> data =
        Map.of("barcode", loan.barcode(), "dueDate", loan.dueDate().toString());
    List<PatronEvent> events = new ArrayList<>();
    switch (step.kind()) {
      case DUE_SOON -> {
        LocalDate lentOn = LocalDate.ofInstant(loan.checkedOutAt(), zone);
        LocalDate today = LocalDate.ofInstant(now, zone);
        if (!today.isAfter(loan.dueDate()) && step.on().isAfter(lentOn)) {
          events.add(
              new PatronEvent.NoticeRecorded(
                  profile.notice("due-soon:" + key, "loan-due-soon", data, now)));
        }
      }
      case OVERDUE -> {
        Map<String, String> notice = new HashMap<>(data);
        notice.put("notice", Integer.toString(step.number()));
        notice.put("feeDkk", Integer.toString(step.feeDkk()));
        events.add(
            new PatronEvent.NoticeRecorded(
                profile.notice(
                    "overdue-" + step.number() + ":" + key, "loan-overdue", notice, now)));
        if (step.feeDkk() > 0) {
          events.add(
              new PatronEvent.FeeCharged(
                  new Fees.Fee(
                      "overdue-notice-" + step.number() + "-" + key,
                      Fees.Kind.OVERDUE,
                      step.feeDkk(),
                      loan.barcode(),
                      "overdue notice " + step.number() + " (due " + loan.dueDate() + ")",
                      now),
                  loan.terms().feeBlockThresholdDkk()));
        }
      }
      case LOST -> events.addAll(declareLost(state, loan, now));
      case DEBT_COLLECTION -> events.addAll(handOver(state, loan, step, zone));
    }
    return events;
  }

  /**
   * R31: the copy is declared lost and charged at replacement cost, licence and administration,
   * under the same fee id as staff would charge it, so it is never charged twice.
   */
  private static List<PatronEvent> declareLost(PatronState state, Loan loan, Instant now) {
    List<PatronEvent> events = new ArrayList<>();
    events.add(new PatronEvent.LoanDeclaredLost(loan.barcode(), loan.checkoutId(), now));
    String feeId = Fees.lostOrDamagedFeeId(loan.checkoutId(), false);
    int charge = loan.terms().lostChargeDkk();
    if (charge > 0 && !state.ledger().hasFee(feeId)) {
      events.add(
          new PatronEvent.FeeCharged(
              new Fees.Fee(
                  feeId,
                  Fees.Kind.LOST_OR_DAMAGED,
                  charge,
                  loan.barcode(),
                  "item " + loan.barcode() + " not returned (due " + loan.dueDate() + "): lost",
                  now),
              loan.terms().feeBlockThresholdDkk()));
    }
    events.add(
        new PatronEvent.NoticeRecorded(
            state
                .profile()
                .notice(
                    "lost:" + loan.checkoutId(),
                    "loan-lost",
                    Map.of(
                        "barcode",
                        loan.barcode(),
                        "dueDate",
                        loan.dueDate().toString(),
                        "chargeDkk",
                        Integer.toString(charge)),
                    now)));
    return events;
  }

  /**
   * R35: what is still owed and not yet with debt collection is handed over, if it reaches the
   * policy's minimum. The claim's id and time come from the loan and the step's day, so the same
   * step taken again (after a crash) is the same claim.
   */
  private static List<PatronEvent> handOver(PatronState state, Loan loan, Step step, ZoneId zone) {
    String claimId = "claim-" + loan.checkoutId() + ":" + loan.dueDate();
    int amount = state.ledger().balanceDkk() - state.ledger().openClaimsDkk();
    if (amount <= 0
        || amount < loan.terms().reminders().debtCollectionMinimumDkk()
        || state.ledger().hasClaim(claimId)) {
      return List.of();
    }
    Instant at = step.on().atStartOfDay(zone).toInstant();
    return List.of(
        new PatronEvent.ClaimHandedOver(new Fees.Claim(claimId, loan.agencyId(), amount, 0, at)),
        new PatronEvent.NoticeRecorded(
            state
                .profile()
                .notice(
                    "claim:" + claimId,
                    "claim-handed-over",
                    Map.of("amountDkk", Integer.toString(amount)),
                    at)));
  }

  /**
   * R37: a copy declared lost has turned up and is returned; the library reverses its charge where
   * the loan's policy says so, else the charge stands.
   */
  static List<PatronEvent> found(PatronState state, Loan loan, Instant at) {
    AgencyPolicy.Reminders reminders = loan.terms().reminders();
    String feeId = Fees.lostOrDamagedFeeId(loan.checkoutId(), false);
    String reversalId = feeId + "-reversed";
    if (!loan.isLost()
        || reminders == null
        || !reminders.reverseChargeWhenFound()
        || state.ledger().hasFee(reversalId)) {
      return List.of();
    }
    return state.ledger().fees().stream()
        .filter(f -> f.feeId().equals(feeId))
        .findFirst()
        .<List<PatronEvent>>map(
            fee ->
                List.of(
                    new PatronEvent.FeeCharged(
                        new Fees.Fee(
                            reversalId,
                            Fees.Kind.LOST_OR_DAMAGED,
                            -fee.amountDkk(),
                            loan.barcode(),
                            "item " + loan.barcode() + " turned up and was returned",
                            at),
                        loan.terms().feeBlockThresholdDkk())))
        .orElse(List.of());
  }
}
