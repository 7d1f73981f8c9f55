package dk.library.circulation.patron;

import static dk.library.circulation.patron.PatronRulesTest.CARD;
import static dk.library.circulation.patron.PatronRulesTest.COPENHAGEN;
import static dk.library.circulation.patron.PatronRulesTest.NOW;
import static dk.library.circulation.patron.PatronRulesTest.registered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection.Code;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.AgencyPolicy.MaterialRule;
import dk.library.circulation.policy.AgencyPolicy.OverdueNotice;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What follows a due date: R30, R31, R33, R34, R37, with R5/R43's channel. */
class ReminderRulesTest {

  static final AgencyPolicy.Reminders REMINDERS =
      new AgencyPolicy.Reminders(
          3,
          List.of(new OverdueNotice(1, 20), new OverdueNotice(14, 40), new OverdueNotice(28, 60)),
          35,
          true);

  static AgencyPolicy policy(AgencyPolicy.Reminders reminders, AgencyPolicy.Exclusion exclusion) {
    return new AgencyPolicy(
        28,
        2,
        null,
        10,
        10,
        Map.of(),
        Map.of("book", new MaterialRule(null, false, true, true, true, 300, 0, 50)),
        Map.of(),
        200,
        AgencyPolicy.Eligibility.open(),
        null,
        false,
        null,
        reminders,
        exclusion);
  }

  static final AgencyPolicy POLICY = policy(REMINDERS, new AgencyPolicy.Exclusion(2, 2));

  static final Instant NOW_AT_CHECKOUT = NOW;

  /** 28 days from {@link PatronRulesTest#NOW}. */
  static final LocalDate DUE = LocalDate.of(2026, 12, 20);

  static PatronState withEmail() {
    PatronState.Profile p = registered().profile();
    return registered().withProfile(p.withContact("karen@example.dk", null, null));
  }

  static PatronState lent(PatronState s, String id, AgencyPolicy policy) {
    Decision<PatronEvent> begun =
        PatronRules.beginCheckout(
            s,
            CARD,
            new PatronCommand.BeginCheckout(
                id, "1234", "X-" + id, "A1", "B1", policy, "book", null, null),
            PinCheck.SLOW,
            5,
            NOW,
            COPENHAGEN);
    PatronState next = apply(s, begun);
    return apply(next, PatronRules.complete(next, id));
  }

  static Instant on(LocalDate day) {
    return day.atTime(2, 0).atZone(COPENHAGEN).toInstant();
  }

  static Instant startOf(LocalDate day) {
    return day.atStartOfDay(COPENHAGEN).toInstant();
  }

  static List<PatronEvent> remind(PatronState s, LocalDate day) {
    return PatronRules.remind(s, on(day), COPENHAGEN);
  }

  /** The state after a decision, folded by the entity's own event handler. */
  static PatronState apply(PatronState s, Decision<PatronEvent> decision) {
    return decision instanceof Decision.Persist<PatronEvent> persist
        ? PatronRules.fold(s, persist.events())
        : s;
  }

  static PatronState after(PatronState s, List<PatronEvent> events) {
    return PatronRules.fold(s, events);
  }

  static <T> List<T> of(List<PatronEvent> events, Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static List<String> templates(List<PatronEvent> events) {
    return of(events, PatronEvent.NoticeRecorded.class).stream()
        .map(n -> n.notice().templateKey())
        .toList();
  }

  @Test
  void R30_R5_R43_aDueSoonReminderAndThreeOverdueNoticesEachAddingItsFeeByThePatronsChannel() {
    PatronState s = lent(withEmail(), "t1", POLICY);
    assertEquals(Optional.of(startOf(DUE.minusDays(3))), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertTrue(remind(s, DUE.minusDays(4)).isEmpty(), "nothing before the due-soon day");

    List<PatronEvent> dueSoon = remind(s, DUE.minusDays(3));
    assertEquals(List.of("loan-due-soon"), templates(dueSoon));
    PatronEvent.NoticeRecorded notice = of(dueSoon, PatronEvent.NoticeRecorded.class).get(0);
    assertEquals("email", notice.notice().channel());
    assertEquals("karen@example.dk", notice.notice().address());
    s = after(s, dueSoon);
    assertEquals(Optional.of(startOf(DUE.plusDays(1))), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertTrue(remind(s, DUE).isEmpty(), "nothing on the due date itself");

    int[] days = {1, 14, 28};
    int[] fees = {20, 40, 60};
    for (int i = 0; i < 3; i++) {
      List<PatronEvent> events = remind(s, DUE.plusDays(days[i]));
      assertEquals(List.of("loan-overdue"), templates(events));
      List<PatronEvent.FeeCharged> charged = of(events, PatronEvent.FeeCharged.class);
      assertEquals(1, charged.size());
      assertEquals(fees[i], charged.get(0).fee().amountDkk());
      assertEquals(Fees.Kind.OVERDUE, charged.get(0).fee().kind());
      s = after(s, events);
      assertTrue(remind(s, DUE.plusDays(days[i])).isEmpty(), "a step is taken once");
    }
    assertEquals(120, s.ledger().balanceDkk());
    assertEquals(Optional.of(startOf(DUE.plusDays(35))), ReminderRules.nextDeadline(s, COPENHAGEN));
  }

  @Test
  void R31_afterTheLastNoticeTheCopyIsDeclaredLostAndChargedReplacementAndAdministration() {
    PatronState s = lent(withEmail(), "t1", POLICY);
    s = after(s, remind(s, DUE.plusDays(28)));
    List<PatronEvent> lost = remind(s, DUE.plusDays(35));
    assertEquals(1, of(lost, PatronEvent.LoanDeclaredLost.class).size());
    assertEquals(List.of("loan-lost"), templates(lost));
    PatronEvent.FeeCharged charge = of(lost, PatronEvent.FeeCharged.class).get(0);
    assertEquals(350, charge.fee().amountDkk(), "value 300 + administration 50");
    assertEquals("lost-t1", charge.fee().feeId(), "the id a staff charge would use: never twice");
    s = after(s, lost);
    assertNotNull(s.loans().get("X-t1").lostAt(), "the library keeps the copy on the record");
    // Nothing of the loans is left to wake the patron for: only the idle account's notice (R38).
    assertEquals(InactivityRules.next(s), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertEquals(
        Code.LOAN_DECLARED_LOST,
        PatronRules.renewalRefusal(
                s.loans().get("X-t1"), POLICY, false, COPENHAGEN, DUE.plusDays(36))
            .code());
  }

  @Test
  void R37_aLostCopyThatTurnsUpIsReturnedAndItsChargeReversedOrKeptByPolicy() {
    for (boolean reverse : new boolean[] {true, false}) {
      AgencyPolicy policy =
          policy(
              new AgencyPolicy.Reminders(null, List.of(new OverdueNotice(1, 0)), 10, reverse),
              null);
      PatronState s = lent(withEmail(), "t1", policy);
      s = after(s, remind(s, DUE.plusDays(10)));
      assertEquals(350, s.ledger().balanceDkk());
      Decision<PatronEvent> returned =
          PatronRules.endLoan(
              s, new PatronCommand.EndLoan("X-t1", "t1", on(DUE.plusDays(40)), null), COPENHAGEN);
      s = apply(s, returned);
      assertNull(s.loans().get("X-t1"), "the copy is registered back: the loan ends");
      assertEquals(reverse ? 0 : 350, s.ledger().balanceDkk(), "reverse=" + reverse);
      assertEquals(reverse, s.status(DUE.plusDays(40)).blocks().isEmpty(), "reverse=" + reverse);
    }
  }

  @Test
  void R30_aRenewalStartsTheScheduleAgainAndAReturnEndsIt() {
    PatronState s = lent(withEmail(), "t1", POLICY);
    s = after(s, remind(s, DUE.minusDays(3)));
    PatronRules.RenewalDecision renewed =
        PatronRules.renew(
            s,
            CARD,
            new PatronCommand.Renew(
                "1234", List.of("X-t1"), Map.of("A1", POLICY), Set.of(), 200, null),
            PinCheck.SLOW,
            5,
            on(DUE.minusDays(2)),
            COPENHAGEN);
    s = after(s, renewed.events());
    LocalDate newDue = s.loans().get("X-t1").dueDate();
    assertEquals(DUE.minusDays(2).plusDays(28), newDue);
    assertEquals(0, s.loans().get("X-t1").remindersTaken());
    assertTrue(remind(s, DUE.plusDays(1)).isEmpty(), "the old due date's notice is cancelled");
    assertEquals(
        Optional.of(startOf(newDue.minusDays(3))), ReminderRules.nextDeadline(s, COPENHAGEN));
    s =
        apply(
            s,
            PatronRules.endLoan(
                s, new PatronCommand.EndLoan("X-t1", "t1", on(newDue), null), COPENHAGEN));
    assertTrue(remind(s, newDue.plusDays(1)).isEmpty(), "a returned loan gets no notice");
    assertEquals(
        Optional.of(on(newDue).plus(Duration.ofDays(30))),
        ReminderRules.nextDeadline(s, COPENHAGEN),
        "only the end of its retention window (R40)");
  }

  @Test
  void R30_stepsThatPiledUpSendOnlyTheLatestNoticeAndItsFee() {
    PatronState s = lent(withEmail(), "t1", POLICY);
    List<PatronEvent> late = remind(s, DUE.plusDays(20));
    assertEquals(List.of("loan-overdue"), templates(late));
    assertEquals(
        "2", of(late, PatronEvent.NoticeRecorded.class).get(0).notice().data().get("notice"));
    assertEquals(40, of(late, PatronEvent.FeeCharged.class).get(0).fee().amountDkk());
    assertEquals(3, after(s, late).loans().get("X-t1").remindersTaken());
  }

  @Test
  void R30_aLoanLentBeforeRemindersExistedGetsNone() {
    PatronState s = lent(withEmail(), "t1", policy(null, null));
    // Nothing of the loans is left to wake the patron for: only the idle account's notice (R38).
    assertEquals(InactivityRules.next(s), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertTrue(remind(s, DUE.plusDays(100)).isEmpty());
  }

  @Test
  void R30_aNewLoanNeedsItsOwnDeadlineOnlyWhenItFallsBeforeThePatronsNext() {
    PatronState s = lent(withEmail(), "t1", POLICY);
    Loan same = s.loans().get("X-t1");
    PatronState without = PatronState.empty().withProfile(s.profile());
    assertEquals(
        Optional.of(startOf(DUE.minusDays(3))),
        ReminderRules.deadlineForNewLoan(without, same, COPENHAGEN));
    assertEquals(
        Optional.empty(),
        ReminderRules.deadlineForNewLoan(s, same, COPENHAGEN),
        "the first loan's deadline covers a second loan due the same day");
  }

  @Test
  void R33_R34_twoLostCopiesAnnounceExclusionSevenDaysAheadAndItTakesEffectIfTheCauseRemains() {
    PatronState s = lent(lent(withEmail(), "t1", POLICY), "t2", POLICY);
    s = after(s, remind(s, DUE.plusDays(28)));
    List<PatronEvent> lost = remind(s, DUE.plusDays(35));
    assertEquals(2, of(lost, PatronEvent.LoanDeclaredLost.class).size());
    List<PatronEvent.ExclusionAnnounced> announced = of(lost, PatronEvent.ExclusionAnnounced.class);
    assertEquals(1, announced.size());
    LocalDate effective = DUE.plusDays(42);
    assertEquals(effective, announced.get(0).exclusion().effectiveOn());
    assertTrue(templates(lost).contains("exclusion-announced"), "announced in writing (R33)");
    s = after(s, lost);
    assertEquals(Optional.of(startOf(effective)), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertNotEquals(
        Code.PATRON_EXCLUDED,
        PatronRules.block(s, effective.minusDays(1), 200).code(),
        "not before its date: the fees block alone");

    List<PatronEvent> onItsDate = remind(s, effective);
    assertEquals(1, of(onItsDate, PatronEvent.ExclusionTookEffect.class).size());
    assertTrue(templates(onItsDate).contains("exclusion-in-force"));
    s = after(s, onItsDate);
    assertEquals(Code.PATRON_EXCLUDED, PatronRules.block(s, effective, 200).code());
    assertTrue(
        s.status(effective).blocks().stream().anyMatch(b -> b.code().equals("PATRON_EXCLUDED")));

    s = apply(s, PatronRules.liftExclusion(s, CARD, "staff-1", on(effective)));
    assertNull(s.exclusion(), "staff lifted it");
    assertEquals(Code.FEES_OWED, PatronRules.block(s, effective, 200).code());
  }

  @Test
  void R33_anExclusionWhoseCauseIsGoneByItsDateLapses() {
    PatronState s = lent(lent(withEmail(), "t1", POLICY), "t2", POLICY);
    s = after(s, remind(s, DUE.plusDays(35)));
    assertNotNull(s.exclusion());
    s =
        apply(
            s,
            PatronRules.pay(
                s,
                CARD,
                new PatronCommand.Pay("p1", s.ledger().balanceDkk(), null),
                on(DUE.plusDays(36))));
    List<PatronEvent> onItsDate = remind(s, DUE.plusDays(42));
    assertEquals(1, of(onItsDate, PatronEvent.ExclusionWithdrawn.class).size());
    s = after(s, onItsDate);
    assertNull(s.exclusion());
    assertNull(PatronRules.block(s, DUE.plusDays(42), 200));
  }

  @Test
  void R34_repeatedDamageAnnouncesExclusionByThePolicysThreshold() {
    PatronState s = withEmail();
    for (int i = 1; i <= 2; i++) {
      Decision<PatronEvent> charged =
          PatronRules.chargeFee(
              s,
              CARD,
              new PatronCommand.ChargeFee(
                  "damaged-c" + i,
                  Fees.Kind.LOST_OR_DAMAGED,
                  100,
                  "damaged",
                  "X" + i,
                  10_000,
                  new AgencyPolicy.Exclusion(0, 2),
                  null),
              NOW,
              COPENHAGEN);
      List<PatronEvent> events = assertInstanceOf(Decision.Persist.class, charged).events();
      assertEquals(
          i == 2, events.stream().anyMatch(e -> e instanceof PatronEvent.ExclusionAnnounced));
      s = apply(s, charged);
    }
  }

  static final AgencyPolicy WITH_COLLECTION =
      policy(
          new AgencyPolicy.Reminders(
              3,
              List.of(
                  new OverdueNotice(1, 20), new OverdueNotice(14, 40), new OverdueNotice(28, 60)),
              35,
              true,
              50,
              100),
          null);

  @Test
  void R35_whatIsStillOwedAfterTheScheduleIsHandedOverOnceAndBlocksUntilPaid() {
    PatronState s = lent(withEmail(), "t1", WITH_COLLECTION);
    for (int day : new int[] {1, 14, 28, 35}) {
      s = after(s, remind(s, DUE.plusDays(day)));
    }
    assertEquals(20 + 40 + 60 + 350, s.ledger().balanceDkk());
    assertEquals(Optional.of(startOf(DUE.plusDays(50))), ReminderRules.nextDeadline(s, COPENHAGEN));

    List<PatronEvent> handed = remind(s, DUE.plusDays(50));
    List<PatronEvent.ClaimHandedOver> claims = of(handed, PatronEvent.ClaimHandedOver.class);
    assertEquals(1, claims.size());
    assertEquals(470, claims.get(0).claim().amountDkk());
    assertEquals(startOf(DUE.plusDays(50)), claims.get(0).claim().handedOverAt());
    assertEquals(List.of("claim-handed-over"), templates(handed));
    s = after(s, handed);
    assertTrue(remind(s, DUE.plusDays(60)).isEmpty(), "handed over once");
    // Nothing of the loans is left to wake the patron for: only the idle account's notice (R38).
    assertEquals(InactivityRules.next(s), ReminderRules.nextDeadline(s, COPENHAGEN));
    assertEquals(Code.WITH_DEBT_COLLECTION, PatronRules.block(s, DUE.plusDays(60), 100_000).code());

    PatronCommand.Pay part = new PatronCommand.Pay("p1", 300, null);
    Decision<PatronEvent> paidPart = PatronRules.pay(s, CARD, part, on(DUE.plusDays(61)));
    List<dk.library.circulation.fee.DebtCollection.Entry> entries =
        DebtEntries.of(s, ((Decision.Persist<PatronEvent>) paidPart).events());
    assertEquals(1, entries.size());
    assertEquals(300, entries.get(0).amountDkk());
    assertEquals("p1:" + claims.get(0).claim().claimId(), entries.get(0).entryId());
    s = apply(s, paidPart);
    assertEquals(170, s.ledger().openClaimsDkk());
    assertEquals(Code.WITH_DEBT_COLLECTION, PatronRules.block(s, DUE.plusDays(61), 100_000).code());
    s =
        apply(
            s,
            PatronRules.pay(s, CARD, new PatronCommand.Pay("p2", 170, null), on(DUE.plusDays(62))));
    assertEquals(0, s.ledger().openClaimsDkk());
    assertEquals(0, s.ledger().balanceDkk());
    assertNull(PatronRules.block(s, DUE.plusDays(62), 200), "settled: no block");
  }

  @Test
  void R35_lessThanThePolicysMinimumIsNotHandedOver() {
    PatronState s = lent(withEmail(), "t1", WITH_COLLECTION);
    s = after(s, remind(s, DUE.plusDays(1)));
    s =
        apply(
            s,
            PatronRules.pay(s, CARD, new PatronCommand.Pay("p1", 20, null), on(DUE.plusDays(2))));
    s =
        apply(
            s,
            PatronRules.endLoan(
                s, new PatronCommand.EndLoan("X-t1", "t1", on(DUE.plusDays(3)), null), COPENHAGEN));
    assertEquals(0, s.ledger().balanceDkk());
    assertEquals(
        Optional.of(on(DUE.plusDays(2)).plus(Duration.ofDays(30))),
        ReminderRules.nextDeadline(s, COPENHAGEN),
        "returned and paid: only the end of the paid fee's retention window (R40)");

    PatronState owing = lent(withEmail(), "t2", WITH_COLLECTION);
    owing = after(owing, remind(owing, DUE.plusDays(1)));
    owing =
        owing.withLoan(
            "X-t2", "t2", loan -> loan.reminded(ReminderRules.schedule(loan).size() - 1));
    assertTrue(
        of(remind(owing, DUE.plusDays(50)), PatronEvent.ClaimHandedOver.class).isEmpty(),
        "20 DKK is under the 100 DKK minimum");
  }

  @Test
  void R35_staffWriteOffSettlesTheClaimsOnceAndIsInTheLedger() {
    PatronState s = lent(withEmail(), "t1", WITH_COLLECTION);
    s = after(s, remind(s, DUE.plusDays(50)));
    int open = s.ledger().openClaimsDkk();
    assertTrue(open > 0);
    Decision<PatronEvent> writeOff =
        PatronRules.writeOffClaims(s, CARD, "w1", "staff-1", on(DUE.plusDays(51)));
    List<dk.library.circulation.fee.DebtCollection.Entry> entries =
        DebtEntries.of(s, ((Decision.Persist<PatronEvent>) writeOff).events());
    assertEquals(1, entries.size());
    assertEquals(dk.library.circulation.fee.DebtCollection.Kind.WRITTEN_OFF, entries.get(0).kind());
    assertEquals(open, entries.get(0).amountDkk());
    s = apply(s, writeOff);
    assertEquals(0, s.ledger().openClaimsDkk());
    assertEquals(0, s.ledger().balanceDkk());
    assertInstanceOf(
        Decision.Unchanged.class,
        PatronRules.writeOffClaims(s, CARD, "w1", "staff-1", on(DUE.plusDays(52))));
  }

  @Test
  void R30_aReturnThatOvertakesTheCheckoutsLastStepRecordsTheLoanAndEndsIt() {
    Decision<PatronEvent> begun =
        PatronRules.beginCheckout(
            withEmail(),
            CARD,
            new PatronCommand.BeginCheckout(
                "t1", "1234", "X-t1", "A1", "B1", POLICY, "book", null, null),
            PinCheck.SLOW,
            5,
            NOW,
            COPENHAGEN);
    PatronState pending = apply(withEmail(), begun);
    assertTrue(pending.loans().isEmpty());
    PatronState returned =
        apply(
            pending,
            PatronRules.endLoan(
                pending, new PatronCommand.EndLoan("X-t1", "t1", on(DUE), null), COPENHAGEN));
    assertTrue(returned.pending().isEmpty(), "the checkout is settled");
    assertTrue(returned.loans().isEmpty(), "and its loan ended: no loan is left behind");
    assertEquals(
        Optional.of(on(DUE).plus(Duration.ofDays(30))),
        ReminderRules.nextDeadline(returned, COPENHAGEN),
        "only the end of its retention window (R40)");
  }
}
