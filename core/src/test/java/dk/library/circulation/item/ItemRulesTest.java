package dk.library.circulation.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection.Code;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemRulesTest {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final ItemDetails BOOK =
      new ItemDetails("X1", "T1", "Out of Africa", "A1", "book", null, false);

  static ItemState shelved() {
    return ItemState.empty().registered(BOOK);
  }

  static ItemCommand.Lend lend(String checkoutId, String card) {
    return new ItemCommand.Lend(checkoutId, card, "A1", "B1", null, null, null);
  }

  static ItemState lent(ItemState s, Decision<ItemEvent> d) {
    return s.lent((ItemEvent.Lent) ((Decision.Persist<ItemEvent>) d).events().get(0));
  }

  static Code refusal(Decision<ItemEvent> decision) {
    return assertInstanceOf(Decision.Refuse.class, decision).rejection().code();
  }

  @Test
  void oneItemOneLoan() {
    ItemState s = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P1"), NOW));
    assertEquals(Code.ITEM_ON_LOAN, refusal(ItemRules.lend(s, "X1", lend("t2", "P2"), NOW)));
    assertInstanceOf(Decision.Unchanged.class, ItemRules.lend(s, "X1", lend("t1", "P1"), NOW));
    // The loan's transaction id from another patron is not a retry of this loan.
    assertEquals(
        Code.TRANSACTION_ID_REUSED, refusal(ItemRules.lend(s, "X1", lend("t1", "P2"), NOW)));
  }

  @Test
  void anUnknownItemCannotBeLent() {
    assertEquals(
        Code.ITEM_NOT_FOUND,
        refusal(ItemRules.lend(ItemState.empty(), "X9", lend("t1", "P1"), NOW)));
  }

  @Test
  void aCheckoutSettledAsNotLentIsRefusedForGood() {
    Decision<ItemEvent> settle = ItemRules.settleLend(shelved(), "t1");
    ItemState s =
        shelved()
            .cancelled(
                ((ItemEvent.LendCancelled) ((Decision.Persist<ItemEvent>) settle).events().get(0))
                    .checkoutId());
    assertEquals(Code.CHECKOUT_CANCELLED, refusal(ItemRules.lend(s, "X1", lend("t1", "P1"), NOW)));
    assertInstanceOf(Decision.Unchanged.class, ItemRules.settleLend(s, "t1"));
  }

  @Test
  void settlingALentCheckoutConfirmsIt() {
    ItemState s = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P1"), NOW));
    assertInstanceOf(Decision.Unchanged.class, ItemRules.settleLend(s, "t1"));
    assertTrue(ItemRules.isLentUnder(s, "t1"));
  }

  @Test
  void R22_anItemIsReturnedAtAnyBranchOfItsAgency() {
    ItemState s = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P1"), NOW));
    Decision<ItemEvent> d =
        ItemRules.returnItem(s, "X1", new ItemCommand.Return("r1", "A1", "B7", null), NOW);
    ReturnReceipt receipt =
        ((ItemEvent.ItemReturned) ((Decision.Persist<ItemEvent>) d).events().get(0)).receipt();
    assertEquals("B7", receipt.branchId());
    assertEquals("P1", receipt.cardNumber());
    ItemState after = s.returned(receipt);
    assertEquals(null, after.loan());
    assertEquals(1, after.unsettledReturns().size());
    assertInstanceOf(
        Decision.Unchanged.class,
        ItemRules.returnItem(after, "X1", new ItemCommand.Return("r1", "A1", "B7", null), NOW));
    assertEquals(
        Code.ITEM_NOT_ON_LOAN,
        refusal(
            ItemRules.returnItem(
                after, "X1", new ItemCommand.Return("r2", "A1", "B7", null), NOW)));
  }

  @Test
  void R22_anItemCannotBeReturnedAtAnotherAgency() {
    ItemState s = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P1"), NOW));
    assertEquals(
        Code.ITEM_NOT_OWNED_BY_AGENCY,
        refusal(
            ItemRules.returnItem(s, "X1", new ItemCommand.Return("r1", "A2", "B1", null), NOW)));
  }

  @Test
  void R24_damageSeenAtCheckoutIsRecordedOnTheItem() {
    Decision<ItemEvent> d =
        ItemRules.lend(
            shelved(),
            "X1",
            new ItemCommand.Lend("t1", "C1", "A1", "B1", "torn cover", null, null),
            NOW);
    List<ItemEvent> events = ((Decision.Persist<ItemEvent>) d).events();
    ItemEvent.DamageNoted noted = assertInstanceOf(ItemEvent.DamageNoted.class, events.get(1));
    assertEquals("torn cover", noted.note().note());
    assertEquals("t1", noted.note().checkoutId());
    assertEquals(List.of(noted.note()), lent(shelved(), d).damaged(noted.note()).status().damage());
  }

  @Test
  void R23_anItemOrMaterialTypeForUseInTheLibraryOnlyIsNotLent() {
    dk.library.circulation.policy.AgencyPolicy policy =
        new dk.library.circulation.policy.AgencyPolicy(
            28,
            2,
            null,
            30,
            10,
            java.util.Map.of(),
            java.util.Map.of(
                "book",
                dk.library.circulation.policy.AgencyPolicy.MaterialRule.standard(),
                "reference",
                new dk.library.circulation.policy.AgencyPolicy.MaterialRule(
                    null, false, false, false, false, 0, 0, 0)),
            java.util.Map.of(),
            200,
            dk.library.circulation.policy.AgencyPolicy.Eligibility.open());
    assertEquals(null, ItemRules.homeLoanRefusal(BOOK, policy));
    ItemDetails reference = new ItemDetails("X2", "T2", "Ordbog", "A1", "reference", null, false);
    assertEquals(Code.NOT_FOR_HOME_LOAN, ItemRules.homeLoanRefusal(reference, policy).code());
    ItemDetails rareBook = new ItemDetails("X3", "T3", "Rare", "A1", "book", null, true);
    assertEquals(Code.NOT_FOR_HOME_LOAN, ItemRules.homeLoanRefusal(rareBook, policy).code());
  }

  static ItemCommand.HoldForHold offer(String holdId, String patron) {
    return new ItemCommand.HoldForHold(holdId, "A1~T1", patron, "main", null, null);
  }

  static ItemState held(ItemState s, Decision<ItemEvent> d) {
    return s.held(
        ((ItemEvent.CopyHeld) ((Decision.Persist<ItemEvent>) d).events().get(0)).heldFor());
  }

  @Test
  void R26_aCopyOnTheShelfIsHeldForOneHoldOnly() {
    ItemState s = held(shelved(), ItemRules.holdFor(shelved(), offer("h1", "P1")));
    assertEquals("h1", s.heldFor().holdId());
    assertInstanceOf(Decision.Unchanged.class, ItemRules.holdFor(s, offer("h2", "P2")));
    assertEquals("h1", s.heldFor().holdId(), "a second hold never takes a held copy");
    ItemState onLoan = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P9"), NOW));
    assertInstanceOf(Decision.Persist.class, ItemRules.holdFor(onLoan, offer("h1", "P1")));
    assertEquals(null, onLoan.heldFor(), "a copy on loan is not held");
  }

  @Test
  void R26_aReturnTellsTheTitleOnlyWhenAHoldAskedForTheCopyWhileItWasLent() {
    ItemState onLoan = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P9"), NOW));
    assertFalse(onLoan.loan().titleWantsReturn(), "nobody waits for a copy lent off the shelf");
    assertFalse(titleToldOnReturn(onLoan), "its return wakes no title");

    Decision<ItemEvent> asked = ItemRules.holdFor(onLoan, offer("h1", "P1"));
    ItemState waited = onLoan.apply(((Decision.Persist<ItemEvent>) asked).events().get(0));
    assertTrue(waited.loan().titleWantsReturn());
    assertInstanceOf(
        Decision.Unchanged.class,
        ItemRules.holdFor(waited, offer("h2", "P2")),
        "recorded once, however many holds ask");
    assertTrue(titleToldOnReturn(waited), "the title hears the copy is back and offers it");
  }

  private static boolean titleToldOnReturn(ItemState onLoan) {
    Decision<ItemEvent> returned =
        ItemRules.returnItem(onLoan, "X1", new ItemCommand.Return("r1", "A1", "main", null), NOW);
    ItemState after = onLoan;
    for (ItemEvent event : ((Decision.Persist<ItemEvent>) returned).events()) {
      after = after.apply(event);
    }
    return after.unsettledReturns().get(0).titleToBeTold();
  }

  @Test
  void R28_aHeldCopyIsLentOnlyToItsHolderOrACollectorTheTitleVouchedFor() {
    ItemState s = held(shelved(), ItemRules.holdFor(shelved(), offer("h1", "P1")));
    assertEquals(
        Code.ITEM_HELD_FOR_ANOTHER_PATRON, refusal(ItemRules.lend(s, "X1", lend("t1", "P2"), NOW)));
    ItemCommand.Lend proxy = new ItemCommand.Lend("t2", "P2", "A1", "B1", null, "h1", null);
    ItemState collected = lent(s, ItemRules.lend(s, "X1", proxy, NOW));
    assertEquals(null, collected.heldFor(), "collected: the copy is no longer held");
    ItemState byHolder = lent(s, ItemRules.lend(s, "X1", lend("t3", "P1"), NOW));
    assertEquals("P1", byHolder.loan().cardNumber());
  }

  @Test
  void R26_aReleasedCopyIsFreeAgain_aReleaseForAnotherHoldChangesNothing() {
    ItemState s = held(shelved(), ItemRules.holdFor(shelved(), offer("h1", "P1")));
    assertInstanceOf(Decision.Unchanged.class, ItemRules.release(s, "h2"));
    Decision<ItemEvent> release = ItemRules.release(s, "h1");
    assertInstanceOf(
        ItemEvent.CopyFreed.class, ((Decision.Persist<ItemEvent>) release).events().get(0));
  }
}
