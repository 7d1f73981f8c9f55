package dk.library.circulation.desk;

import dk.library.circulation.card.CardHint;
import dk.library.circulation.item.CurrentLoan;
import dk.library.circulation.item.DamageNote;
import dk.library.circulation.item.ItemDetails;
import dk.library.circulation.item.ItemReply;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * An item as staff and catalogues see it: on the shelf, or on loan until a due date; {@code
 * heldFor} the hold it is kept for, {@code location} the branch it was last seen at, {@code
 * timesLent} how often it was lent (counted since the copy's state recorded it; R40 forgets who
 * borrowed it, not that it was lent). Neither the loan nor the hold names the patron's key: the
 * borrower's card shows as a {@link CardHint}.
 */
public record ItemStatus(
    ItemDetails item,
    boolean onLoan,
    Lent loan,
    LocalDate dueDate,
    List<DamageNote> damage,
    Held heldFor,
    String location,
    int timesLent) {

  /** The loan as {@link CurrentLoan} records it, the borrower shown as a card hint. */
  public record Lent(
      String checkoutId,
      String card,
      String branchId,
      Instant checkedOutAt,
      String agencyId,
      String holdId,
      Boolean holdWaiting) {

    static Lent of(CurrentLoan loan) {
      return new Lent(
          loan.checkoutId(),
          CardHint.ofPatronKey(loan.cardNumber()),
          loan.branchId(),
          loan.checkedOutAt(),
          loan.agencyId(),
          loan.holdId(),
          loan.holdWaiting());
    }
  }

  /** The hold a copy is kept for and where it is to be collected; whose hold is not shown. */
  public record Held(String holdId, String pickupBranchId, String pickupAgencyId) {

    static Held of(ItemReply.HeldCopy held) {
      return held == null
          ? null
          : new Held(held.holdId(), held.pickupBranchId(), held.pickupAgencyId());
    }
  }
}
