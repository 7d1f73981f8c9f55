package dk.library.circulation.patron;

import dk.library.circulation.notice.Notice;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * R38 as pure functions: an account nobody used for the home agency's {@code inactiveAccountMonths}
 * is deleted, after a notice {@code inactivityNoticeDays} before (the patron is always given the
 * whole notice period, however late the keeper woke them); an account with loans, pending
 * checkouts, debt or holds is kept and flagged for staff instead. Anything the patron does starts
 * the count again ({@link PatronHistory.Activity}).
 */
public final class InactivityRules {

  /** The template of the notice (docs/api.md, "Notices"). */
  public static final String NOTICE_TEMPLATE = "account-inactive";

  private InactivityRules() {}

  /** When the patron is told: the deletion day less the notice period. */
  static Instant noticeDue(PatronHistory.Activity a) {
    return deletionDay(a).minus(Duration.ofDays(a.noticeDays()));
  }

  /** When the account goes: the end of the idle months, and never before the notice period ends. */
  static Instant deletionDue(PatronHistory.Activity a) {
    Instant end = deletionDay(a);
    Instant afterNotice =
        a.noticedAt() == null ? end : a.noticedAt().plus(Duration.ofDays(a.noticeDays()));
    return afterNotice.isAfter(end) ? afterNotice : end;
  }

  private static Instant deletionDay(PatronHistory.Activity a) {
    return a.lastActive().atOffset(ZoneOffset.UTC).plusMonths(a.inactiveMonths()).toInstant();
  }

  /** The next moment R38 needs the patron woken at, if any. */
  public static Optional<Instant> next(PatronState state) {
    PatronHistory.Activity a = state.history().activity();
    if (!state.registered()
        || a == null
        || a.flaggedAt() != null
        || RightsRules.restricted(state)) {
      return Optional.empty();
    }
    return Optional.of(a.noticedAt() == null ? noticeDue(a) : deletionDue(a));
  }

  /** What falls due now short of the deletion itself: the notice, or the flag for staff. */
  static List<PatronEvent> remind(PatronState state, Instant now, ZoneId zone) {
    PatronHistory.Activity a = state.history().activity();
    if (!state.registered()
        || a == null
        || a.flaggedAt() != null
        || RightsRules.restricted(state)) {
      return List.of();
    }
    if (a.noticedAt() == null) {
      if (now.isBefore(noticeDue(a))) {
        return List.of();
      }
      Notice notice =
          state
              .profile()
              .notice(
                  "inactive-" + a.lastActive().toEpochMilli(),
                  NOTICE_TEMPLATE,
                  Map.of(
                      "deletedOn",
                      LocalDate.ofInstant(
                              deletionDue(
                                  new PatronHistory.Activity(
                                      a.lastActive(),
                                      a.inactiveMonths(),
                                      a.noticeDays(),
                                      now,
                                      null)),
                              zone)
                          .toString()),
                  now);
      return List.of(
          new PatronEvent.NoticeRecorded(notice), new PatronEvent.InactivityNoticed(now));
    }
    if (!now.isBefore(deletionDue(a)) && !settled(state)) {
      return List.of(new PatronEvent.FlaggedInactive(now));
    }
    return List.of();
  }

  /** The deletion, when it is due and nothing keeps the account. */
  static Optional<PatronEvent.AccountErasureBegun> deletion(
      PatronState state, String patronKey, Instant now) {
    PatronHistory.Activity a = state.history().activity();
    if (!state.registered()
        || a == null
        || a.noticedAt() == null
        || a.flaggedAt() != null
        || RightsRules.restricted(state)
        || now.isBefore(deletionDue(a))
        || !settled(state)) {
      return Optional.empty();
    }
    return Optional.of(ErasureRules.begun(state, patronKey, now));
  }

  private static boolean settled(PatronState state) {
    return state.loans().isEmpty()
        && state.pending().isEmpty()
        && state.ledger().balanceDkk() <= 0
        && state.ledger().openClaimsDkk() == 0
        && state.holds().isEmpty();
  }
}
