package dk.library.circulation.patron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** R41's rectification, restriction and objection as rules. */
class RightsRulesTest {

  static final Instant NOW = InactivityRulesTest.REGISTERED.plus(Duration.ofDays(10));

  static PatronState apply(PatronState state, Decision<PatronEvent> decision) {
    return PatronRules.fold(state, assertInstanceOf(Decision.Persist.class, decision).events());
  }

  @Test
  void R41_aRestrictedAccountLendsRenewsAndReservesNothingAndIsNotDeletedAsIdle() {
    PatronState state = InactivityRulesTest.registered(12);
    PatronState restricted =
        apply(
            state,
            RightsRules.restrict(
                state,
                "C1",
                new PatronCommand.RestrictProcessing("disputes the address", "staff-1", null),
                NOW));

    Rejection block = PatronRules.block(restricted, LocalDate.of(2026, 2, 1), 200);
    assertEquals(Rejection.Code.ACCOUNT_RESTRICTED, block.code());
    assertEquals(Optional.empty(), InactivityRules.next(restricted), "kept, only stored");
    assertTrue(
        InactivityRules.remind(restricted, InactivityRulesTest.monthsLater(NOW, 13), null)
            .isEmpty());
    assertEquals(
        Decision.unchanged(),
        RightsRules.restrict(
            restricted, "C1", new PatronCommand.RestrictProcessing("again", "staff-1", null), NOW));

    PatronState lifted =
        apply(
            restricted,
            RightsRules.lift(
                restricted, "C1", new PatronCommand.LiftRestriction("staff-1", null), NOW));
    assertNull(PatronRules.block(lifted, LocalDate.of(2026, 2, 1), 200));
    assertTrue(InactivityRules.next(lifted).isPresent());
  }

  @Test
  void R41_staffCorrectTheNameAndWhereThePatronLivesAndNothingElse() {
    PatronState state = InactivityRulesTest.registered(24);
    PatronState corrected =
        apply(
            state,
            RightsRules.correct(
                state,
                "C1",
                new PatronCommand.CorrectDetails("Herman Joachim Bang", null, "0101", "s-1", null),
                NOW));

    assertEquals("Herman Joachim Bang", corrected.profile().name());
    assertEquals("0101", corrected.profile().facts().municipality());
    assertEquals(state.profile().facts().residence(), corrected.profile().facts().residence());
    assertEquals(state.profile().email(), corrected.profile().email());
    assertEquals(
        Decision.unchanged(),
        RightsRules.correct(
            corrected,
            "C1",
            new PatronCommand.CorrectDetails("Herman Joachim Bang", null, null, "s-1", null),
            NOW));
  }

  @Test
  void R41_anObjectionIsRecordedOnceWithWhoTookIt() {
    PatronState state = InactivityRulesTest.registered(24);
    PatronCommand.RecordObjection objection =
        new PatronCommand.RecordObjection(
            "o1", "notices by SMS", "send me letters instead", "patron", null);
    PatronState objected = apply(state, RightsRules.object(state, "C1", objection, NOW));

    assertEquals(
        List.of("o1"),
        objected.profile().rights().objections().stream()
            .map(DataRights.Objection::objectionId)
            .toList());
    assertEquals("patron", objected.profile().rights().objections().get(0).recordedBy());
    assertEquals(Decision.unchanged(), RightsRules.object(objected, "C1", objection, NOW));
  }
}
