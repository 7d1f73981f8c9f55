package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.item.ItemReply.Forgotten;
import org.apache.pekko.actor.typed.ActorRef;

/** What the {@link Item} entity is asked and told. */
public sealed interface ItemCommand extends CborSerializable {

  /**
   * Leave memory now instead of after the idle timeout: a bulk import is done with this entity and
   * is not coming back, so its registrations do not pile up in the heap (no reply).
   */
  record Rest() implements ItemCommand {}

  /**
   * {@code loanPeriodDays} (R16) and {@code notForHomeLoan} (R23) are the item's own terms; {@code
   * branchId}, when given, is where the copy is shelved.
   */
  record Register(
      String titleId,
      String title,
      String agencyId,
      String materialType,
      Integer loanPeriodDays,
      boolean notForHomeLoan,
      String branchId,
      ActorRef<ItemReply> replyTo)
      implements ItemCommand {}

  /**
   * {@code damageNote}, when given, is damage seen at checkout (R24). {@code collectingHold}: the
   * hold this copy is kept for, when the title has confirmed that this patron may collect it (R28).
   */
  record Lend(
      String checkoutId,
      String cardNumber,
      String agencyId,
      String branchId,
      String damageNote,
      String collectingHold,
      ActorRef<ItemReply> replyTo)
      implements ItemCommand {}

  /** The title offers this copy to a hold: keep it for that hold if it is on the shelf and free. */
  record HoldForHold(
      String holdId,
      String titleEntityId,
      String patronKey,
      String pickupBranchId,
      String pickupAgencyId,
      ActorRef<ItemReply> replyTo)
      implements ItemCommand {}

  /** The hold ended without the copy being collected: free the copy for the next in line. */
  record ReleaseHold(String holdId, ActorRef<ItemReply> replyTo) implements ItemCommand {}

  /** The copy was received at {@code branchId} (a copy in transit to its pickup branch, R27). */
  record Arrive(String agencyId, String branchId, ActorRef<ItemReply> replyTo)
      implements ItemCommand {}

  /**
   * Settles a checkout whose outcome its coordinator did not learn: answers whether the item is
   * lent under it, and if not, makes sure it never will be.
   */
  record SettleLend(String checkoutId, ActorRef<ItemReply> replyTo) implements ItemCommand {}

  record Return(String returnId, String agencyId, String branchId, ActorRef<ItemReply> replyTo)
      implements ItemCommand {}

  record GetStatus(ActorRef<ItemReply> replyTo) implements ItemCommand {}

  /**
   * R40: the window of the loan made under {@code checkoutId} has ended; answered with {@link
   * Forgotten} once the copy's journal no longer holds who borrowed it.
   */
  record ForgetBorrower(String checkoutId, ActorRef<ItemReply> replyTo) implements ItemCommand {}

  /** The journal is erased under the snapshot at {@code sequenceNr}, or not ({@code erased}). */
  record Erased(long sequenceNr, boolean erased) implements ItemCommand {}

  /** The patron has recorded the end of the loan made under {@code checkoutId}. */
  record ReturnSettled(String checkoutId) implements ItemCommand {}

  record NotifyPatron(UnsettledReturn unsettled) implements ItemCommand {}

  record NoticeFailed(String checkoutId) implements ItemCommand {}
}
