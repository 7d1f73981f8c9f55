package dk.library.circulation.patron;

import static dk.library.circulation.patron.PatronRulesTest.COPENHAGEN;
import static dk.library.circulation.patron.PatronRulesTest.NOW;
import static dk.library.circulation.patron.PatronRulesTest.registered;
import static dk.library.circulation.patron.ReminderRulesTest.apply;
import static dk.library.circulation.patron.ReminderRulesTest.lent;
import static dk.library.circulation.patron.ReminderRulesTest.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.notice.Notice;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** R40: a returned loan is kept for its agency's window after the return, then forgotten. */
class RetentionRulesTest {

  static final Instant RETURNED = NOW.plus(Duration.ofDays(10));

  static AgencyPolicy keepingFor(int days) {
    AgencyPolicy p = policy(null, null);
    return new AgencyPolicy(
        p.loanPeriodDays(),
        p.maxRenewals(),
        p.maxTotalLoanDays(),
        p.maxLoans(),
        p.maxReservations(),
        p.patronCategories(),
        p.materialTypes(),
        p.overdueFees(),
        p.feeBlockThresholdDkk(),
        p.eligibility(),
        p.pickupDays(),
        p.itemLevelHolds(),
        p.openLibrary(),
        p.reminders(),
        p.exclusion(),
        new AgencyPolicy.Retention(days));
  }

  static PatronState returned(PatronState s, String id) {
    return apply(
        s,
        PatronRules.endLoan(
            s, new PatronCommand.EndLoan("X-" + id, id, RETURNED, null), COPENHAGEN));
  }

  @Test
  void R40_aReturnedLoanIsKeptForItsAgencysWindowAndIsTheNextDeadline() {
    PatronState s = returned(lent(registered(), "k1", keepingFor(50)), "k1");
    PatronHistory.Returned kept = s.history().returned().get(0);
    assertEquals("X-k1", kept.barcode());
    assertEquals(RETURNED.plus(Duration.ofDays(50)), kept.keptUntil());
    assertEquals(Optional.of(kept.keptUntil()), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertTrue(s.outcomes().containsKey("k1"), "the checkout's answer is kept for retries");

    PatronState thirty = returned(lent(registered(), "k2", policy(null, null)), "k2");
    assertEquals(
        RETURNED.plus(Duration.ofDays(30)),
        thirty.history().returned().get(0).keptUntil(),
        "30 days unless the agency says otherwise");
  }

  @Test
  void R40_nothingIsForgottenBeforeTheWindowEndsAndEverythingOfTheLoanAtItsEnd() {
    PatronState s = returned(lent(registered(), "k1", policy(null, null)), "k1");
    Instant end = RETURNED.plus(Duration.ofDays(30));
    assertEquals(Optional.empty(), RetentionRules.due(s, end.minusSeconds(1)));

    PatronEvent.HistoryForgotten forgotten = RetentionRules.due(s, end).orElseThrow();
    assertEquals(List.of("k1"), forgotten.checkoutIds());
    assertEquals(
        List.of("X-k1"),
        RetentionRules.ending(s, end).stream().map(r -> r.barcode()).toList(),
        "the copies told to forget");
    PatronState after = PatronRules.fold(s, List.of(forgotten));
    assertTrue(after.history().returned().isEmpty());
    assertFalse(after.outcomes().containsKey("k1"), "no answer names the copy any longer");
    assertTrue(after.history().erasePending(), "the journal still holds the loan's events");
    // Nothing of the loans is left to wake the patron for: only the idle account's notice (R38).
    assertEquals(InactivityRules.next(after), ReminderRules.nextDeadline(after, COPENHAGEN));

    PatronState erased = PatronRules.fold(after, List.of(new PatronEvent.JournalErased(7)));
    assertFalse(erased.history().erasePending());
  }

  @Test
  void R40_aForgettingTakesTheNoticesSentMoreThanThirtyDaysBeforeAndKeepsTheRest() {
    PatronState s = returned(lent(registered(), "k1", policy(null, null)), "k1");
    Instant end = RETURNED.plus(Duration.ofDays(30));
    Notice old = notice("n-old", end.minus(Duration.ofDays(31)));
    Notice recent = notice("n-recent", end.minus(Duration.ofDays(29)));
    Notice unsent = new Notice("n-unsent", "email", "a@b.dk", "x", Map.of(), end, null);
    s =
        PatronRules.fold(
            s,
            List.of(
                new PatronEvent.NoticeRecorded(old),
                new PatronEvent.NoticeRecorded(recent),
                new PatronEvent.NoticeRecorded(unsent)));
    PatronState after = PatronRules.fold(s, List.of(RetentionRules.due(s, end).orElseThrow()));
    assertEquals(
        List.of("n-recent", "n-unsent"), after.notices().stream().map(Notice::noticeId).toList());
  }

  @Test
  void R40_anErasureLeftUndoneIsDueAgainThoughNothingMoreIsForgotten() {
    PatronState s = returned(lent(registered(), "k1", policy(null, null)), "k1");
    Instant end = RETURNED.plus(Duration.ofDays(30));
    PatronState interrupted =
        PatronRules.fold(s, List.of(RetentionRules.due(s, end).orElseThrow()));
    PatronEvent.HistoryForgotten again = RetentionRules.due(interrupted, end).orElseThrow();
    assertTrue(again.checkoutIds().isEmpty(), "only the snapshot and the erasure are taken again");
  }

  private static Notice notice(String id, Instant sentAt) {
    return new Notice(
        id, "email", "a@b.dk", "loan-overdue", Map.of("barcode", "X-k1"), sentAt, sentAt);
  }
}
