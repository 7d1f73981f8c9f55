package dk.library.circulation.item;

import static dk.library.circulation.Rejection.Code.CHECKOUT_CANCELLED;
import static dk.library.circulation.Rejection.Code.DAMAGE_RECORDED_AT_CHECKOUT;
import static dk.library.circulation.Rejection.Code.ITEM_ALREADY_REGISTERED;
import static dk.library.circulation.Rejection.Code.ITEM_HELD_FOR_ANOTHER_PATRON;
import static dk.library.circulation.Rejection.Code.ITEM_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.ITEM_NOT_ON_LOAN;
import static dk.library.circulation.Rejection.Code.ITEM_NOT_OWNED_BY_AGENCY;
import static dk.library.circulation.Rejection.Code.ITEM_ON_LOAN;
import static dk.library.circulation.Rejection.Code.LOAN_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.NOT_FOR_HOME_LOAN;
import static dk.library.circulation.Rejection.Code.TRANSACTION_ID_REUSED;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.util.List;

/** The item's side of circulation as pure functions. */
public final class ItemRules {

  private ItemRules() {}

  /** Registering the same copy again is harmless; another copy under a taken barcode is refused. */
  public static Decision<ItemEvent> register(
      ItemState state, String barcode, ItemCommand.Register cmd) {
    ItemDetails wanted =
        new ItemDetails(
            barcode,
            cmd.titleId(),
            cmd.title(),
            cmd.agencyId(),
            cmd.materialType(),
            cmd.loanPeriodDays(),
            cmd.notForHomeLoan());
    if (state.registered()) {
      return state.details().equals(wanted)
          ? Decision.unchanged()
          : Decision.refuse(
              ITEM_ALREADY_REGISTERED,
              "barcode " + barcode + " is already registered to another item");
    }
    return Decision.persist(new ItemEvent.ItemRegistered(wanted, cmd.branchId()));
  }

  /**
   * One item, one loan: the first checkout to reach the item wins, a repeat of the same checkout
   * changes nothing, and a checkout already settled as not lent is refused for good.
   */
  public static Decision<ItemEvent> lend(
      ItemState state, String barcode, ItemCommand.Lend cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(barcode));
    }
    if (!state.details().agencyId().equals(cmd.agencyId()) && !pickedUpAt(state, cmd.agencyId())) {
      return new Decision.Refuse<>(notOwnedBy(state, cmd.agencyId()));
    }
    if (state.loan() != null) {
      if (!state.loan().checkoutId().equals(cmd.checkoutId())) {
        return Decision.refuse(ITEM_ON_LOAN, "item " + barcode + " is already on loan");
      }
      // The same transaction id from another patron is not a retry of this loan.
      return state.loan().cardNumber().equals(cmd.cardNumber())
          ? Decision.unchanged()
          : Decision.refuse(
              TRANSACTION_ID_REUSED,
              "transaction id " + cmd.checkoutId() + " was used for another checkout");
    }
    if (state.cancelledCheckouts().contains(cmd.checkoutId())) {
      return Decision.refuse(
          CHECKOUT_CANCELLED,
          "checkout " + cmd.checkoutId() + " was cancelled; start a new checkout");
    }
    ItemReply.HeldCopy held = state.heldFor();
    if (held != null
        && !held.patronKey().equals(cmd.cardNumber())
        && !held.holdId().equals(cmd.collectingHold())) {
      return Decision.refuse(
          ITEM_HELD_FOR_ANOTHER_PATRON,
          "item " + barcode + " is held for another patron's reservation (R28)");
    }
    ItemEvent.Lent lent =
        new ItemEvent.Lent(
            cmd.checkoutId(),
            cmd.cardNumber(),
            cmd.branchId(),
            now,
            held != null ? held.holdId() : null,
            cmd.agencyId(),
            false);
    if (cmd.damageNote() == null) {
      return Decision.persist(lent);
    }
    return new Decision.Persist<>(
        List.of(
            lent,
            new ItemEvent.DamageNoted(new DamageNote(cmd.damageNote(), cmd.checkoutId(), now))));
  }

  /**
   * R31: only a copy on loan to the patron is charged to them as lost or damaged; R24: not for
   * damage that was recorded at that loan's checkout. Null when the charge may be made.
   */
  public static Rejection lostOrDamagedRefusal(
      ItemReply.Status status, String patronKey, boolean damaged) {
    if (status.loan() == null || !status.loan().cardNumber().equals(patronKey)) {
      return Rejection.of(
          LOAN_NOT_FOUND, "item " + status.item().barcode() + " is not on loan to this patron");
    }
    boolean notedAtCheckout =
        status.damage().stream().anyMatch(d -> d.checkoutId().equals(status.loan().checkoutId()));
    if (damaged && notedAtCheckout) {
      return Rejection.of(
          DAMAGE_RECORDED_AT_CHECKOUT,
          "the damage on item "
              + status.item().barcode()
              + " was recorded at this loan's checkout; the borrower is not charged for it (R24)");
    }
    return null;
  }

  /**
   * R23: an item, or its whole material type, may be for use in the library only; null if lendable.
   */
  public static Rejection homeLoanRefusal(ItemDetails item, AgencyPolicy policy) {
    AgencyPolicy.MaterialRule rule = policy.material(item.materialType());
    if (item.notForHomeLoan() || (rule != null && !rule.homeLoan())) {
      return Rejection.of(
          NOT_FOR_HOME_LOAN,
          "item "
              + item.barcode()
              + (item.notForHomeLoan() ? "" : " (" + item.materialType() + ")")
              + " is for use in the library only and cannot be checked out");
    }
    return null;
  }

  /**
   * The title offers this copy to a hold. Only a registered copy on the shelf that is kept for no
   * other hold takes it: this is what makes sure no copy is ever held for two holds. Offered again
   * to the same hold, it answers the same.
   */
  public static Decision<ItemEvent> holdFor(ItemState state, ItemCommand.HoldForHold cmd) {
    if (state.loan() != null && Boolean.FALSE.equals(state.loan().holdWaiting())) {
      // The title now counts this copy as off the shelf: it must hear when the copy is back.
      return Decision.persist(new ItemEvent.HoldWaiting(cmd.holdId()));
    }
    if (!state.registered() || state.loan() != null || state.heldFor() != null) {
      return Decision.unchanged();
    }
    return Decision.persist(
        new ItemEvent.CopyHeld(
            new ItemReply.HeldCopy(
                cmd.holdId(),
                cmd.titleEntityId(),
                cmd.patronKey(),
                cmd.pickupBranchId(),
                cmd.pickupAgencyId())));
  }

  /** A hold ended without collecting the copy: it is free again. Any other hold: no change. */
  public static Decision<ItemEvent> release(ItemState state, String holdId) {
    return state.heldFor() != null && state.heldFor().holdId().equals(holdId)
        ? Decision.persist(new ItemEvent.CopyFreed(holdId))
        : Decision.unchanged();
  }

  /** R27: the copy was received at a branch of its own agency (in transit to a pickup branch). */
  public static Decision<ItemEvent> arrive(
      ItemState state, String barcode, ItemCommand.Arrive cmd) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(barcode));
    }
    if (!state.details().agencyId().equals(cmd.agencyId()) && !pickedUpAt(state, cmd.agencyId())) {
      return new Decision.Refuse<>(notOwnedBy(state, cmd.agencyId()));
    }
    return cmd.branchId().equals(state.location())
        ? Decision.unchanged()
        : Decision.persist(new ItemEvent.ItemArrived(cmd.branchId()));
  }

  /** R29: a copy held for an interlibrary loan is received and lent at the borrowing agency. */
  private static boolean pickedUpAt(ItemState state, String agencyId) {
    return state.heldFor() != null && agencyId.equals(state.heldFor().pickupAgencyId());
  }

  public static Decision<ItemEvent> settleLend(ItemState state, String checkoutId) {
    if (isLentUnder(state, checkoutId) || state.cancelledCheckouts().contains(checkoutId)) {
      return Decision.unchanged();
    }
    return Decision.persist(new ItemEvent.LendCancelled(checkoutId));
  }

  public static boolean isLentUnder(ItemState state, String checkoutId) {
    return state.loan() != null && state.loan().checkoutId().equals(checkoutId);
  }

  /**
   * R22: an item may be returned at any branch of its agency; the patron answers for it until the
   * return is registered. A retried return with the same return id repeats the receipt.
   */
  public static Decision<ItemEvent> returnItem(
      ItemState state, String barcode, ItemCommand.Return cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(barcode));
    }
    if (state.lastReturn() != null && state.lastReturn().returnId().equals(cmd.returnId())) {
      return Decision.unchanged();
    }
    boolean lentThere = state.loan() != null && cmd.agencyId().equals(state.loan().agencyId());
    if (!state.details().agencyId().equals(cmd.agencyId()) && !lentThere) {
      return new Decision.Refuse<>(notOwnedBy(state, cmd.agencyId()));
    }
    if (state.loan() == null) {
      return Decision.refuse(
          ITEM_NOT_ON_LOAN, "item " + barcode + " is not on loan, so it cannot be returned");
    }
    return Decision.persist(
        new ItemEvent.ItemReturned(
            new ReturnReceipt(
                cmd.returnId(),
                barcode,
                state.details().title(),
                state.details().titleId(),
                state.loan().cardNumber(),
                state.loan().checkoutId(),
                cmd.agencyId(),
                cmd.branchId(),
                now,
                state.loan().holdId(),
                state.details().agencyId())));
  }

  public static Decision<ItemEvent> confirmNotice(ItemState state, String checkoutId) {
    boolean unsettled =
        state.unsettledReturns().stream().anyMatch(u -> u.checkoutId().equals(checkoutId));
    return unsettled
        ? Decision.persist(new ItemEvent.ReturnNoticeConfirmed(checkoutId))
        : Decision.unchanged();
  }

  public static Rejection notFound(String barcode) {
    return Rejection.of(ITEM_NOT_FOUND, "no item is registered with barcode " + barcode);
  }

  private static Rejection notOwnedBy(ItemState state, String agencyId) {
    return Rejection.of(
        ITEM_NOT_OWNED_BY_AGENCY,
        "item "
            + state.details().barcode()
            + " belongs to agency "
            + state.details().agencyId()
            + ", not "
            + agencyId
            + "; it circulates only at that agency's branches");
  }
}
