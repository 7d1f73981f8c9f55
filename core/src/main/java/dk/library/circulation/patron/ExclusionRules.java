package dk.library.circulation.patron;

import dk.library.circulation.Decision;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * R33, R34: repeated failure to return, or repeated damage, excludes a patron from borrowing. The
 * exclusion is announced in writing {@value AgencyPolicy#EXCLUSION_NOTICE_DAYS} days before it
 * takes effect and takes effect only if its cause is still there then; staff can lift it.
 *
 * <p>The cause: copies declared lost and not returned, or damage charges, counted while the patron
 * still owes money. Returning the copies or paying what is owed removes it.
 */
public final class ExclusionRules {

  private ExclusionRules() {}

  /** What the patron is excluded for under {@code rule}, or null when nothing is. */
  static String cause(PatronState state, AgencyPolicy.Exclusion rule) {
    if (rule == null || state.ledger().balanceDkk() <= 0) {
      return null;
    }
    long lost = state.loans().values().stream().filter(Loan::isLost).count();
    if (rule.afterLostLoans() > 0 && lost >= rule.afterLostLoans()) {
      return lost + " copies declared lost and not returned";
    }
    long damaged =
        state.ledger().fees().stream()
            .filter(
                f -> f.kind() == Fees.Kind.LOST_OR_DAMAGED && f.feeId().startsWith(Fees.DAMAGED))
            .count();
    if (rule.afterDamagedReturns() > 0 && damaged >= rule.afterDamagedReturns()) {
      return damaged + " copies returned damaged";
    }
    return null;
  }

  /**
   * After events that may add a cause ({@code after} is the state with them applied): the exclusion
   * is announced, with its written notice, unless one is already announced or in force.
   */
  static List<PatronEvent> announceIfDue(
      PatronState after, AgencyPolicy.Exclusion rule, Instant now, ZoneId zone) {
    String cause = after.exclusion() == null ? cause(after, rule) : null;
    if (cause == null) {
      return List.of();
    }
    LocalDate effectiveOn =
        LocalDate.ofInstant(now, zone).plusDays(AgencyPolicy.EXCLUSION_NOTICE_DAYS);
    return List.of(
        new PatronEvent.ExclusionAnnounced(new Fees.Exclusion(cause, effectiveOn, now, null, rule)),
        new PatronEvent.NoticeRecorded(
            after
                .profile()
                .notice(
                    "exclusion-announced:" + now,
                    "exclusion-announced",
                    Map.of("effectiveOn", effectiveOn.toString(), "cause", cause),
                    now)));
  }

  /** On its date an announced exclusion takes effect if its cause is still there, else lapses. */
  static List<PatronEvent> onItsDate(PatronState state, Instant now, ZoneId zone) {
    Fees.Exclusion exclusion = state.exclusion();
    if (exclusion == null
        || exclusion.inForce()
        || LocalDate.ofInstant(now, zone).isBefore(exclusion.effectiveOn())) {
      return List.of();
    }
    String cause = cause(state, exclusion.rule());
    String id = ":" + exclusion.announcedAt();
    List<PatronEvent> events = new ArrayList<>();
    if (cause == null) {
      events.add(new PatronEvent.ExclusionWithdrawn("the cause was gone on its date", now));
      events.add(
          new PatronEvent.NoticeRecorded(
              state
                  .profile()
                  .notice("exclusion-withdrawn" + id, "exclusion-withdrawn", Map.of(), now)));
    } else {
      events.add(new PatronEvent.ExclusionTookEffect(now));
      events.add(
          new PatronEvent.NoticeRecorded(
              state
                  .profile()
                  .notice(
                      "exclusion-in-force" + id,
                      "exclusion-in-force",
                      Map.of("cause", cause),
                      now)));
    }
    return events;
  }

  /** Staff lift an exclusion, announced or in force; with none, nothing changes. */
  static Decision<PatronEvent> lift(PatronState state, String liftedBy, Instant now) {
    return state.exclusion() == null
        ? Decision.unchanged()
        : Decision.persist(new PatronEvent.ExclusionLifted(liftedBy, now));
  }
}
