package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import java.util.List;

/** What the {@link Item} entity answers. */
public sealed interface ItemReply extends CborSerializable {

  record StatusReply(Status status) implements ItemReply {}

  record LendSettlement(String checkoutId, boolean lent) implements ItemReply {}

  /** {@code held}: the copy is kept for the hold; {@code location}: where the copy is now. */
  record HoldAnswer(boolean held, String location) implements ItemReply {}

  /** {@code onShelf} false: the copy was collected under the hold, so there is nothing to free. */
  record ReleaseAnswer(boolean onShelf) implements ItemReply {}

  /**
   * {@code tellTitle}: the copy's title must hear of the return (a hold may wait for it); {@code
   * materialType}: what the statistics count the return under (R42).
   */
  record Returned(ReturnReceipt receipt, boolean tellTitle, String materialType)
      implements ItemReply {}

  record Rejected(Rejection rejection) implements ItemReply, dk.library.circulation.Refusal {}

  /** R40: the copy no longer knows who borrowed it under the checkout. */
  record Forgotten(String checkoutId) implements ItemReply {}

  /**
   * {@code loan} is null while the item is on the shelf; {@code heldFor} is the hold it is kept
   * for, if any; {@code location} the branch it was last registered at, returned to or received at.
   */
  record Status(
      ItemDetails item,
      CurrentLoan loan,
      List<DamageNote> damage,
      HeldCopy heldFor,
      String location,
      int timesLent)
      implements CborSerializable {}

  /**
   * The hold a copy is kept for (R26-R28): only its patron, or their proxy, may borrow it. {@code
   * pickupAgencyId}: for an interlibrary loan (R29) the borrowing agency, where the copy is
   * received, lent and returned; null for the owner's own holds.
   */
  record HeldCopy(
      String holdId,
      String titleEntityId,
      String patronKey,
      String pickupBranchId,
      String pickupAgencyId)
      implements CborSerializable {}
}
