package dk.library.circulation.desk;

import static dk.library.circulation.Rejection.Code.ITEM_NOT_OWNED_BY_AGENCY;
import static dk.library.circulation.Rejection.Code.ITEM_ON_LOAN;
import static dk.library.circulation.desk.CirculationDesk.done;
import static dk.library.circulation.desk.CirculationDesk.whenOk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.agency.Agency;
import dk.library.circulation.item.ItemCommand;
import dk.library.circulation.item.ItemReply;
import dk.library.circulation.item.ItemRules;
import dk.library.circulation.patron.CheckoutOutcome;
import dk.library.circulation.patron.CheckoutReceipt;
import dk.library.circulation.patron.Patron;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronRules;
import dk.library.circulation.patron.PendingCheckout;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.Policy;
import dk.library.circulation.statistics.CirculationStatistics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A patron borrows an item. Two entities change, the patron and the item, with no distributed
 * transaction; each decides its own part, in an order in which every half-done state is finished or
 * undone by the entity that sees it (docs/architecture.md, "Checkout protocol"):
 *
 * <ol>
 *   <li>read-only checks: the card (not lost), agency and branch, policy (node caches), the item
 *       (owned by the agency, not on loan, lendable, held for this patron or their proxy); an item
 *       that cannot be lent is named only to a patron whose PIN matches. Meanwhile the client's
 *       transaction id is claimed for this checkout ({@code TransactionClaim});
 *   <li>the patron approves (PIN, limits, blocks) and persists {@code CheckoutBegun}: a pending
 *       checkout that counts against the limit;
 *   <li>once the claim is granted, the item lends itself and persists {@code Lent}: <b>the commit
 *       point</b>. The receipt goes out now, after two journal writes in series (the claim's runs
 *       beside the patron's);
 *   <li>the patron is told to turn the pending checkout into a loan ({@code CheckoutCompleted}),
 *       after the reply. Should that be lost, the patron settles the pending checkout with the item
 *       when it next starts, or every few seconds while it lives, and finds it lent.
 * </ol>
 *
 * If the item refuses in step 3, the patron abandons the pending checkout before the refusal is
 * answered, so a refused checkout never holds a place under the loan limit afterwards.
 */
final class Checkout {

  private final CirculationDesk desk;

  Checkout(CirculationDesk desk) {
    this.desk = desk;
  }

  CompletionStage<Result<CheckoutReceipt>> run(CheckoutRequest request) {
    // Read-only, and needed whoever borrows: asked while the card is looked up, so the item wakes
    // at the same time as the card and the patron.
    CompletionStage<ItemReply> item =
        desk.ask(desk.itemRef(request.barcode()), ItemCommand.GetStatus::new);
    // The transaction id is claimed meanwhile; only the item's Lent waits for the claim, so the
    // checkout still waits on two journal writes in series.
    CompletionStage<Rejection> claim =
        desk.claimTransaction(
            request.clientId(), request.checkoutId(), request.cardNumber(), request.barcode());
    return desk.withPatronKey(
            request.cardNumber(), key -> checkAgency(request.forPatron(key), item, claim))
        .thenApply(r -> r.map(receipt -> receipt.withCardNumber(request.cardNumber())));
  }

  // Step 1: read-only checks

  private CompletionStage<Result<CheckoutReceipt>> checkAgency(
      CheckoutRequest request, CompletionStage<ItemReply> item, CompletionStage<Rejection> claim) {
    return desk.branch(request.agencyId(), request.branchId())
        .thenCompose(
            agency -> {
              if (agency instanceof Result.Refused<Agency.Details> refused) {
                return done(refused.rejection());
              }
              return desk.policy(request.agencyId());
            })
        .thenCompose(
            policy -> {
              if (policy instanceof Result.Refused<Policy.PolicyVersion> refused) {
                return done(refused.rejection());
              }
              AgencyPolicy current = ((Result.Ok<Policy.PolicyVersion>) policy).value().policy();
              return item.thenCompose(
                  reply -> checkItem(request, current, ItemResult.of(reply), claim));
            });
  }

  private CompletionStage<Result<CheckoutReceipt>> checkItem(
      CheckoutRequest request,
      AgencyPolicy policy,
      ItemResult item,
      CompletionStage<Rejection> claim) {
    if (item.rejection() != null) {
      return patronFirst(request, item.rejection());
    }
    ItemReply.Status status = item.status();
    ItemReply.HeldCopy held = status.heldFor();
    if (held != null && request.agencyId().equals(held.pickupAgencyId())) {
      // R29: an interlibrary copy is lent at the borrowing branch on the lender's terms.
      return whenOk(
          desk.policy(status.item().agencyId()),
          lender -> checkHeld(request, lender.policy(), status, held, claim));
    }
    if (!status.item().agencyId().equals(request.agencyId())) {
      return patronFirst(
          request,
          Rejection.of(
              ITEM_NOT_OWNED_BY_AGENCY,
              "item "
                  + request.barcode()
                  + " belongs to agency "
                  + status.item().agencyId()
                  + "; it can be checked out only at that agency's branches"));
    }
    if (status.loan() != null
        && !(status.loan().checkoutId().equals(request.checkoutId())
            && status.loan().cardNumber().equals(request.cardNumber()))) {
      return patronFirst(
          request, Rejection.of(ITEM_ON_LOAN, "item " + request.barcode() + " is already on loan"));
    }
    return checkHeld(request, policy, status, status.heldFor(), claim);
  }

  private CompletionStage<Result<CheckoutReceipt>> checkHeld(
      CheckoutRequest request,
      AgencyPolicy policy,
      ItemReply.Status status,
      ItemReply.HeldCopy held,
      CompletionStage<Rejection> claim) {
    Rejection notLendable = ItemRules.homeLoanRefusal(status.item(), policy);
    if (notLendable != null) {
      return patronFirst(request, notLendable);
    }
    if (held == null || held.patronKey().equals(request.cardNumber())) {
      return approve(request, policy, status, held, claim);
    }
    // R28: a copy held for someone else goes only to their proxy or the notice's bearer.
    return desk.holds()
        .checkCollector(held, request.cardNumber(), request.pickupToken(), policy, status)
        .thenCompose(
            refusal ->
                refusal != null
                    ? patronFirst(request, refusal)
                    : approve(request, policy, status, held, claim));
  }

  /**
   * An item's refusal goes only to a patron who proved the card: an unknown card or a wrong PIN is
   * answered as such (and counts towards the PIN lockout, R4), so the item's state is told to
   * nobody who cannot borrow.
   */
  private CompletionStage<Result<CheckoutReceipt>> patronFirst(
      CheckoutRequest request, Rejection itemRefusal) {
    return desk.ask(
            desk.patronRef(request.cardNumber()),
            (ActorRef<PatronReply> r) -> new PatronCommand.CheckPin(request.pin(), r))
        .thenApply(
            reply ->
                Result.refused(
                    reply instanceof PatronReply.Rejected rejected
                        ? rejected.rejection()
                        : itemRefusal));
  }

  // Step 2: the patron approves and records a pending checkout

  private CompletionStage<Result<CheckoutReceipt>> approve(
      CheckoutRequest request,
      AgencyPolicy policy,
      ItemReply.Status status,
      ItemReply.HeldCopy held,
      CompletionStage<Rejection> claim) {
    return desk.ask(
            desk.patronRef(request.cardNumber()),
            (ActorRef<PatronReply> r) ->
                new PatronCommand.BeginCheckout(
                    request.checkoutId(),
                    request.pin(),
                    request.barcode(),
                    request.agencyId(),
                    request.branchId(),
                    policy,
                    status.item().materialType(),
                    status.item().loanPeriodDays(),
                    r))
        .thenCompose(
            reply -> {
              if (reply instanceof PatronReply.CheckoutApproved approved) {
                return whenClaimed(request, claim, () -> lend(request, approved.pending(), held))
                    .thenApply(
                        result -> {
                          if (held != null && result instanceof Result.Ok<CheckoutReceipt> ok) {
                            desk.holds().collected(held, request.barcode(), ok.value().dueDate());
                          }
                          return result;
                        });
              }
              return CompletableFuture.completedFuture(result(reply));
            });
  }

  /** The transaction id is this checkout's, or the pending checkout is abandoned. */
  private CompletionStage<Result<CheckoutReceipt>> whenClaimed(
      CheckoutRequest request,
      CompletionStage<Rejection> claim,
      Supplier<CompletionStage<Result<CheckoutReceipt>>> lend) {
    return claim
        .handle(
            (refusal, failure) -> {
              if (failure != null) {
                return abandon(request, PatronRules.interrupted(request.checkoutId()));
              }
              return refusal != null ? abandon(request, refusal) : lend.get();
            })
        .thenCompose(Function.identity());
  }

  // Step 3: the item lends itself (the commit point); the receipt goes out

  private CompletionStage<Result<CheckoutReceipt>> lend(
      CheckoutRequest request, PendingCheckout pending, ItemReply.HeldCopy held) {
    return desk.ask(
            desk.itemRef(request.barcode()),
            (ActorRef<ItemReply> r) ->
                new ItemCommand.Lend(
                    request.checkoutId(),
                    request.cardNumber(),
                    request.agencyId(),
                    request.branchId(),
                    request.damageNote(),
                    held != null ? held.holdId() : null,
                    r))
        .handle(
            (reply, failure) -> {
              if (failure != null) {
                // The item's answer was lost: ask it to settle, then finish accordingly.
                return desk.settleLend(request.barcode(), request.checkoutId())
                    .thenCompose(
                        lent ->
                            lent
                                ? complete(request)
                                : abandon(request, PatronRules.interrupted(request.checkoutId())));
              }
              if (reply instanceof ItemReply.Rejected rejected) {
                return abandon(request, rejected.rejection());
              }
              completeAfterReply(request);
              desk.count(
                  CirculationStatistics.Kind.LOAN,
                  request.agencyId(),
                  request.branchId(),
                  pending.terms().materialType());
              return CompletableFuture.completedFuture(
                  Result.ok(pending.receipt(request.cardNumber())));
            })
        .thenCompose(Function.identity());
  }

  // Step 4: the patron turns the pending checkout into a loan

  /**
   * Told, not asked: the loan exists from the item's {@code Lent} on, and a patron that does not
   * record it now settles it with the item when it next starts (see {@link Patron}).
   */
  private void completeAfterReply(CheckoutRequest request) {
    desk.patronRef(request.cardNumber())
        .tell(new PatronCommand.CompleteCheckout(request.checkoutId(), desk.ignoreReplies()));
  }

  /** After a lost item reply, the desk waits for the patron's record before it answers. */
  private CompletionStage<Result<CheckoutReceipt>> complete(CheckoutRequest request) {
    return desk.ask(
            desk.patronRef(request.cardNumber()),
            (ActorRef<PatronReply> r) ->
                new PatronCommand.CompleteCheckout(request.checkoutId(), r))
        .thenApply(Checkout::result);
  }

  private CompletionStage<Result<CheckoutReceipt>> abandon(
      CheckoutRequest request, Rejection reason) {
    return desk.ask(
            desk.patronRef(request.cardNumber()),
            (ActorRef<PatronReply> r) ->
                new PatronCommand.AbandonCheckout(request.checkoutId(), reason, r))
        .thenApply(Checkout::result);
  }

  private static Result<CheckoutReceipt> result(PatronReply reply) {
    if (reply instanceof PatronReply.CheckoutFinished finished) {
      CheckoutOutcome outcome = finished.outcome();
      return outcome.receipt() != null
          ? Result.ok(outcome.receipt())
          : Result.refused(outcome.rejection());
    }
    if (reply instanceof PatronReply.Rejected rejected) {
      return Result.refused(rejected.rejection());
    }
    throw new IllegalStateException("unexpected reply to a checkout step: " + reply);
  }
}
