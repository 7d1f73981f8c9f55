package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.done;

import dk.library.circulation.Result;
import dk.library.circulation.agency.Agency;
import dk.library.circulation.item.ItemCommand;
import dk.library.circulation.item.ItemReply;
import dk.library.circulation.item.ReturnReceipt;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.statistics.CirculationStatistics;
import dk.library.circulation.title.Title;
import dk.library.circulation.title.TitleCommand;
import dk.library.circulation.title.TitleReply;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A copy comes back (R17, R22), in the order of docs/architecture.md, "Return protocol":
 *
 * <ol>
 *   <li>the branch belongs to the agency (node cache);
 *   <li>the item records the return ({@code ItemReturned}): the fact the patron's responsibility
 *       ends on, and the receipt;
 *   <li>the patron ends the loan ({@code LoanEnded});
 *   <li>only when a hold may wait for the copy (it was collected under a hold, or a hold asked for
 *       it while it was lent), its title hears that it is back and offers it to the first in line
 *       (R26); an interlibrary copy's request hears that it came back (R29);
 *   <li>the receipt goes out; the item records that the patron was told ({@code
 *       ReturnNoticeConfirmed}) after it.
 * </ol>
 *
 * If step 3 or 4 fails, the item keeps telling the patron (and the title) until they confirm, on
 * every recovery and every few seconds while it lives.
 */
final class Return {

  private final CirculationDesk desk;

  Return(CirculationDesk desk) {
    this.desk = desk;
  }

  CompletionStage<Result<ReturnReceipt>> run(ReturnRequest request) {
    return desk.branch(request.agencyId(), request.branchId())
        .thenCompose(
            agency -> {
              if (agency instanceof Result.Refused<Agency.Details> refused) {
                return done(refused.rejection());
              }
              return desk.ask(
                      desk.itemRef(request.barcode()),
                      (ActorRef<ItemReply> r) ->
                          new ItemCommand.Return(
                              request.returnId(), request.agencyId(), request.branchId(), r))
                  .thenCompose(this::endLoan);
            });
  }

  private CompletionStage<Result<ReturnReceipt>> endLoan(ItemReply reply) {
    if (reply instanceof ItemReply.Rejected rejected) {
      return done(rejected.rejection());
    }
    ItemReply.Returned returned = (ItemReply.Returned) reply;
    ReturnReceipt receipt = returned.receipt();
    desk.count(
        CirculationStatistics.Kind.RETURN,
        receipt.agencyId(),
        receipt.branchId(),
        returned.materialType());
    String title = returned.tellTitle() ? titleOf(receipt) : null;
    if (title != null) {
      // The title is told after the patron: woken now, its recovery overlaps the patron's step.
      desk.wakeTitle(title);
    }
    return noticeLoanEnded(
            receipt.cardNumber(),
            receipt.barcode(),
            receipt.checkoutId(),
            receipt.returnedAt(),
            title,
            receipt.holdId())
        .thenApply(
            confirmed -> {
              desk.itemRef(receipt.barcode())
                  .tell(new ItemCommand.ReturnSettled(receipt.checkoutId()));
              return Result.ok(receipt);
            });
  }

  /**
   * Steps 3 and 4: ends the patron's loan, then, when {@code titleEntityId} is given, tells the
   * title the copy is back. Also what the item repeats until they complete (its {@code
   * ReturnNotice}).
   */
  CompletionStage<Done> noticeLoanEnded(
      String cardNumber,
      String barcode,
      String checkoutId,
      Instant returnedAt,
      String titleEntityId,
      String holdId) {
    return desk.ask(
            desk.patronRef(cardNumber),
            (ActorRef<PatronReply> r) ->
                new PatronCommand.EndLoan(barcode, checkoutId, returnedAt, r))
        .thenCompose(
            ended ->
                titleEntityId == null
                    ? CompletableFuture.completedFuture(null)
                    : desk.ask(
                        desk.titleRef(titleEntityId),
                        (ActorRef<TitleReply> r) ->
                            new TitleCommand.CopyMoved(barcode, true, null, r)))
        .thenCompose(
            moved ->
                InterlibraryDesk.isInterlibrary(holdId)
                    ? desk.interlibrary().returned(holdId)
                    : CompletableFuture.completedFuture(Done.getInstance()));
  }

  /**
   * The owner's title: an interlibrary copy returned at the borrowing agency is still the lender's.
   */
  private static String titleOf(ReturnReceipt receipt) {
    return Title.entityId(
        receipt.ownerAgencyId() != null ? receipt.ownerAgencyId() : receipt.agencyId(),
        receipt.titleId());
  }
}
