package dk.library.circulation.patron;

import static dk.library.circulation.patron.PatronRulesTest.CARD;
import static dk.library.circulation.patron.PatronRulesTest.COPENHAGEN;
import static dk.library.circulation.patron.PatronRulesTest.NOW;
import static dk.library.circulation.patron.PatronRulesTest.apply;
import static dk.library.circulation.patron.PatronRulesTest.refusal;
import static dk.library.circulation.patron.PatronRulesTest.registered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection.Code;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.AgencyPolicy.Eligibility;
import dk.library.circulation.policy.AgencyPolicy.MaterialRule;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may register, and who borrows with restrictions: R2, R3, R6, R7, R8, R10, R15. */
class PatronEligibilityTest {

  static final LocalDate TODAY = LocalDate.ofInstant(NOW, COPENHAGEN);

  static AgencyPolicy policy(Eligibility eligibility) {
    return new AgencyPolicy(
        28,
        2,
        null,
        30,
        10,
        Map.of(),
        Map.of("book", MaterialRule.standard(), "e-reader", MaterialRule.standard()),
        Map.of(),
        200,
        eligibility);
  }

  static final AgencyPolicy OPEN = policy(Eligibility.open());

  static PatronFacts facts(
      String channel, String document, LocalDate birthDate, String municipality, boolean address) {
    return new PatronFacts(
        channel,
        document,
        channel.equals("phone") ? null : new PatronFacts.Verification("id-seen", "staff-1", NOW),
        birthDate,
        "DK",
        municipality,
        address,
        List.of(),
        null,
        null);
  }

  static PatronState with(PatronFacts facts) {
    PatronState.Profile p = registered().profile();
    return registered()
        .withProfile(
            new PatronState.Profile(
                CARD,
                p.pin(),
                p.name(),
                null,
                null,
                "A1",
                null,
                facts,
                p.registeredAt(),
                true,
                null,
                null,
                null));
  }

  /** Checks out books until refused; the number lent. */
  static int borrowable(PatronState s, AgencyPolicy policy) {
    for (int i = 0; i < 40; i++) {
      String id = "t" + i;
      Decision<PatronEvent> d =
          PatronRules.beginCheckout(
              s,
              CARD,
              new PatronCommand.BeginCheckout(
                  id, "1234", "X" + i, "A1", "B1", policy, "book", null, null),
              PinCheck.SLOW,
              5,
              NOW,
              COPENHAGEN);
      if (d instanceof Decision.Refuse<PatronEvent> r) {
        assertEquals(Code.LOAN_LIMIT_REACHED, r.rejection().code());
        return i;
      }
      s = apply(s, d);
      s = apply(s, PatronRules.complete(s, id));
    }
    return 40;
  }

  @Test
  void R2_R15_aPhoneRegistrationMayNotReserveUntilStaffSawIdAndThatIsRecorded() {
    PatronState s = with(facts("phone", "cpr", null, null, true));
    assertEquals(Code.IDENTITY_NOT_VERIFIED, PatronRules.reservationRefusal(s).code());
    assertEquals(30, borrowable(s, OPEN), "may borrow as policy allows");
    s =
        apply(
            s,
            PatronRules.verifyIdentity(
                s, CARD, new PatronCommand.VerifyIdentity("passport-seen", "staff-7", null), NOW));
    assertNull(PatronRules.reservationRefusal(s));
    PatronFacts.Verification v = s.profile().facts().verification();
    assertEquals("staff-7", v.verifiedBy());
    assertEquals("passport-seen", v.method());
    assertEquals(NOW, v.at());
  }

  @Test
  void R6_aMinorWithoutGuardianConsentHasATemporaryCardWithThreeLoans() {
    PatronState s = with(facts("in-person", "cpr", TODAY.minusYears(12), null, true));
    assertEquals(3, borrowable(s, OPEN));
    s =
        apply(
            s,
            PatronRules.recordGuardianConsent(
                s, CARD, new PatronCommand.RecordGuardianConsent("Mother", "staff-1", null), NOW));
    assertEquals("Mother", s.profile().facts().guardianConsent().guardian());
    assertEquals(30, borrowable(s, OPEN));
  }

  @Test
  void R6_R10_anAgencyMayAdmitAdultsOnly() {
    AgencyPolicy royalLibrary =
        policy(
            new Eligibility(
                18, List.of("DK", "GL"), List.of("citizen-abroad"), null, List.of(), 3, false));
    assertEquals(
        Code.NOT_ELIGIBLE,
        PatronRules.eligibilityRefusal(
                royalLibrary, facts("web", "cpr", TODAY.minusYears(17), null, true), TODAY)
            .code());
    assertNull(
        PatronRules.eligibilityRefusal(
            royalLibrary, facts("web", "cpr", TODAY.minusYears(18), null, true), TODAY));
    assertEquals(
        Code.NOT_ELIGIBLE,
        PatronRules.eligibilityRefusal(royalLibrary, facts("web", "cpr", null, null, true), TODAY)
            .code(),
        "without a birth date the age cannot be shown");
  }

  @Test
  void R10_residenceOrAListedAffiliationMakesAnApplicantEligible() {
    AgencyPolicy royalLibrary =
        policy(
            new Eligibility(
                18,
                List.of("DK", "GL"),
                List.of("citizen-abroad", "ku-student"),
                null,
                List.of(),
                3,
                false));
    LocalDate adult = TODAY.minusYears(30);
    PatronFacts abroad =
        new PatronFacts("web", "cpr", null, adult, "SE", null, true, List.of(), null, null);
    assertEquals(
        Code.NOT_ELIGIBLE, PatronRules.eligibilityRefusal(royalLibrary, abroad, TODAY).code());
    PatronFacts student =
        new PatronFacts(
            "web", "cpr", null, adult, "SE", null, true, List.of("ku-student"), null, null);
    assertNull(PatronRules.eligibilityRefusal(royalLibrary, student, TODAY));
    PatronFacts greenland =
        new PatronFacts("web", "cpr", null, adult, "GL", null, true, List.of(), null, null);
    assertNull(PatronRules.eligibilityRefusal(royalLibrary, greenland, TODAY));
  }

  @Test
  void R3_R7_withoutACprNumberOrAPermanentAddressAtMostThreeLoans() {
    assertEquals(3, borrowable(with(facts("in-person", "passport", null, null, true)), OPEN));
    assertEquals(3, borrowable(with(facts("in-person", "cpr", null, null, false)), OPEN));
    assertEquals(30, borrowable(with(facts("in-person", "cpr", null, null, true)), OPEN));
  }

  @Test
  void R8_someMaterialIsLentOnlyToResidentsOfTheAgencysMunicipality() {
    AgencyPolicy gentofte =
        policy(new Eligibility(0, List.of(), List.of(), "0157", List.of("e-reader"), 3, false));
    assertTrue(gentofte.problems().isEmpty(), gentofte.problems().toString());
    PatronState outsider = with(facts("in-person", "cpr", null, "0101", true));
    Decision<PatronEvent> refused =
        PatronRules.beginCheckout(
            outsider,
            CARD,
            new PatronCommand.BeginCheckout(
                "t1", "1234", "R1", "A1", "B1", gentofte, "e-reader", null, null),
            PinCheck.SLOW,
            5,
            NOW,
            COPENHAGEN);
    assertEquals(Code.RESIDENTS_ONLY, refusal(refused));
    PatronState resident = with(facts("in-person", "cpr", null, "0157", true));
    assertInstanceOf(
        Decision.Persist.class,
        PatronRules.beginCheckout(
            resident,
            CARD,
            new PatronCommand.BeginCheckout(
                "t1", "1234", "R1", "A1", "B1", gentofte, "e-reader", null, null),
            PinCheck.SLOW,
            5,
            NOW,
            COPENHAGEN));
  }

  @Test
  void R9_onlyAnInstitutionAccountHoldsSeveralCardsAndItIsNotLimitedLikeAPerson() {
    PatronFacts institution =
        new PatronFacts(
            "in-person", "institution", null, null, "DK", null, true, List.of(), null, null);
    assertNull(PatronRules.additionalCardRefusal(institution));
    assertEquals(30, borrowable(with(institution), OPEN));
    assertEquals(
        Code.NOT_AN_INSTITUTION,
        PatronRules.additionalCardRefusal(facts("in-person", "cpr", null, null, true)).code());
  }

  @Test
  void R7_aDepositOfTheValueOfWhatIsBorrowedIsAskedOfNonResidentsOnly() {
    AgencyPolicy policy =
        new AgencyPolicy(
            28,
            2,
            null,
            30,
            10,
            Map.of(),
            Map.of("book", new MaterialRule(null, false, true, true, true, 300, 0, 0)),
            Map.of(),
            200,
            new Eligibility(0, List.of(), List.of(), "0157", List.of(), 3, true));
    PatronState visitor = with(facts("in-person", "cpr", null, "0101", true));
    PatronCommand.BeginCheckout book =
        new PatronCommand.BeginCheckout("t1", "1234", "X1", "A1", "B1", policy, "book", null, null);
    assertEquals(
        Code.DEPOSIT_REQUIRED,
        refusal(PatronRules.beginCheckout(visitor, CARD, book, PinCheck.SLOW, 5, NOW, COPENHAGEN)));
    PatronState paid =
        apply(
            visitor,
            PatronRules.deposit(
                visitor, CARD, new PatronCommand.Deposit(300, "staff-1", null), NOW));
    assertEquals(300, paid.ledger().depositDkk());
    assertInstanceOf(
        Decision.Persist.class,
        PatronRules.beginCheckout(paid, CARD, book, PinCheck.SLOW, 5, NOW, COPENHAGEN));
    PatronState resident = with(facts("in-person", "cpr", null, "0157", true));
    assertInstanceOf(
        Decision.Persist.class,
        PatronRules.beginCheckout(resident, CARD, book, PinCheck.SLOW, 5, NOW, COPENHAGEN));
  }
}
