package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.item.ItemReply.HeldCopy;
import java.time.Instant;

/**
 * What the {@link Item} entity persists. Events persisted while they were nested in {@code Item}
 * are read under their new names ({@link ItemRenames}).
 */
public sealed interface ItemEvent extends CborSerializable {

  record ItemRegistered(ItemDetails details, String branchId) implements ItemEvent {}

  /**
   * {@code holdId}: the hold the copy was kept for and is now collected under, if any; {@code
   * agencyId}: where it was lent (null in events written before it was recorded: the owner).
   */
  /**
   * {@code holdWaiting} is false in every new loan (null in loans made before it was recorded: the
   * title is then told of the return, as it always was).
   */
  record Lent(
      String checkoutId,
      String cardNumber,
      String branchId,
      Instant lentAt,
      String holdId,
      String agencyId,
      Boolean holdWaiting)
      implements ItemEvent {}

  /** A hold asked for this copy while it was lent: its title is told when it comes back. */
  record HoldWaiting(String holdId) implements ItemEvent {}

  record CopyHeld(HeldCopy heldFor) implements ItemEvent {}

  record CopyFreed(String holdId) implements ItemEvent {}

  record ItemArrived(String branchId) implements ItemEvent {}

  record LendCancelled(String checkoutId) implements ItemEvent {}

  /** R24: damage recorded at a checkout, so that borrower is not charged for it. */
  record DamageNoted(DamageNote note) implements ItemEvent {}

  record ItemReturned(ReturnReceipt receipt) implements ItemEvent {}

  record ReturnNoticeConfirmed(String checkoutId) implements ItemEvent {}

  /**
   * R40: who borrowed the copy under {@code checkoutId} is forgotten; the snapshot taken after this
   * event replaces every event before it. The copy's damage notes stay, without their checkout.
   */
  record BorrowerForgotten(String checkoutId, Instant at) implements ItemEvent {}
}
