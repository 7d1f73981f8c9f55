package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.item.ItemEvent.BorrowerForgotten;
import dk.library.circulation.item.ItemEvent.CopyFreed;
import dk.library.circulation.item.ItemEvent.CopyHeld;
import dk.library.circulation.item.ItemEvent.DamageNoted;
import dk.library.circulation.item.ItemEvent.HoldWaiting;
import dk.library.circulation.item.ItemEvent.ItemArrived;
import dk.library.circulation.item.ItemEvent.ItemRegistered;
import dk.library.circulation.item.ItemEvent.ItemReturned;
import dk.library.circulation.item.ItemEvent.LendCancelled;
import dk.library.circulation.item.ItemEvent.Lent;
import dk.library.circulation.item.ItemEvent.ReturnNoticeConfirmed;
import dk.library.circulation.item.ItemReply.HeldCopy;
import dk.library.circulation.item.ItemReply.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code details} is null until registration. {@code cancelledCheckouts} are checkouts settled as
 * not lent (bounded), so a late {@code Lend} for them is refused.
 */
public record ItemState(
    ItemDetails details,
    CurrentLoan loan,
    List<String> cancelledCheckouts,
    ReturnReceipt lastReturn,
    List<UnsettledReturn> unsettledReturns,
    List<DamageNote> damage,
    HeldCopy heldFor,
    String location,
    int timesLent)
    implements CborSerializable {

  static final int REMEMBERED_CANCELLATIONS = 20;

  public static ItemState empty() {
    return new ItemState(null, null, List.of(), null, List.of(), List.of(), null, null, 0);
  }

  /** The state after one more event: the entity's event handler, and an initial load's fold. */
  public ItemState apply(ItemEvent event) {
    if (event instanceof ItemRegistered e) {
      return registered(e.details()).arrived(e.branchId());
    } else if (event instanceof CopyHeld e) {
      return held(e.heldFor());
    } else if (event instanceof CopyFreed) {
      return freed();
    } else if (event instanceof ItemArrived e) {
      return arrived(e.branchId());
    } else if (event instanceof Lent e) {
      return lent(e);
    } else if (event instanceof HoldWaiting) {
      return new ItemState(
          details,
          loan.withHoldWaiting(),
          cancelledCheckouts,
          lastReturn,
          unsettledReturns,
          damage,
          heldFor,
          location,
          timesLent);
    } else if (event instanceof LendCancelled e) {
      return cancelled(e.checkoutId());
    } else if (event instanceof DamageNoted e) {
      return damaged(e.note());
    } else if (event instanceof ItemReturned e) {
      return returned(e.receipt());
    } else if (event instanceof ReturnNoticeConfirmed e) {
      return noticeConfirmed(e.checkoutId());
    } else if (event instanceof BorrowerForgotten e) {
      return borrowerForgotten(e.checkoutId());
    }
    throw new IllegalArgumentException("unknown item event " + event);
  }

  ItemState copy(HeldCopy nextHeldFor, String nextLocation) {
    return new ItemState(
        details,
        loan,
        cancelledCheckouts,
        lastReturn,
        unsettledReturns,
        damage,
        nextHeldFor,
        nextLocation,
        timesLent);
  }

  ItemState held(HeldCopy h) {
    return copy(h, location);
  }

  ItemState freed() {
    return copy(null, location);
  }

  ItemState arrived(String branchId) {
    return copy(heldFor, branchId);
  }

  public boolean registered() {
    return details != null;
  }

  ItemState registered(ItemDetails d) {
    return new ItemState(
        d,
        loan,
        cancelledCheckouts,
        lastReturn,
        unsettledReturns,
        damage,
        heldFor,
        location,
        timesLent);
  }

  ItemState lent(Lent e) {
    return new ItemState(
        details,
        new CurrentLoan(
            e.checkoutId(),
            e.cardNumber(),
            e.branchId(),
            e.lentAt(),
            e.agencyId(),
            e.holdId(),
            e.holdWaiting()),
        cancelledCheckouts,
        lastReturn,
        unsettledReturns,
        damage,
        e.holdId() != null ? null : heldFor,
        location,
        timesLent + 1);
  }

  ItemState cancelled(String checkoutId) {
    List<String> next = new ArrayList<>(cancelledCheckouts);
    next.add(checkoutId);
    while (next.size() > REMEMBERED_CANCELLATIONS) {
      next.remove(0);
    }
    return new ItemState(
        details,
        loan,
        List.copyOf(next),
        lastReturn,
        unsettledReturns,
        damage,
        heldFor,
        location,
        timesLent);
  }

  ItemState returned(ReturnReceipt receipt) {
    List<UnsettledReturn> next = new ArrayList<>(unsettledReturns);
    next.add(
        new UnsettledReturn(
            receipt.checkoutId(),
            receipt.cardNumber(),
            receipt.returnedAt(),
            receipt.holdId(),
            loan == null || loan.titleWantsReturn()));
    return new ItemState(
        details,
        null,
        cancelledCheckouts,
        receipt,
        List.copyOf(next),
        damage,
        heldFor,
        receipt.branchId(),
        timesLent);
  }

  ItemState noticeConfirmed(String checkoutId) {
    List<UnsettledReturn> next =
        unsettledReturns.stream().filter(u -> !u.checkoutId().equals(checkoutId)).toList();
    return new ItemState(
        details, loan, cancelledCheckouts, lastReturn, next, damage, heldFor, location, timesLent);
  }

  ItemState borrowerForgotten(String checkoutId) {
    ReturnReceipt last =
        lastReturn != null && checkoutId.equals(lastReturn.checkoutId()) ? null : lastReturn;
    List<DamageNote> notes =
        damage.stream()
            .map(
                d ->
                    checkoutId.equals(d.checkoutId())
                        ? new DamageNote(d.note(), null, d.recordedAt())
                        : d)
            .toList();
    return new ItemState(
        details,
        loan,
        cancelledCheckouts,
        last,
        unsettledReturns.stream().filter(u -> !u.checkoutId().equals(checkoutId)).toList(),
        notes,
        heldFor,
        location,
        timesLent);
  }

  ItemState damaged(DamageNote note) {
    List<DamageNote> next = new ArrayList<>(damage);
    next.add(note);
    return new ItemState(
        details,
        loan,
        cancelledCheckouts,
        lastReturn,
        unsettledReturns,
        List.copyOf(next),
        heldFor,
        location,
        timesLent);
  }

  public Status status() {
    return new Status(details, loan, damage, heldFor, location, timesLent);
  }
}
