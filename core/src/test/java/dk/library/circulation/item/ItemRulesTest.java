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

  static Item.State shelved() {
    return Item.State.empty().registered(BOOK);
  }

  static Item.Lend lend(String checkoutId, String card) {
    return new Item.Lend(checkoutId, card, "A1", "B1", null, null, null);
  }

  static Item.State lent(Item.State s, Decision<Item.Event> d) {
    return s.lent((Item.Lent) ((Decision.Persist<Item.Event>) d).events().get(0));
  }

  static Code refusal(Decision<Item.Event> decision) {
    return assertInstanceOf(Decision.Refuse.class, decision).rejection().code();
  }

  @Test
  void oneItemOneLoan() {
    Item.State s = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P1"), NOW));
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
        refusal(ItemRules.lend(Item.State.empty(), "X9", lend("t1", "P1"), NOW)));
  }

  @Test
  void aCheckoutSettledAsNotLentIsRefusedForGood() {
    Decision<Item.Event> settle = ItemRules.settleLend(shelved(), "t1");
    Item.State s =
        shelved()
            .cancelled(
                ((Item.LendCancelled) ((Decision.Persist<Item.Event>) settle).events().get(0))
                    .checkoutId());
    assertEquals(Code.CHECKOUT_CANCELLED, refusal(ItemRules.lend(s, "X1", lend("t1", "P1"), NOW)));
    assertInstanceOf(Decision.Unchanged.class, ItemRules.settleLend(s, "t1"));
  }

  @Test
  void settlingALentCheckoutConfirmsIt() {
    Item.State s = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P1"), NOW));
    assertInstanceOf(Decision.Unchanged.class, ItemRules.settleLend(s, "t1"));
    assertTrue(ItemRules.isLentUnder(s, "t1"));
  }

  @Test
  void R22_anItemIsReturnedAtAnyBranchOfItsAgency() {
    Item.State s = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P1"), NOW));
    Decision<Item.Event> d =
        ItemRules.returnItem(s, "X1", new Item.Return("r1", "A1", "B7", null), NOW);
    ReturnReceipt receipt =
        ((Item.ItemReturned) ((Decision.Persist<Item.Event>) d).events().get(0)).receipt();
    assertEquals("B7", receipt.branchId());
    assertEquals("P1", receipt.cardNumber());
    Item.State after = s.returned(receipt);
    assertEquals(null, after.loan());
    assertEquals(1, after.unsettledReturns().size());
    assertInstanceOf(
        Decision.Unchanged.class,
        ItemRules.returnItem(after, "X1", new Item.Return("r1", "A1", "B7", null), NOW));
    assertEquals(
        Code.ITEM_NOT_ON_LOAN,
        refusal(ItemRules.returnItem(after, "X1", new Item.Return("r2", "A1", "B7", null), NOW)));
  }

  @Test
  void R22_anItemCannotBeReturnedAtAnotherAgency() {
    Item.State s = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P1"), NOW));
    assertEquals(
        Code.ITEM_NOT_OWNED_BY_AGENCY,
        refusal(ItemRules.returnItem(s, "X1", new Item.Return("r1", "A2", "B1", null), NOW)));
  }

  @Test
  void R24_damageSeenAtCheckoutIsRecordedOnTheItem() {
    Decision<Item.Event> d =
        ItemRules.lend(
            shelved(), "X1", new Item.Lend("t1", "C1", "A1", "B1", "torn cover", null, null), NOW);
    List<Item.Event> events = ((Decision.Persist<Item.Event>) d).events();
    Item.DamageNoted noted = assertInstanceOf(Item.DamageNoted.class, events.get(1));
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

  static Item.HoldForHold offer(String holdId, String patron) {
    return new Item.HoldForHold(holdId, "A1~T1", patron, "main", null, null);
  }

  static Item.State held(Item.State s, Decision<Item.Event> d) {
    return s.held(((Item.CopyHeld) ((Decision.Persist<Item.Event>) d).events().get(0)).heldFor());
  }

  @Test
  void R26_aCopyOnTheShelfIsHeldForOneHoldOnly() {
    Item.State s = held(shelved(), ItemRules.holdFor(shelved(), offer("h1", "P1")));
    assertEquals("h1", s.heldFor().holdId());
    assertInstanceOf(Decision.Unchanged.class, ItemRules.holdFor(s, offer("h2", "P2")));
    assertEquals("h1", s.heldFor().holdId(), "a second hold never takes a held copy");
    Item.State onLoan = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P9"), NOW));
    assertInstanceOf(Decision.Persist.class, ItemRules.holdFor(onLoan, offer("h1", "P1")));
    assertEquals(null, onLoan.heldFor(), "a copy on loan is not held");
  }

  @Test
  void R26_aReturnTellsTheTitleOnlyWhenAHoldAskedForTheCopyWhileItWasLent() {
    Item.State onLoan = lent(shelved(), ItemRules.lend(shelved(), "X1", lend("t1", "P9"), NOW));
    assertFalse(onLoan.loan().titleWantsReturn(), "nobody waits for a copy lent off the shelf");
    assertFalse(titleToldOnReturn(onLoan), "its return wakes no title");

    Decision<Item.Event> asked = ItemRules.holdFor(onLoan, offer("h1", "P1"));
    Item.State waited = onLoan.apply(((Decision.Persist<Item.Event>) asked).events().get(0));
    assertTrue(waited.loan().titleWantsReturn());
    assertInstanceOf(
        Decision.Unchanged.class,
        ItemRules.holdFor(waited, offer("h2", "P2")),
        "recorded once, however many holds ask");
    assertTrue(titleToldOnReturn(waited), "the title hears the copy is back and offers it");
  }

  private static boolean titleToldOnReturn(Item.State onLoan) {
    Decision<Item.Event> returned =
        ItemRules.returnItem(onLoan, "X1", new Item.Return("r1", "A1", "main", null), NOW);
    Item.State after = onLoan;
    for (Item.Event event : ((Decision.Persist<Item.Event>) returned).events()) {
      after = after.apply(event);
    }
    return after.unsettledReturns().get(0).titleToBeTold();
  }

  @Test
  void R28_aHeldCopyIsLentOnlyToItsHolderOrACollectorTheTitleVouchedFor() {
    Item.State s = held(shelved(), ItemRules.holdFor(shelved(), offer("h1", "P1")));
    assertEquals(
        Code.ITEM_HELD_FOR_ANOTHER_PATRON, refusal(ItemRules.lend(s, "X1", lend("t1", "P2"), NOW)));
    Item.Lend proxy = new Item.Lend("t2", "P2", "A1", "B1", null, "h1", null);
    Item.State collected = lent(s, ItemRules.lend(s, "X1", proxy, NOW));
    assertEquals(null, collected.heldFor(), "collected: the copy is no longer held");
    Item.State byHolder = lent(s, ItemRules.lend(s, "X1", lend("t3", "P1"), NOW));
    assertEquals("P1", byHolder.loan().cardNumber());
  }

  @Test
  void R26_aReleasedCopyIsFreeAgain_aReleaseForAnotherHoldChangesNothing() {
    Item.State s = held(shelved(), ItemRules.holdFor(shelved(), offer("h1", "P1")));
    assertInstanceOf(Decision.Unchanged.class, ItemRules.release(s, "h2"));
    Decision<Item.Event> release = ItemRules.release(s, "h1");
    assertInstanceOf(
        Item.CopyFreed.class, ((Decision.Persist<Item.Event>) release).events().get(0));
  }
}
