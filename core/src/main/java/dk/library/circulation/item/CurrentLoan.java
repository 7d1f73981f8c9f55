package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/**
 * The item's side of a loan: to whom, under which checkout, where and when. {@code agencyId} is the
 * agency it was lent at (another agency for an interlibrary loan, R29; null in loans made before it
 * was recorded: the owner); {@code holdId} the hold it was collected under, if any. {@code
 * holdWaiting}: a hold on the title asked for this copy while it was lent, so the title must hear
 * of its return (null in loans made before this was recorded: the title is told, as it always was).
 */
public record CurrentLoan(
    String checkoutId,
    String cardNumber,
    String branchId,
    Instant checkedOutAt,
    String agencyId,
    String holdId,
    Boolean holdWaiting)
    implements CborSerializable {

  /**
   * Whether the copy's title must hear of its return: it was collected under a hold (the title
   * records it off the shelf), or a hold asked for it meanwhile. Otherwise the title's record
   * already has the copy on the shelf and nobody waits for it, and the return wakes no title.
   */
  public boolean titleWantsReturn() {
    return holdId != null || !Boolean.FALSE.equals(holdWaiting);
  }

  CurrentLoan withHoldWaiting() {
    return new CurrentLoan(checkoutId, cardNumber, branchId, checkedOutAt, agencyId, holdId, true);
  }
}
