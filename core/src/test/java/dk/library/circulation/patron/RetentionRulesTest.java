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
    assertEquals(Optional.empty(), RetentionRules.due(s, end.minusSeconds(1), COPENHAGEN));

    PatronEvent.HistoryForgotten forgotten = RetentionRules.due(s, end, COPENHAGEN).orElseThrow();
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
    PatronState after =
        PatronRules.fold(s, List.of(RetentionRules.due(s, end, COPENHAGEN).orElseThrow()));
    assertEquals(
        List.of("n-recent", "n-unsent"), after.notices().stream().map(Notice::noticeId).toList());
  }

  @Test
  void R40_aSentNoticeIsKeptThirtyDaysOnADeadlineOfItsOwn() {
    Instant sent = NOW.plus(Duration.ofDays(3));
    PatronState s =
        PatronRules.fold(
            registered(),
            List.of(
                new PatronEvent.NoticeRecorded(
                    new Notice("n1", "email", "a@b.dk", "hold-ready", Map.of(), sent, null)),
                new PatronEvent.NoticeSent("n1", sent)));
    Instant end = sent.plus(Duration.ofDays(30));
    assertEquals(Optional.of(end), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertEquals(Optional.empty(), RetentionRules.due(s, end.minusSeconds(1), COPENHAGEN));
    PatronState after =
        PatronRules.fold(s, List.of(RetentionRules.due(s, end, COPENHAGEN).orElseThrow()));
    assertTrue(after.notices().isEmpty());
    assertEquals(InactivityRules.next(after), ReminderRules.nextDeadline(after, COPENHAGEN));
  }

  @Test
  void R40_anEndedHoldIsForgottenByItsTitleWhenTheReturnedLoansWindowEnds() {
    Instant ended = NOW.plus(Duration.ofDays(2));
    PatronState s =
        PatronRules.fold(
            registered(),
            List.of(
                new PatronEvent.HoldReserved("h1", "Title/A1~T1"),
                new PatronEvent.HoldReleased("h1", ended)));
    Instant end = ended.plus(Duration.ofDays(30));
    assertEquals(
        List.of(new PatronHistory.EndedHold("h1", "Title/A1~T1", end)), s.history().endedHolds());
    assertEquals(Optional.of(end), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertTrue(RetentionRules.endingHolds(s, end.minusSeconds(1)).isEmpty());
    assertEquals(s.history().endedHolds(), RetentionRules.endingHolds(s, end));
    PatronState after =
        PatronRules.fold(s, List.of(RetentionRules.due(s, end, COPENHAGEN).orElseThrow()));
    assertTrue(after.history().endedHolds().isEmpty());
    assertTrue(after.history().heldTitles().isEmpty(), "the title remembers nothing of the patron");

    PatronState before =
        PatronRules.fold(
            registered(),
            List.of(
                new PatronEvent.HoldReserved("h1", "Title/A1~T1"),
                new PatronEvent.HoldReleased("h1")));
    assertTrue(before.history().endedHolds().isEmpty(), "a release recorded before R40's window");
  }

  @Test
  void R40_aPaymentSessionGoesWithItsPaymentOrThirtyDaysAfterItWasOpenedIfNeverPaid() {
    PatronHistory.NamedIn paid =
        new PatronHistory.NamedIn(PatronHistory.NamedIn.Kind.PAYMENT_SESSION, "s1", NOW);
    PatronHistory.NamedIn abandoned =
        new PatronHistory.NamedIn(PatronHistory.NamedIn.Kind.PAYMENT_SESSION, "s2", NOW);
    PatronState s =
        PatronRules.fold(
            registered(),
            List.of(
                new PatronEvent.RecordedElsewhere(paid),
                new PatronEvent.RecordedElsewhere(abandoned),
                charged("manual-1", Fees.Kind.MANUAL, 50, NOW),
                paid("online-s1", 50, NOW.plus(Duration.ofHours(1)))));
    Instant unpaidEnd = NOW.plus(Duration.ofDays(30));
    assertTrue(RetentionRules.endingElsewhere(s, unpaidEnd.minusSeconds(1), COPENHAGEN).isEmpty());
    assertEquals(List.of(abandoned), RetentionRules.endingElsewhere(s, unpaidEnd, COPENHAGEN));
    s = PatronRules.fold(s, List.of(RetentionRules.due(s, unpaidEnd, COPENHAGEN).orElseThrow()));
    assertEquals(List.of(paid), s.history().namedIn(), "the paid one stays with its payment");

    Instant paymentsEnd = Instant.parse("2029-12-31T23:00:00Z");
    s = PatronRules.fold(s, List.of(new PatronEvent.JournalErased(9)));
    assertTrue(
        RetentionRules.endingElsewhere(s, paymentsEnd.minusSeconds(1), COPENHAGEN).isEmpty());
    assertEquals(List.of(paid), RetentionRules.endingElsewhere(s, paymentsEnd, COPENHAGEN));
    s = PatronRules.fold(s, List.of(RetentionRules.due(s, paymentsEnd, COPENHAGEN).orElseThrow()));
    assertTrue(s.history().namedIn().isEmpty());
    assertTrue(s.ledger().payments().isEmpty());
  }

  @Test
  void R40_anErasureLeftUndoneIsDueAgainThoughNothingMoreIsForgotten() {
    PatronState s = returned(lent(registered(), "k1", policy(null, null)), "k1");
    Instant end = RETURNED.plus(Duration.ofDays(30));
    PatronState interrupted =
        PatronRules.fold(s, List.of(RetentionRules.due(s, end, COPENHAGEN).orElseThrow()));
    PatronEvent.HistoryForgotten again =
        RetentionRules.due(interrupted, end, COPENHAGEN).orElseThrow();
    assertTrue(again.checkoutIds().isEmpty(), "only the snapshot and the erasure are taken again");
  }

  @Test
  void R40_paidFeesAreKeptThirtyDaysCompensationOneYearPaymentsThreeYearsAfterTheFinancialYear() {
    PatronState s =
        PatronRules.fold(
            registered(),
            List.of(
                charged("overdue-1", Fees.Kind.OVERDUE, 20, NOW),
                charged("lost-1", Fees.Kind.LOST_OR_DAMAGED, 300, NOW.plus(Duration.ofDays(1))),
                paid("p1", 100, NOW.plus(Duration.ofDays(2)))));
    assertTrue(
        RetentionRules.ledgerWindows(s, COPENHAGEN).toList().isEmpty(),
        "nothing is settled while money is owed");

    Instant settled = NOW.plus(Duration.ofDays(5));
    s = PatronRules.fold(s, List.of(paid("p2", 220, settled)));
    Instant feeEnd = settled.plus(Duration.ofDays(30));
    assertEquals(Optional.of(feeEnd), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertEquals(Optional.empty(), RetentionRules.due(s, feeEnd.minusSeconds(1), COPENHAGEN));

    PatronEvent.HistoryForgotten fees = RetentionRules.due(s, feeEnd, COPENHAGEN).orElseThrow();
    assertFalse(fees.toString().contains("overdue-1"), "the event names no fee: it stays");
    s = PatronRules.fold(s, List.of(fees));
    assertEquals(List.of("lost-1"), s.ledger().fees().stream().map(Fees.Fee::feeId).toList());
    assertEquals(
        List.of("p1", "p2"),
        s.ledger().payments().stream().map(Fees.Payment::paymentId).toList(),
        "payments are accounting records, kept longer");
    assertEquals(0, s.ledger().balanceDkk(), "the balance is what it was");

    Instant compensationEnd = settled.plus(Duration.ofDays(365));
    assertEquals(Optional.of(compensationEnd), RetentionRules.next(s, COPENHAGEN));
    s = PatronRules.fold(s, List.of(RetentionRules.due(s, compensationEnd, COPENHAGEN).get()));
    assertTrue(s.ledger().fees().isEmpty());

    // Settled in 2026: the financial year ends with 2026, the records go three years later.
    Instant paymentsEnd = Instant.parse("2029-12-31T23:00:00Z");
    assertEquals(Optional.of(paymentsEnd), RetentionRules.next(s, COPENHAGEN));
    PatronState before = PatronRules.fold(s, List.of(new PatronEvent.JournalErased(9)));
    assertEquals(
        Optional.empty(), RetentionRules.due(before, paymentsEnd.minusSeconds(1), COPENHAGEN));
    s =
        PatronRules.fold(
            before, List.of(RetentionRules.due(before, paymentsEnd, COPENHAGEN).orElseThrow()));
    assertTrue(s.ledger().payments().isEmpty());
    assertEquals(0, s.ledger().balanceDkk());

    s = PatronRules.fold(s, List.of(charged("manual-1", Fees.Kind.MANUAL, 50, paymentsEnd)));
    assertEquals(50, s.ledger().balanceDkk(), "a new charge is owed in full");
  }

  @Test
  void R40_aFeePaidOffInPartsIsKeptFromWhenNothingWasOwedAnyMore() {
    PatronState s =
        PatronRules.fold(
            registered(),
            List.of(
                charged("overdue-1", Fees.Kind.OVERDUE, 20, NOW),
                paid("p1", 20, NOW.plus(Duration.ofDays(1))),
                charged("overdue-2", Fees.Kind.OVERDUE, 40, NOW.plus(Duration.ofDays(2))),
                paid("p2", 10, NOW.plus(Duration.ofDays(3)))));
    assertEquals(
        List.of("overdue-1"),
        RetentionRules.ledgerWindows(s, COPENHAGEN).map(w -> w.id()).toList().subList(0, 1),
        "the first balance was settled the day it was paid");
    assertEquals(
        NOW.plus(Duration.ofDays(31)),
        RetentionRules.next(s, COPENHAGEN).orElseThrow(),
        "the second fee, still owed, has no window yet");
    s =
        PatronRules.fold(
            s, List.of(RetentionRules.due(s, NOW.plus(Duration.ofDays(31)), COPENHAGEN).get()));
    assertEquals(30, s.ledger().balanceDkk());
    assertEquals(List.of("overdue-2"), s.ledger().fees().stream().map(Fees.Fee::feeId).toList());
  }

  @Test
  void R40_aClaimHandedToDebtCollectionIsKeptThreeYearsAfterTheYearItWasSettledIn() {
    Instant handedOver = Instant.parse("2026-03-01T10:00:00Z");
    Instant settled = Instant.parse("2027-02-01T10:00:00Z");
    PatronState s =
        PatronRules.fold(
            registered(),
            List.of(
                charged("lost-1", Fees.Kind.LOST_OR_DAMAGED, 500, handedOver),
                new PatronEvent.ClaimHandedOver(
                    new Fees.Claim("claim-1", "710100", 500, 0, handedOver)),
                paid("p1", 500, settled)));
    Fees.Claim claim = s.ledger().claims().get(0);
    assertEquals(settled, claim.settledAt());
    Instant end = Instant.parse("2030-12-31T23:00:00Z");
    assertEquals(List.of(), RetentionRules.endingClaims(s, end.minusSeconds(1), COPENHAGEN));
    assertEquals(List.of(claim), RetentionRules.endingClaims(s, end, COPENHAGEN));
    PatronState before = PatronRules.fold(s, List.of(new PatronEvent.JournalErased(9)));
    PatronState dayBefore =
        PatronRules.fold(
            before, List.of(RetentionRules.due(before, end.minusSeconds(1), COPENHAGEN).get()));
    assertEquals(List.of(claim), dayBefore.ledger().claims(), "the compensation went, not this");
    assertTrue(dayBefore.ledger().fees().isEmpty());
    PatronState after =
        PatronRules.fold(before, List.of(RetentionRules.due(before, end, COPENHAGEN).get()));
    assertTrue(after.ledger().claims().isEmpty());
    assertTrue(after.ledger().payments().isEmpty());
  }

  private static PatronEvent charged(String id, Fees.Kind kind, int amount, Instant at) {
    return new PatronEvent.FeeCharged(new Fees.Fee(id, kind, amount, null, "test", at), 1_000);
  }

  private static PatronEvent paid(String id, int amount, Instant at) {
    return new PatronEvent.PaymentReceived(new Fees.Payment(id, amount, at));
  }

  private static Notice notice(String id, Instant sentAt) {
    return new Notice(
        id, "email", "a@b.dk", "loan-overdue", Map.of("barcode", "X-k1"), sentAt, sentAt);
  }
}
