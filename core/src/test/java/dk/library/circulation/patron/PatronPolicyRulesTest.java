package dk.library.circulation.patron;

import static dk.library.circulation.patron.PatronRulesTest.CARD;
import static dk.library.circulation.patron.PatronRulesTest.COPENHAGEN;
import static dk.library.circulation.patron.PatronRulesTest.NOW;
import static dk.library.circulation.patron.PatronRulesTest.apply;
import static dk.library.circulation.patron.PatronRulesTest.refusal;
import static dk.library.circulation.patron.PatronRulesTest.registered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection.Code;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.AgencyPolicy.CategoryLimits;
import dk.library.circulation.policy.AgencyPolicy.MaterialRule;
import dk.library.circulation.policy.AgencyPolicy.OverdueRate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The patron's rules that read the agency's policy: R16, R18-R21, R30, R32, R46. */
class PatronPolicyRulesTest {

  static final AgencyPolicy POLICY =
      new AgencyPolicy(
          28,
          2,
          null,
          3,
          10,
          Map.of("child", new CategoryLimits(1, 2)),
          Map.of(
              "book",
              MaterialRule.standard(),
              "dvd",
              new MaterialRule(7, true, true, true, true, 0, 0, 0)),
          Map.of("book", new OverdueRate(5, 100)),
          200,
          dk.library.circulation.policy.AgencyPolicy.Eligibility.open());

  static Decision<PatronEvent> begin(PatronState s, String id, String type, Instant now) {
    return PatronRules.beginCheckout(
        s,
        CARD,
        new PatronCommand.BeginCheckout(
            id, "1234", "X-" + id, "A1", "B1", POLICY, type, null, null),
        PinCheck.SLOW,
        5,
        now,
        COPENHAGEN);
  }

  static PatronState lent(PatronState s, String id, String type, Instant now) {
    PatronState begun = apply(s, begin(s, id, type, now));
    return apply(begun, PatronRules.complete(begun, id));
  }

  static PatronRules.RenewalDecision renew(
      PatronState s, AgencyPolicy policy, Set<String> reserved, Instant now) {
    return PatronRules.renew(
        s,
        CARD,
        new PatronCommand.Renew("1234", List.of(), Map.of("A1", policy), reserved, 200, null),
        PinCheck.SLOW,
        5,
        now,
        COPENHAGEN);
  }

  static PatronState child() {
    PatronState.Profile p = registered().profile();
    return registered()
        .withProfile(
            new PatronState.Profile(
                p.cardNumber(),
                p.pin(),
                p.name(),
                null,
                null,
                "A1",
                "child",
                p.facts(),
                p.registeredAt(),
                true,
                null,
                null,
                null));
  }

  @Test
  void R16_theMaterialTypesLoanPeriodGivesTheDueDate() {
    PatronState s = lent(registered(), "t1", "dvd", NOW);
    assertEquals(LocalDate.of(2026, 11, 29), s.loans().get("X-t1").dueDate());
  }

  @Test
  void R21_aChildsCategoryLimitAppliesInsteadOfTheAgencyDefault() {
    PatronState s = lent(child(), "t1", "book", NOW);
    assertEquals(Code.LOAN_LIMIT_REACHED, refusal(begin(s, "t2", "book", NOW)));
    PatronState adult = lent(lent(registered(), "t1", "book", NOW), "t2", "book", NOW);
    assertInstanceOf(Decision.Persist.class, begin(adult, "t3", "book", NOW));
  }

  @Test
  void R20_anExpressLoanIsNeverRenewed() {
    PatronState s = lent(registered(), "t1", "dvd", NOW);
    PatronRules.RenewalDecision d = renew(s, POLICY, Set.of(), NOW.plus(Duration.ofDays(5)));
    assertFalse(d.results().get(0).renewed());
    assertEquals(Code.EXPRESS_LOAN_NOT_RENEWABLE, d.results().get(0).refusal().code());
    assertTrue(d.events().isEmpty());
  }

  @Test
  void R18_aLoanWhoseTitleAnotherPatronReservedIsNotRenewed() {
    PatronState s = lent(registered(), "t1", "book", NOW);
    PatronRules.RenewalDecision d = renew(s, POLICY, Set.of("X-t1"), NOW);
    assertEquals(Code.TITLE_RESERVED, d.results().get(0).refusal().code());
    assertTrue(renew(s, POLICY, Set.of(), NOW.plus(Duration.ofDays(5))).results().get(0).renewed());
  }

  @Test
  void R19_aRenewalThatWouldNotMoveTheDueDateIsRefusedAndUsesNoRenewal() {
    PatronState s = lent(registered(), "t1", "book", NOW);
    PatronRules.RenewalDecision sameDay = renew(s, POLICY, Set.of(), NOW);
    assertFalse(sameDay.results().get(0).renewed());
    assertEquals(Code.RENEWAL_WOULD_NOT_EXTEND, sameDay.results().get(0).refusal().code());
    assertEquals(0, sameDay.results().get(0).renewals());
    assertTrue(sameDay.events().isEmpty());
    PatronRules.RenewalDecision nextDay = renew(s, POLICY, Set.of(), NOW.plus(Duration.ofDays(1)));
    assertTrue(nextDay.results().get(0).renewed());
    assertEquals(1, nextDay.results().get(0).renewals());
  }

  @Test
  void R19_exactlyOneRenewalWhenTheAgencyAllowsOne() {
    AgencyPolicy one =
        new AgencyPolicy(
            28,
            1,
            null,
            3,
            10,
            Map.of(),
            POLICY.materialTypes(),
            POLICY.overdueFees(),
            200,
            dk.library.circulation.policy.AgencyPolicy.Eligibility.open());
    PatronState s = lent(registered(), "t1", "book", NOW);
    PatronRules.RenewalDecision first = renew(s, one, Set.of(), NOW.plus(Duration.ofDays(20)));
    assertTrue(first.results().get(0).renewed());
    s = apply(s, new Decision.Persist<>(first.events()));
    PatronRules.RenewalDecision second = renew(s, one, Set.of(), NOW.plus(Duration.ofDays(40)));
    assertEquals(Code.RENEWAL_LIMIT_REACHED, second.results().get(0).refusal().code());
  }

  @Test
  void R19_unlimitedRenewalsEndAtTheMaximumTotalLoanPeriod() {
    AgencyPolicy royal =
        new AgencyPolicy(
            30,
            null,
            183,
            3,
            10,
            Map.of(),
            POLICY.materialTypes(),
            POLICY.overdueFees(),
            200,
            dk.library.circulation.policy.AgencyPolicy.Eligibility.open());
    PatronState s = lent(registered(), "t1", "book", NOW);
    LocalDate cap = LocalDate.ofInstant(NOW, COPENHAGEN).plusDays(183);
    Instant day = NOW;
    for (int i = 0; i < 5; i++) {
      day = day.plus(Duration.ofDays(29));
      PatronRules.RenewalDecision d = renew(s, royal, Set.of(), day);
      assertTrue(d.results().get(0).renewed(), "renewal " + (i + 1));
      s = apply(s, new Decision.Persist<>(d.events()));
    }
    day = day.plus(Duration.ofDays(29));
    PatronRules.RenewalDecision capped = renew(s, royal, Set.of(), day);
    assertEquals(cap, capped.results().get(0).dueDate(), "the last renewal stops at the cap");
    s = apply(s, new Decision.Persist<>(capped.events()));
    PatronRules.RenewalDecision refused = renew(s, royal, Set.of(), day.plus(Duration.ofDays(1)));
    assertEquals(Code.RENEWAL_LIMIT_REACHED, refused.results().get(0).refusal().code());
    assertTrue(refused.results().get(0).refusal().message().contains("183 days"));
  }

  @Test
  void R30_aLateReturnIsChargedByTheRateTheLoanWasGivenFromTheDueDate() {
    PatronState s = lent(registered(), "t1", "book", NOW);
    LocalDate due = s.loans().get("X-t1").dueDate();
    Instant threeDaysLate = due.plusDays(3).atTime(12, 0).atZone(COPENHAGEN).toInstant();
    PatronState returned =
        apply(
            s,
            PatronRules.endLoan(
                s, new PatronCommand.EndLoan("X-t1", "t1", threeDaysLate, null), COPENHAGEN));
    assertEquals(15, returned.ledger().balanceDkk());
    assertEquals(Fees.Kind.OVERDUE, returned.ledger().fees().get(0).kind());
    Instant onTime = due.atTime(20, 0).atZone(COPENHAGEN).toInstant();
    assertEquals(
        0,
        apply(
                s,
                PatronRules.endLoan(
                    s, new PatronCommand.EndLoan("X-t1", "t1", onTime, null), COPENHAGEN))
            .ledger()
            .balanceDkk());
  }

  @Test
  void R32_owing200DkkBlocksBorrowingAndRenewingUntilEverythingIsPaid() {
    PatronState s = lent(registered(), "t1", "book", NOW);
    s =
        apply(
            s,
            PatronRules.chargeFee(
                s,
                CARD,
                new PatronCommand.ChargeFee("f1", Fees.Kind.MANUAL, 150, "lost", null, 200, null),
                NOW,
                COPENHAGEN));
    assertInstanceOf(Decision.Persist.class, begin(s, "t2", "book", NOW), "150 DKK: not blocked");
    s =
        apply(
            s,
            PatronRules.chargeFee(
                s,
                CARD,
                new PatronCommand.ChargeFee("f2", Fees.Kind.MANUAL, 60, "damage", null, 200, null),
                NOW,
                COPENHAGEN));
    assertEquals(Code.FEES_OWED, refusal(begin(s, "t2", "book", NOW)));
    assertEquals(Code.FEES_OWED, renew(s, POLICY, Set.of(), NOW).refusal().code());
    s = apply(s, PatronRules.pay(s, CARD, new PatronCommand.Pay("p1", 100, null), NOW));
    assertEquals(110, s.ledger().balanceDkk());
    assertEquals(
        Code.FEES_OWED, refusal(begin(s, "t2", "book", NOW)), "below 200, but not paid in full");
    assertEquals(
        Code.PAYMENT_EXCEEDS_BALANCE,
        refusal(PatronRules.pay(s, CARD, new PatronCommand.Pay("p2", 111, null), NOW)));
    s = apply(s, PatronRules.pay(s, CARD, new PatronCommand.Pay("p2", 110, null), NOW));
    assertInstanceOf(Decision.Persist.class, begin(s, "t2", "book", NOW));
    assertInstanceOf(
        Decision.Unchanged.class,
        PatronRules.pay(s, CARD, new PatronCommand.Pay("p2", 110, null), NOW),
        "the same payment again changes nothing");
  }

  @Test
  void R46_aSuspendedPatronBorrowsNothingUntilTheEndDateOrUntilLifted() {
    LocalDate today = LocalDate.ofInstant(NOW, COPENHAGEN);
    PatronState s =
        apply(
            registered(),
            PatronRules.suspend(
                registered(),
                CARD,
                new PatronCommand.Suspend(today.plusDays(7), "house rules", "staff-1", null),
                NOW));
    assertEquals(Code.PATRON_SUSPENDED, refusal(begin(s, "t1", "book", NOW)));
    assertEquals(
        Code.PATRON_SUSPENDED, refusal(begin(s, "t1", "book", NOW.plus(Duration.ofDays(7)))));
    assertInstanceOf(Decision.Persist.class, begin(s, "t1", "book", NOW.plus(Duration.ofDays(8))));
    PatronState lifted =
        apply(
            s,
            PatronRules.liftSuspension(
                s, CARD, new PatronCommand.LiftSuspension("staff-1", null), NOW));
    assertNull(lifted.suspension());
    assertInstanceOf(Decision.Persist.class, begin(lifted, "t1", "book", NOW));
  }
}
