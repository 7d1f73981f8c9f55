package dk.library.circulation.patron;

import static dk.library.circulation.patron.PatronRulesTest.NOW;
import static dk.library.circulation.patron.PatronRulesTest.registered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** R39 as rules: settled accounts only, photo ID seen, and every card the patron has. */
class ErasureRulesTest {

  static final PatronCommand.EraseAccount PASSPORT =
      new PatronCommand.EraseAccount("passport", null);

  @Test
  void R39_anAccountWithUnpaidFeesOrHoldsIsKeptAndTheRefusalSaysWhatIsOpen() {
    PatronState state =
        registered()
            .apply(
                new PatronEvent.FeeCharged(
                    new Fees.Fee("f1", Fees.Kind.MANUAL, 40, null, "broken case", NOW), 200))
            .apply(new PatronEvent.HoldReserved("h1", "A1~T1"));

    Decision<PatronEvent> decision = ErasureRules.erase(state, "1000001", PASSPORT, NOW);

    Rejection refusal = assertInstanceOf(Decision.Refuse.class, decision).rejection();
    assertEquals(Rejection.Code.ACCOUNT_NOT_SETTLED, refusal.code());
    assertTrue(refusal.message().contains("40 DKK in fees to pay"), refusal.message());
    assertTrue(refusal.message().contains("1 hold(s) to cancel"), refusal.message());
  }

  @Test
  void R39_withoutPhotoIdSeenNothingIsDeleted() {
    Decision<PatronEvent> decision =
        ErasureRules.erase(
            registered(),
            "1000001",
            new PatronCommand.EraseAccount("health-insurance-card", null),
            NOW);

    assertEquals(
        Rejection.Code.IDENTITY_NOT_VERIFIED,
        assertInstanceOf(Decision.Refuse.class, decision).rejection().code());
  }

  @Test
  void R39_aSettledAccountIsDeletedWithEveryCardAndEveryTitleThatHeldForIt() {
    PatronState state =
        registered()
            .apply(new PatronEvent.CardRecorded("2000002"))
            .apply(new PatronEvent.HoldReserved("h1", "A1~T1"))
            .apply(new PatronEvent.HoldReleased("h1"));

    Decision<PatronEvent> decision = ErasureRules.erase(state, "1000001", PASSPORT, NOW);

    PatronEvent.AccountErasureBegun begun =
        (PatronEvent.AccountErasureBegun)
            assertInstanceOf(Decision.Persist.class, decision).events().get(0);
    assertEquals(List.of("1000001", "2000002"), begun.erasure().cardIds());
    assertEquals(List.of("A1~T1"), begun.erasure().heldTitles());
    PatronState after = state.apply(begun);
    assertEquals(null, after.profile(), "nothing personal is left in the state but the erasure");
    assertTrue(after.holds().isEmpty() && after.notices().isEmpty());
  }
}
