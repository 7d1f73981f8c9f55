package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.done;
import static dk.library.circulation.desk.CirculationDesk.whenOk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.ill.InterlibraryRequest;
import dk.library.circulation.ill.InterlibraryRequestCommand;
import dk.library.circulation.ill.InterlibraryRequestReply;
import dk.library.circulation.ill.InterlibraryRules;
import dk.library.circulation.ill.IsoStatus;
import dk.library.circulation.ill.Partners;
import dk.library.circulation.ill.RequestView;
import dk.library.circulation.ill.Worklists;
import dk.library.circulation.item.ItemCommand;
import dk.library.circulation.item.ItemReply;
import dk.library.circulation.patron.Fees;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronHistory;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.title.Copy;
import dk.library.circulation.title.Title;
import dk.library.circulation.title.TitleCommand;
import dk.library.circulation.title.TitleReply;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Interlibrary requests across agencies (R29): the request walks the lenders' rota; each lender
 * answers by its own policy; the copy it sends is held for the patron and collected, lent and
 * returned at the borrowing branch like a hold. See docs/architecture.md, "Interlibrary requests".
 */
public final class InterlibraryDesk {

  private final CirculationDesk desk;

  InterlibraryDesk(CirculationDesk desk) {
    this.desk = desk;
  }

  /**
   * The patron must be able to reserve (R2, no block); the borrowing agency must lack the title
   * (the lenders, other agencies each named once, are checked at the API); the request then goes to
   * the first lender that holds it, lenders that do not being passed over.
   */
  public CompletionStage<Result<RequestView>> request(InterlibraryRequestForm form) {
    // The two titles the request reads, the borrowing agency's (held locally?) and the first
    // lender's (does it hold the title?), wake while the patron is checked, not one after another.
    desk.wakeTitle(Title.entityId(form.borrowingAgencyId(), form.titleId()));
    String firstLender = form.lenders().isEmpty() ? null : form.lenders().get(0);
    if (firstLender != null && !partners().isPartner(firstLender)) {
      desk.wakeTitle(Title.entityId(firstLender, form.titleId()));
    }
    return desk.withPatronKey(
        form.cardNumber(),
        key ->
            whenOk(
                desk.branch(form.borrowingAgencyId(), form.pickupBranchId()),
                agency ->
                    whenOk(
                        lendersExist(form.lenders()),
                        lendersOk ->
                            whenOk(
                                patronMayRequest(key),
                                patron ->
                                    whenOk(
                                        notHeldLocally(form),
                                        lacking ->
                                            whenOk(
                                                desk.recordElsewhere(
                                                    key,
                                                    new PatronHistory.NamedIn(
                                                        PatronHistory.NamedIn.Kind
                                                            .INTERLIBRARY_REQUEST,
                                                        form.requestId(),
                                                        desk.now())),
                                                recorded ->
                                                    requestAsk(
                                                            form.requestId(),
                                                            r ->
                                                                new InterlibraryRequestCommand
                                                                    .Create(
                                                                    new InterlibraryRequest.Details(
                                                                        form.requestId(),
                                                                        key,
                                                                        form.borrowingAgencyId(),
                                                                        form.pickupBranchId(),
                                                                        form.titleId(),
                                                                        desk.settings()
                                                                            .clock()
                                                                            .instant()),
                                                                    form.lenders(),
                                                                    partnersAmong(form.lenders()),
                                                                    r))
                                                        .thenCompose(this::passOverLendersWithout)
                                                        .thenApply(
                                                            InterlibraryDesk::anonymous)))))));
  }

  private static Result<RequestView> anonymous(Result<RequestView> result) {
    return result.map(RequestView::anonymous);
  }

  /** Each lender is an agency of the core or a partner system outside it. */
  private CompletionStage<Result<Boolean>> lendersExist(List<String> lenders) {
    CompletionStage<Result<Boolean>> all = CompletableFuture.completedFuture(Result.ok(true));
    for (String lender : lenders) {
      if (!partners().isPartner(lender)) {
        all = whenOk(all, ok -> desk.agency(lender).thenApply(a -> a.map(d -> true)));
      }
    }
    return all;
  }

  private Set<String> partnersAmong(List<String> lenders) {
    return lenders.stream().filter(partners()::isPartner).collect(Collectors.toSet());
  }

  private Partners partners() {
    return desk.settings().partners();
  }

  /** R2 and blocks: the same conditions as for a hold. */
  private CompletionStage<Result<PatronReply.Status>> patronMayRequest(String key) {
    return desk.<PatronCommand, PatronReply>ask(desk.patronRef(key), PatronCommand.GetStatus::new)
        .thenApply(
            reply -> {
              if (!(reply instanceof PatronReply.StatusReply status)) {
                return Result.refused(((PatronReply.Rejected) reply).rejection());
              }
              PatronReply.Status s = status.status();
              if (!s.facts().identityVerified()) {
                return Result.refused(
                    Rejection.of(
                        Rejection.Code.IDENTITY_NOT_VERIFIED,
                        "the patron registered by phone; staff must see ID before the"
                            + " patron can request material from other libraries"));
              }
              if (!s.blocks().isEmpty()) {
                return Result.refused(
                    Rejection.of(
                        Rejection.Code.valueOf(s.blocks().get(0).code()),
                        s.blocks().get(0).detail()));
              }
              return Result.ok(s);
            });
  }

  private CompletionStage<Result<Boolean>> notHeldLocally(InterlibraryRequestForm form) {
    return copiesAt(form.borrowingAgencyId(), form.titleId())
        .thenApply(
            copies ->
                copies.isEmpty()
                    ? Result.ok(true)
                    : Result.refused(
                        Rejection.of(
                            Rejection.Code.TITLE_HELD_LOCALLY,
                            "agency "
                                + form.borrowingAgencyId()
                                + " holds title "
                                + form.titleId()
                                + " itself; place a hold instead")));
  }

  private CompletionStage<List<Copy>> copiesAt(String agencyId, String titleId) {
    return desk.<TitleCommand, TitleReply>ask(
            desk.titleRef(agencyId, titleId),
            (ActorRef<TitleReply> r) -> new TitleCommand.GetQueue(r))
        .thenApply(reply -> ((TitleReply.QueueReply) reply).copies());
  }

  /**
   * A lender that holds no copy, or only material its policy keeps from interlibrary loan (R23),
   * answers Unfilled at once; the request moves on until a lender may supply or none is left.
   */
  private CompletionStage<Result<RequestView>> passOverLendersWithout(Result<RequestView> result) {
    if (!(result instanceof Result.Ok<RequestView> ok)
        || ok.value().status() != IsoStatus.RequestReceived) {
      return CompletableFuture.completedFuture(result);
    }
    RequestView request = ok.value();
    String lender = request.lender();
    if (partners().isPartner(lender)) {
      // A partner system screens its own holdings and answers by message.
      return CompletableFuture.completedFuture(result);
    }
    return copiesAt(lender, request.titleId())
        .thenCombine(
            desk.policy(lender),
            (copies, policy) -> {
              if (copies.isEmpty()) {
                return "agency " + lender + " does not hold the title";
              }
              AgencyPolicy p =
                  ((Result.Ok<dk.library.circulation.policy.Policy.PolicyVersion>) policy)
                      .value()
                      .policy();
              boolean lendable = copies.stream().anyMatch(c -> illAllowed(p, c.materialType()));
              return lendable
                  ? null
                  : "agency " + lender + " does not lend this material to other libraries (R23)";
            })
        .thenCompose(
            reason ->
                reason == null
                    ? CompletableFuture.completedFuture(result)
                    : requestAsk(
                            request.requestId(),
                            r ->
                                new InterlibraryRequestCommand.Answer(
                                    lender, IsoStatus.Unfilled, null, null, null, reason, r))
                        .thenCompose(this::passOverLendersWithout));
  }

  private static boolean illAllowed(AgencyPolicy policy, String materialType) {
    AgencyPolicy.MaterialRule rule = policy.material(materialType);
    return rule != null && rule.interlibraryLoan() && rule.homeLoan();
  }

  /**
   * The current lender answers. WillSupply names the copy: it must be the lender's, of the title,
   * of material the lender lends to other libraries (R23), and on the shelf; it is then held for
   * the patron, to be collected at the borrowing branch. The charge and the loan period are the
   * lender's (R29).
   */
  public CompletionStage<Result<RequestView>> answer(
      String requestId,
      String lenderAgencyId,
      IsoStatus status,
      String barcode,
      Integer chargeDkk,
      String note) {
    return answerAs(requestId, lenderAgencyId, status, barcode, chargeDkk, note)
        .thenApply(InterlibraryDesk::anonymous);
  }

  private CompletionStage<Result<RequestView>> answerAs(
      String requestId,
      String lenderAgencyId,
      IsoStatus status,
      String barcode,
      Integer chargeDkk,
      String note) {
    if (status != IsoStatus.WillSupply) {
      return requestAsk(
              requestId,
              r ->
                  new InterlibraryRequestCommand.Answer(
                      lenderAgencyId, status, null, null, null, note, r))
          .thenCompose(this::passOverLendersWithout);
    }
    // Read-only: the copy wakes while the request does.
    CompletionStage<ItemReply> copy =
        desk.<ItemCommand, ItemReply>ask(desk.itemRef(barcode), ItemCommand.GetStatus::new);
    return whenOk(
        view(requestId),
        request ->
            whenOk(
                desk.policy(lenderAgencyId),
                version ->
                    copy.thenCompose(
                        reply -> {
                          Rejection wrong =
                              copyRefusal(reply, request, lenderAgencyId, version.policy());
                          if (wrong != null) {
                            return done(wrong);
                          }
                          if (!lenderAgencyId.equals(request.lender())) {
                            return requestAsk(
                                requestId,
                                r ->
                                    new InterlibraryRequestCommand.Answer(
                                        lenderAgencyId, status, barcode, chargeDkk, null, note, r));
                          }
                          return holdCopyFor(request, barcode, lenderAgencyId)
                              .thenCompose(
                                  held ->
                                      held != null
                                          ? done(held)
                                          : requestAsk(
                                              requestId,
                                              r ->
                                                  new InterlibraryRequestCommand.Answer(
                                                      lenderAgencyId,
                                                      status,
                                                      barcode,
                                                      chargeDkk,
                                                      version
                                                          .policy()
                                                          .loanPeriodFor(
                                                              ((ItemReply.StatusReply) reply)
                                                                  .status()
                                                                  .item()
                                                                  .materialType(),
                                                              ((ItemReply.StatusReply) reply)
                                                                  .status()
                                                                  .item()
                                                                  .loanPeriodDays()),
                                                      note,
                                                      r)));
                        })));
  }

  private static Rejection copyRefusal(
      ItemReply reply, RequestView request, String lenderAgencyId, AgencyPolicy policy) {
    if (!(reply instanceof ItemReply.StatusReply status)) {
      return ((ItemReply.Rejected) reply).rejection();
    }
    ItemReply.Status item = status.status();
    if (!item.item().agencyId().equals(lenderAgencyId)
        || !item.item().titleId().equals(request.titleId())) {
      return Rejection.of(
          Rejection.Code.ITEM_NOT_OWNED_BY_AGENCY,
          "item "
              + item.item().barcode()
              + " is not a copy of title "
              + request.titleId()
              + " at agency "
              + lenderAgencyId);
    }
    if (!illAllowed(policy, item.item().materialType()) || item.item().notForHomeLoan()) {
      return Rejection.of(
          Rejection.Code.NOT_FOR_INTERLIBRARY_LOAN,
          "agency "
              + lenderAgencyId
              + " does not lend "
              + item.item().materialType()
              + " material to other libraries (R23); answer Unfilled");
    }
    return null;
  }

  /** Null when the copy now waits for the patron; else why it cannot. */
  private CompletionStage<Rejection> holdCopyFor(
      RequestView request, String barcode, String lenderAgencyId) {
    return desk.<ItemCommand, ItemReply>ask(
            desk.itemRef(barcode),
            r ->
                new ItemCommand.HoldForHold(
                    InterlibraryRequest.holdId(request.requestId()),
                    Title.entityId(lenderAgencyId, request.titleId()),
                    request.patronKey(),
                    request.pickupBranchId(),
                    request.borrowingAgencyId(),
                    r))
        .thenApply(
            reply ->
                reply instanceof ItemReply.HoldAnswer answer && answer.held()
                    ? null
                    : Rejection.of(
                        Rejection.Code.ITEM_ON_LOAN,
                        "item " + barcode + " is on loan or held for another patron"));
  }

  /** The lender recalls the copy (Recalled); the patron is told to bring it back. */
  public CompletionStage<Result<RequestView>> recall(String requestId, String lenderAgencyId) {
    return whenOk(
            view(requestId),
            request ->
                lenderAgencyId.equals(request.lender())
                    ? advance(requestId, IsoStatus.Recalled, lenderAgencyId, null)
                    : done(
                        Rejection.of(
                            Rejection.Code.NOT_THE_CURRENT_LENDER,
                            "request " + requestId + " is with agency " + request.lender())))
        .thenApply(InterlibraryDesk::anonymous);
  }

  /** The borrower cancels before the loan; a copy already held for it is freed for the lender. */
  public CompletionStage<Result<RequestView>> cancel(String requestId, String agencyId) {
    return whenOk(
            view(requestId),
            request ->
                whenOk(
                    advance(requestId, IsoStatus.Cancelled, agencyId, null),
                    cancelled ->
                        request.barcode() == null
                            ? CompletableFuture.completedFuture(Result.ok(cancelled))
                            : desk.<ItemCommand, ItemReply>ask(
                                    desk.itemRef(request.barcode()),
                                    r ->
                                        new ItemCommand.ReleaseHold(
                                            InterlibraryRequest.holdId(requestId), r))
                                .thenApply(released -> Result.ok(cancelled))))
        .thenApply(InterlibraryDesk::anonymous);
  }

  /**
   * A partner's SupplyingAgencyMessage for one of this core's requests: its answer or the loan's
   * course. A refusal by the next lender inside the core is screened as for any request.
   */
  public CompletionStage<Result<RequestView>> fromPartner(
      String partnerAgencyId,
      String requestingAgencyId,
      String requestId,
      String messageKey,
      IsoStatus status,
      String itemId,
      Instant dueAt,
      String note) {
    return requestAsk(
            requestId,
            r ->
                new InterlibraryRequestCommand.FromPartner(
                    partnerAgencyId,
                    requestingAgencyId,
                    messageKey,
                    status,
                    itemId,
                    dueAt,
                    note,
                    r))
        .thenCompose(this::passOverLendersWithout)
        .thenApply(InterlibraryDesk::anonymous);
  }

  /**
   * A partner system asks {@code lenderAgencyId}, one of ours, for a title (its Request): the
   * request is created once however often the message comes, and screened as any lender's (no copy,
   * or material kept from interlibrary loan, R23: Unfilled, told to the partner).
   */
  public CompletionStage<Result<RequestView>> requestFromPartner(
      String partnerAgencyId, String theirRequestId, String lenderAgencyId, String titleId) {
    String requestId = InterlibraryRules.partnerRequestId(partnerAgencyId, theirRequestId);
    return whenOk(
        desk.agency(lenderAgencyId),
        lender ->
            requestAsk(
                    requestId,
                    r ->
                        new InterlibraryRequestCommand.Create(
                            new InterlibraryRequest.Details(
                                requestId,
                                null,
                                partnerAgencyId,
                                partnerAgencyId,
                                titleId,
                                desk.now(),
                                theirRequestId),
                            List.of(lenderAgencyId),
                            Set.of(partnerAgencyId),
                            r))
                .thenCompose(this::passOverLendersWithout)
                .thenApply(InterlibraryDesk::anonymous));
  }

  /**
   * A partner's RequestingAgencyMessage for its request to us; a cancellation frees the copy held
   * for it.
   */
  public CompletionStage<Result<RequestView>> fromBorrowingPartner(
      String partnerAgencyId,
      String theirRequestId,
      String messageKey,
      String action,
      String note) {
    String requestId = InterlibraryRules.partnerRequestId(partnerAgencyId, theirRequestId);
    return requestAsk(
            requestId,
            r ->
                new InterlibraryRequestCommand.FromBorrowingPartner(
                    partnerAgencyId, messageKey, action, note, r))
        .thenCompose(
            result ->
                result instanceof Result.Ok<RequestView> ok
                        && ok.value().status() == IsoStatus.Cancelled
                        && ok.value().barcode() != null
                    ? releaseCopy(requestId, ok.value().barcode()).thenApply(d -> result)
                    : CompletableFuture.completedFuture(result))
        .thenApply(InterlibraryDesk::anonymous);
  }

  /** The lender sent its copy to the partner that asked for it: Loaned, the partner is told. */
  public CompletionStage<Result<RequestView>> shipToPartner(
      String requestId, String lenderAgencyId) {
    return requestAsk(requestId, r -> new InterlibraryRequestCommand.Ship(lenderAgencyId, r))
        .thenApply(InterlibraryDesk::anonymous);
  }

  /** The copy came back from the partner: LoanCompleted, the partner is told, the copy is free. */
  public CompletionStage<Result<RequestView>> checkInFromPartner(
      String requestId, String lenderAgencyId) {
    return requestAsk(requestId, r -> new InterlibraryRequestCommand.CheckIn(lenderAgencyId, r))
        .thenCompose(
            result ->
                result instanceof Result.Ok<RequestView> ok && ok.value().barcode() != null
                    ? releaseCopy(requestId, ok.value().barcode()).thenApply(d -> result)
                    : CompletableFuture.completedFuture(result))
        .thenApply(InterlibraryDesk::anonymous);
  }

  private CompletionStage<ItemReply> releaseCopy(String requestId, String barcode) {
    return desk.<ItemCommand, ItemReply>ask(
        desk.itemRef(barcode),
        r -> new ItemCommand.ReleaseHold(InterlibraryRequest.holdId(requestId), r));
  }

  /**
   * A partner's copy reached the pickup branch: the patron is told, the partner is sent Received.
   */
  public CompletionStage<Result<RequestView>> receivedFromPartner(
      String requestId, String branchId) {
    return requestAsk(requestId, r -> new InterlibraryRequestCommand.ReceivedAt(branchId, r))
        .thenApply(InterlibraryDesk::anonymous);
  }

  /** The borrowing library sent a partner's copy back: the partner is sent ShippedReturn. */
  public CompletionStage<Result<RequestView>> shipReturn(String requestId, String agencyId) {
    return requestAsk(requestId, r -> new InterlibraryRequestCommand.ShipReturn(agencyId, r))
        .thenApply(InterlibraryDesk::anonymous);
  }

  /**
   * An agency's worklist: its requests as borrower, or as the lender they are with, under one
   * status, oldest first; one read of the index, no request woken.
   */
  public CompletionStage<Worklists.Shown> worklist(
      String agencyId, boolean lending, IsoStatus status, String after, int limit) {
    return desk.settings()
        .worklists()
        .read(
            lending ? Worklists.lending(agencyId) : Worklists.borrowing(agencyId),
            status.name(),
            after,
            limit)
        .thenApply(Worklists.Page::shown);
  }

  /** The patron's own requests, oldest first, at most 100. */
  public CompletionStage<Result<Worklists.Shown>> requestsOf(String cardNumber) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            desk.settings()
                .worklists()
                .read(Worklists.patron(key), Worklists.ANY_STATUS, null, 100)
                .thenApply(page -> Result.ok(page.shown())));
  }

  /** The request as both libraries see it. */
  public CompletionStage<Result<RequestView>> read(String requestId) {
    return view(requestId).thenApply(InterlibraryDesk::anonymous);
  }

  /** The request, if it is the card's patron's; else as unknown. */
  public CompletionStage<Result<RequestView>> readAsPatron(String requestId, String cardNumber) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            view(requestId)
                .thenApply(
                    result ->
                        result instanceof Result.Ok<RequestView> ok
                                && key.equals(ok.value().patronKey())
                            ? Result.ok(ok.value().anonymous())
                            : Result.refused(
                                Rejection.of(
                                    Rejection.Code.INTERLIBRARY_REQUEST_NOT_FOUND,
                                    "no interlibrary request " + requestId))));
  }

  private CompletionStage<Result<RequestView>> view(String requestId) {
    return requestAsk(requestId, InterlibraryRequestCommand.Get::new);
  }

  // Used by the hold and checkout paths

  /** The copy reached the pickup branch: the patron is told to collect it. */
  CompletionStage<Result<RequestView>> received(String holdId, String branchId) {
    return requestAsk(
        requestIdOf(holdId), r -> new InterlibraryRequestCommand.ReceivedAt(branchId, r));
  }

  /**
   * The patron collected the copy: Loaned, with the due date's deadline indexed first (Overdue),
   * and the lender's charge posted to the patron's fees.
   */
  CompletionStage<Result<RequestView>> lent(String holdId, String patronKey, LocalDate dueDate) {
    String requestId = requestIdOf(holdId);
    Instant dueAt = dueDate.plusDays(1).atStartOfDay(desk.settings().zone()).toInstant();
    return desk.settings()
        .deadlines()
        .schedule(
            new dk.library.circulation.deadline.DeadlineIndex.Deadline(
                InterlibraryRequest.deadlineTarget(requestId), dueAt))
        .thenCompose(
            indexed ->
                requestAsk(
                    requestId,
                    r ->
                        new InterlibraryRequestCommand.Advance(
                            IsoStatus.Loaned, null, null, dueAt, r)))
        .thenCompose(
            loaned -> {
              if (!(loaned instanceof Result.Ok<RequestView> ok) || ok.value().chargeDkk() <= 0) {
                return CompletableFuture.completedFuture(loaned);
              }
              RequestView request = ok.value();
              return desk.policy(request.borrowingAgencyId())
                  .thenCompose(
                      policy ->
                          desk.<PatronCommand, PatronReply>ask(
                              desk.patronRef(patronKey),
                              r ->
                                  new PatronCommand.ChargeFee(
                                      holdId,
                                      Fees.Kind.INTERLIBRARY_LOAN,
                                      request.chargeDkk(),
                                      "interlibrary loan from " + request.lender(),
                                      request.barcode(),
                                      policy
                                              instanceof
                                              Result.Ok<
                                                          dk.library.circulation.policy.Policy
                                                              .PolicyVersion>
                                                      v
                                          ? v.value().policy().feeBlockThresholdDkk()
                                          : AgencyPolicy.DEFAULT_FEE_BLOCK_THRESHOLD_DKK,
                                      r)))
                  .thenApply(charged -> loaned);
            });
  }

  /** The copy came back: LoanCompleted. Repeated until it completes (the item's return notice). */
  CompletionStage<Done> returned(String holdId) {
    return requestAsk(
            requestIdOf(holdId),
            r ->
                new InterlibraryRequestCommand.Advance(
                    IsoStatus.LoanCompleted, null, null, null, r))
        .thenApply(result -> Done.getInstance());
  }

  static boolean isInterlibrary(String holdId) {
    return holdId != null && holdId.startsWith(InterlibraryRequest.holdId(""));
  }

  private static String requestIdOf(String holdId) {
    return holdId.substring(InterlibraryRequest.holdId("").length());
  }

  private CompletionStage<Result<RequestView>> advance(
      String requestId, IsoStatus status, String agencyId, String note) {
    return requestAsk(
        requestId, r -> new InterlibraryRequestCommand.Advance(status, agencyId, note, null, r));
  }

  CompletionStage<Result<RequestView>> requestAsk(
      String requestId,
      Function<ActorRef<InterlibraryRequestReply>, InterlibraryRequestCommand> command) {
    return desk.<InterlibraryRequestCommand, InterlibraryRequestReply>ask(
            desk.requestRef(requestId), command::apply)
        .thenApply(
            reply ->
                reply instanceof InterlibraryRequestReply.ViewReply view
                    ? Result.ok(view.request())
                    : Result.refused(
                        reply instanceof InterlibraryRequestReply.Rejected rejected
                            ? rejected.rejection()
                            : InterlibraryRules.gone(requestId)));
  }

  /**
   * A request's deadline: overdue while on loan, or, once its window after the end has passed
   * (R40), the patron forgets the request's id and then the request erases itself. Each step is
   * idempotent, and the deadline stays until both are done.
   */
  CompletionStage<Done> deadlineReached(String requestId) {
    return desk.<InterlibraryRequestCommand, InterlibraryRequestReply>ask(
            desk.requestRef(requestId), InterlibraryRequestCommand.DeadlineReached::new)
        .thenCompose(
            reply ->
                reply instanceof InterlibraryRequestReply.WindowEnded ended
                    ? forget(requestId, ended.patronKey())
                    : CompletableFuture.completedFuture(Done.getInstance()));
  }

  private CompletionStage<Done> forget(String requestId, String patronKey) {
    if (patronKey == null) {
      // A partner system's request to us: no patron of ours named it.
      return desk.<InterlibraryRequestCommand, InterlibraryRequestReply>ask(
              desk.requestRef(requestId), InterlibraryRequestCommand.Erase::new)
          .thenApply(gone -> Done.getInstance());
    }
    PatronHistory.NamedIn named =
        new PatronHistory.NamedIn(PatronHistory.NamedIn.Kind.INTERLIBRARY_REQUEST, requestId, null);
    return desk.<PatronCommand, PatronReply>ask(
            desk.patronRef(patronKey),
            (ActorRef<PatronReply> r) -> new PatronCommand.ForgetElsewhere(named, r))
        .thenCompose(
            forgotten ->
                desk.<InterlibraryRequestCommand, InterlibraryRequestReply>ask(
                    desk.requestRef(requestId), InterlibraryRequestCommand.Erase::new))
        .thenApply(gone -> Done.getInstance());
  }
}
