package dk.library.circulation.desk;

import dk.library.circulation.card.CardHint;
import dk.library.circulation.item.ReturnReceipt;
import java.time.Instant;

/**
 * A return receipt as the returning machine prints it (R17, R22): the item's record of the return
 * with the borrower's card shown as a {@link CardHint}, never the patron's key, because anyone may
 * return an item.
 */
public record ReturnSlip(
    String returnId,
    String barcode,
    String title,
    String titleId,
    String card,
    String checkoutId,
    String agencyId,
    String branchId,
    Instant returnedAt,
    String holdId,
    String ownerAgencyId) {

  static ReturnSlip of(ReturnReceipt r) {
    return new ReturnSlip(
        r.returnId(),
        r.barcode(),
        r.title(),
        r.titleId(),
        CardHint.ofPatronKey(r.cardNumber()),
        r.checkoutId(),
        r.agencyId(),
        r.branchId(),
        r.returnedAt(),
        r.holdId(),
        r.ownerAgencyId());
  }
}
