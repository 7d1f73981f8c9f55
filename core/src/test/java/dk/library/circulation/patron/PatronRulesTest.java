package dk.library.circulation.patron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.Rejection.Code;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatronRulesTest {

  static final ZoneId COPENHAGEN = ZoneId.of("Europe/Copenhagen");
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final AgencyPolicy POLICY = AgencyPolicy.simple(28, 2, 1);
  static final PinHash PIN = PinHash.of("1234", 1000);
  static final String CARD = "1000001";
  static final PatronFacts FACTS = PatronFacts.inPerson("staff-1", NOW);

  static PatronState registered() {
    return PatronState.empty()
        .withProfile(
            new PatronState.Profile(
                CARD,
                PIN,
                "Karen Blixen",
                null,
                null,
                "A1",
                null,
                FACTS,
                NOW,
                true,
                null,
                null,
                null));
  }

  static PatronCommand.BeginCheckout begin(String checkoutId, String barcode, String pin) {
    return new PatronCommand.BeginCheckout(
        checkoutId, pin, barcode, "A1", "B1", POLICY, "book", null, null);
  }

  static PatronCommand.Renew renew(List<String> barcodes, Map<String, AgencyPolicy> policies) {
    return new PatronCommand.Renew("1234", barcodes, policies, java.util.Set.of(), 200, null);
  }

  static PatronState apply(PatronState state, Decision<PatronEvent> decision) {
    PatronState s = state;
    List<PatronEvent> events =
        decision instanceof Decision.RefuseAfter<PatronEvent> after
            ? after.events()
            : ((Decision.Persist<PatronEvent>) decision).events();
    for (PatronEvent e : events) {
      if (e instanceof PatronEvent.CheckoutBegun b) {
        s = s.withPending(b.pending());
      } else if (e instanceof PatronEvent.CheckoutCompleted c) {
        s = s.completed(c.checkoutId());
      } else if (e instanceof PatronEvent.CheckoutAbandoned a) {
        s = s.abandoned(a.checkoutId(), a.reason());
      } else if (e instanceof PatronEvent.LoanRenewed r) {
        s = s.renewed(r.barcode(), r.dueDate());
      } else if (e instanceof PatronEvent.LoanEnded l) {
        s = s.loanEnded(l.barcode(), l.checkoutId(), l.returnedAt());
      } else if (e instanceof PatronEvent.FeeCharged f) {
        s = s.withLedger(s.ledger().charged(f.fee(), f.feeBlockThresholdDkk()));
      } else if (e instanceof PatronEvent.PaymentReceived p) {
        s = s.withLedger(s.ledger().paid(p.payment()));
      } else if (e instanceof PatronEvent.Suspended u) {
        s = s.withSuspension(u.suspension());
      } else if (e instanceof PatronEvent.SuspensionLifted) {
        s = s.withSuspension(null);
      } else if (e instanceof PatronEvent.DepositReceived d) {
        s = s.withLedger(s.ledger().deposited(d.amountDkk()));
      } else if (e instanceof PatronEvent.WrongPinEntered) {
        s = s.withPinGuard(s.pinGuard().wrong());
      } else if (e instanceof PatronEvent.IdentityVerified v) {
        s = s.withProfile(s.profile().withFacts(s.profile().facts().verified(v.verification())));
      } else if (e instanceof PatronEvent.GuardianConsentRecorded g) {
        s = s.withProfile(s.profile().withFacts(s.profile().facts().consented(g.consent())));
      }
    }
    return s;
  }

  static Code refusal(Decision<PatronEvent> decision) {
    if (decision instanceof Decision.RefuseAfter<PatronEvent> after) {
      return after.rejection().code();
    }
    return assertInstanceOf(Decision.Refuse.class, decision).rejection().code();
  }

  static PatronState withLoan(String checkoutId, String barcode) {
    PatronState s =
        apply(
            registered(),
            PatronRules.beginCheckout(
                registered(),
                CARD,
                begin(checkoutId, barcode, "1234"),
                PinCheck.SLOW,
                5,
                NOW,
                COPENHAGEN));
    return apply(s, PatronRules.complete(s, checkoutId));
  }

  @Test
  void R1_anUnregisteredCardCannotBorrow() {
    assertEquals(
        Code.PATRON_NOT_FOUND,
        refusal(
            PatronRules.beginCheckout(
                PatronState.empty(),
                CARD,
                begin("t1", "X1", "1234"),
                PinCheck.SLOW,
                5,
                NOW,
                COPENHAGEN)));
  }

  @Test
  void R1_aCardIsRegisteredOnlyOnce() {
    PatronCommand.Register again =
        new PatronCommand.Register(PIN, "Someone Else", null, null, "A1", null, FACTS, null);
    assertEquals(
        Code.PATRON_ALREADY_REGISTERED,
        refusal(PatronRules.register(registered(), CARD, again, NOW)));
  }

  @Test
  void R4_aWrongPinIsRefusedAndChangesNothing() {
    assertEquals(
        Code.WRONG_PIN,
        refusal(
            PatronRules.beginCheckout(
                registered(), CARD, begin("t1", "X1", "4321"), PinCheck.SLOW, 5, NOW, COPENHAGEN)));
    assertEquals(
        Code.WRONG_PIN,
        refusal(
            PatronRules.beginCheckout(
                registered(), CARD, begin("t1", "X1", "12a4"), PinCheck.SLOW, 5, NOW, COPENHAGEN)));
  }

  @Test
  void R4_thePinIsExactlyFourDigits() {
    assertTrue(PinHash.isWellFormed("0042"));
    for (String bad : new String[] {"123", "12345", "12 4", "abcd", "", "١٢٣٤"}) {
      assertTrue(!PinHash.isWellFormed(bad), bad);
    }
    assertTrue(!PinHash.isWellFormed(null));
  }

  @Test
  void R4_thePinIsStoredOnlyAsASaltedHash() {
    PinHash a = PinHash.of("1234", 1000);
    PinHash b = PinHash.of("1234", 1000);
    assertTrue(a.matches("1234") && b.matches("1234"));
    assertTrue(!a.hash().equals(b.hash()), "two hashes of one PIN differ by their salt");
    assertTrue(!a.toString().contains(a.hash()));
  }

  @Test
  void R16_theDueDateIsTheAgencysLoanPeriodAfterTheDayOfCheckout() {
    PatronState s =
        apply(
            registered(),
            PatronRules.beginCheckout(
                registered(), CARD, begin("t1", "X1", "1234"), PinCheck.SLOW, 5, NOW, COPENHAGEN));
    assertEquals(LocalDate.of(2026, 12, 20), s.pending().get("t1").dueDate());
    // 23:30 UTC is already the next day in Copenhagen: the library's day decides.
    Instant lateEvening = Instant.parse("2026-11-22T23:30:00Z");
    assertEquals(LocalDate.of(2026, 12, 21), PatronRules.dueDate(lateEvening, COPENHAGEN, 28));
  }

  @Test
  void R17_aCompletedCheckoutYieldsAReceiptWithTheDueDate() {
    PatronState s = withLoan("t1", "X1");
    CheckoutReceipt receipt = s.outcomes().get("t1").receipt();
    assertEquals("X1", receipt.barcode());
    assertEquals(LocalDate.of(2026, 12, 20), receipt.dueDate());
    assertEquals(1, s.loans().size());
    assertTrue(s.pending().isEmpty());
  }

  @Test
  void R21_pendingCheckoutsCountAgainstTheLoanLimit() {
    PatronState s = withLoan("t1", "X1");
    s =
        apply(
            s,
            PatronRules.beginCheckout(
                s, CARD, begin("t2", "X2", "1234"), PinCheck.SLOW, 5, NOW, COPENHAGEN));
    assertEquals(
        Code.LOAN_LIMIT_REACHED,
        refusal(
            PatronRules.beginCheckout(
                s, CARD, begin("t3", "X3", "1234"), PinCheck.SLOW, 5, NOW, COPENHAGEN)));
  }

  @Test
  void aRetryWithTheSameTransactionIdChangesNothing() {
    PatronState s = withLoan("t1", "X1");
    assertInstanceOf(
        Decision.Unchanged.class,
        PatronRules.beginCheckout(
            s, CARD, begin("t1", "X1", "1234"), PinCheck.SLOW, 5, NOW, COPENHAGEN));
    assertInstanceOf(Decision.Unchanged.class, PatronRules.complete(s, "t1"));
  }

  @Test
  void aTransactionIdCannotBeReusedForAnotherItem() {
    PatronState s = withLoan("t1", "X1");
    assertEquals(
        Code.TRANSACTION_ID_REUSED,
        refusal(
            PatronRules.beginCheckout(
                s, CARD, begin("t1", "X2", "1234"), PinCheck.SLOW, 5, NOW, COPENHAGEN)));
  }

  @Test
  void anAbandonedCheckoutFreesItsPlaceAndRemembersWhy() {
    PatronState s =
        apply(
            registered(),
            PatronRules.beginCheckout(
                registered(), CARD, begin("t1", "X1", "1234"), PinCheck.SLOW, 5, NOW, COPENHAGEN));
    Rejection onLoan = Rejection.of(Code.ITEM_ON_LOAN, "on loan");
    s = apply(s, PatronRules.abandon(s, "t1", onLoan));
    assertTrue(s.pending().isEmpty() && s.loans().isEmpty());
    assertEquals(onLoan, s.outcomes().get("t1").rejection());
  }

  @Test
  void R19_aLoanIsRenewedUpToTheAgencysLimit() {
    PatronState s = withLoan("t1", "X1");
    Instant later = NOW.plusSeconds(20 * 86400);
    PatronCommand.Renew renewOne = renew(List.of("X1"), Map.of("A1", POLICY));
    PatronRules.RenewalDecision first =
        PatronRules.renew(s, CARD, renewOne, PinCheck.SLOW, 5, later, COPENHAGEN);
    assertNull(first.refusal());
    assertEquals(LocalDate.of(2027, 1, 9), first.results().get(0).dueDate());
    for (PatronEvent e : first.events()) {
      PatronEvent.LoanRenewed r = (PatronEvent.LoanRenewed) e;
      s = s.renewed(r.barcode(), r.dueDate());
    }
    assertEquals(1, s.loans().get("X1").renewals());
    PatronRules.RenewalDecision second =
        PatronRules.renew(s, CARD, renewOne, PinCheck.SLOW, 5, later, COPENHAGEN);
    assertEquals(Code.RENEWAL_LIMIT_REACHED, second.refusal().code());
    assertTrue(second.events().isEmpty());
  }

  @Test
  void R19_renewingAllAnswersPerLoan() {
    PatronState s = withLoan("t1", "X1");
    PatronCommand.Renew all = renew(List.of(), Map.of("A1", AgencyPolicy.simple(28, 2, 0)));
    PatronRules.RenewalDecision d =
        PatronRules.renew(s, CARD, all, PinCheck.SLOW, 5, NOW, COPENHAGEN);
    assertNull(d.refusal());
    assertEquals(Code.RENEWAL_LIMIT_REACHED, d.results().get(0).refusal().code());
  }

  @Test
  void R4_R19_aTokenHoldersRenewalAsksNoPinAndAPinRenewalStillChecksIt() {
    PatronState s = withLoan("t1", "X1");
    Instant later = NOW.plusSeconds(20 * 86400);
    PatronCommand.Renew wrongPin =
        new PatronCommand.Renew(
            "9999", List.of("X1"), Map.of("A1", POLICY), java.util.Set.of(), 200, null);
    PatronRules.RenewalDecision refused =
        PatronRules.renew(s, CARD, wrongPin, PinCheck.SLOW, 5, later, COPENHAGEN);
    assertEquals(Code.WRONG_PIN, refused.refusal().code());

    PatronCommand.Renew byToken =
        new PatronCommand.Renew(
            null, true, List.of("X1"), Map.of("A1", POLICY), java.util.Set.of(), 200, null);
    PatronRules.RenewalDecision renewed =
        PatronRules.renew(s, CARD, byToken, PinCheck.SLOW, 5, later, COPENHAGEN);
    assertNull(renewed.refusal());
    assertTrue(renewed.results().get(0).renewed());
    assertTrue(
        renewed.events().stream().noneMatch(e -> e instanceof PatronEvent.WrongPinEntered),
        renewed.events().toString());
  }

  @Test
  void R18_R19_R20_theRefusalOfOneLoanIsTheRenewalsOwn() {
    PatronState s = withLoan("t1", "X1");
    Loan loan = s.loans().get("X1");
    LocalDate today = LocalDate.of(2026, 12, 12);
    assertNull(PatronRules.renewalRefusal(loan, POLICY, false, COPENHAGEN, today));
    assertEquals(
        Code.TITLE_RESERVED,
        PatronRules.renewalRefusal(loan, POLICY, true, COPENHAGEN, today).code());
    assertEquals(
        Code.RENEWAL_LIMIT_REACHED,
        PatronRules.renewalRefusal(loan, AgencyPolicy.simple(28, 2, 0), false, COPENHAGEN, today)
            .code());
  }

  @Test
  void R22_theLoanEndsWhenTheReturnIsRegisteredAndARepeatChangesNothing() {
    PatronState s = withLoan("t1", "X1");
    PatronCommand.EndLoan end = new PatronCommand.EndLoan("X1", "t1", NOW, null);
    s = apply(s, PatronRules.endLoan(s, end, COPENHAGEN));
    assertTrue(s.loans().isEmpty());
    assertInstanceOf(Decision.Unchanged.class, PatronRules.endLoan(s, end, COPENHAGEN));
  }
}
