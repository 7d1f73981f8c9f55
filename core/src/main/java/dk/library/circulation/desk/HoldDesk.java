package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.done;
import static dk.library.circulation.desk.CirculationDesk.whenOk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.agency.Agency;
import dk.library.circulation.ill.InterlibraryRequest;
import dk.library.circulation.item.ItemCommand;
import dk.library.circulation.item.ItemReply;
import dk.library.circulation.notice.Notice;
import dk.library.circulation.patron.Loan;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.statistics.CirculationStatistics;
import dk.library.circulation.title.Dispatch;
import dk.library.circulation.title.HoldView;
import dk.library.circulation.title.Title;
import dk.library.circulation.title.TitleCommand;
import dk.library.circulation.title.TitleReply;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where holds are placed, cancelled, collected and received across patrons, titles and items (R18,
 * R21, R23, R25-R28). As with checkouts, each entity applies its own rules; see
 * docs/architecture.md, "Hold allocation".
 */
public final class HoldDesk {

  private final CirculationDesk desk;

  HoldDesk(CirculationDesk desk) {
    this.desk = desk;
  }

  /**
   * R25: the patron's reservation first counts against their limit (R2, blocks, R21), then joins
   * the title's queue (R23, R27). If the title refuses, the reservation stops counting again.
   */
  public CompletionStage<Result<HoldView>> place(HoldRequest request) {
    String titleEntityId = Title.entityId(request.agencyId(), request.titleId());
    // Asked after the patron: woken now, its recovery overlaps the card's and the patron's.
    desk.wakeTitle(titleEntityId);
    return desk.withPatronKey(
        request.cardNumber(),
        key ->
            whenOk(
                desk.branch(request.agencyId(), request.pickupBranchId()),
                agency ->
                    whenOk(
                        desk.policy(request.agencyId()),
                        version ->
                            reserve(key, request, titleEntityId, version.policy())
                                .thenApply(HoldDesk::anonymous))));
  }

  private CompletionStage<Result<HoldView>> reserve(
      String key, HoldRequest request, String titleEntityId, AgencyPolicy policy) {
    CompletionStage<Result<PatronReply.Status>> counted =
        desk.<PatronCommand, PatronReply>ask(
                desk.patronRef(key),
                r -> new PatronCommand.ReserveHold(request.holdId(), titleEntityId, policy, r))
            .thenApply(HoldDesk::patronResult);
    return whenOk(
        counted,
        patron ->
            titleAsk(
                    titleEntityId,
                    r ->
                        new TitleCommand.PlaceHold(
                            request.holdId(),
                            key,
                            request.agencyId(),
                            request.titleId(),
                            request.pickupBranchId(),
                            request.notInterestedAfter(),
                            request.barcode(),
                            reservableTypes(policy),
                            policy.itemLevelHolds(),
                            policy.daysToCollect(),
                            r))
                .thenCompose(
                    placed -> {
                      if (placed instanceof Result.Refused<HoldView>) {
                        return releaseCount(key, request.holdId()).thenApply(released -> placed);
                      }
                      // A hold is for the title, whatever copy fills it (R42).
                      desk.count(
                          CirculationStatistics.Kind.HOLD,
                          request.agencyId(),
                          request.pickupBranchId(),
                          CirculationStatistics.ANY_MATERIAL);
                      return CompletableFuture.completedFuture(placed);
                    }));
  }

  private static Set<String> reservableTypes(AgencyPolicy policy) {
    Set<String> types = new HashSet<>();
    policy
        .materialTypes()
        .forEach(
            (type, rule) -> {
              if (rule.reservable()) {
                types.add(type);
              }
            });
    return types;
  }

  /**
   * The holder (or staff, when {@code cardNumber} is null) cancels; a copy held for it goes to the
   * next in line. The reservation stops counting at once, also for a hold its title never queued.
   */
  public CompletionStage<Result<HoldView>> cancel(
      String cardNumber, String agencyId, String titleId, String holdId) {
    String titleEntityId = Title.entityId(agencyId, titleId);
    if (cardNumber == null) {
      return whenOk(
          titleAsk(titleEntityId, r -> new TitleCommand.CancelHold(holdId, null, r)),
          view ->
              releaseCount(view.patronKey(), holdId).thenApply(r -> Result.ok(anonymous(view))));
    }
    return desk.withPatronKey(
        cardNumber,
        key ->
            titleAsk(titleEntityId, r -> new TitleCommand.CancelHold(holdId, key, r))
                .thenCompose(cancelled -> releaseCount(key, holdId).thenApply(r -> cancelled))
                .thenApply(HoldDesk::anonymous));
  }

  /**
   * The holder changes a hold's pickup branch (R27, a branch of the hold's agency) or its "not
   * interested after" date (R25); null keeps the hold's own.
   */
  public CompletionStage<Result<HoldView>> change(
      String cardNumber,
      String agencyId,
      String titleId,
      String holdId,
      String pickupBranchId,
      LocalDate notInterestedAfter) {
    CompletionStage<Result<Agency.Details>> branch =
        pickupBranchId == null ? desk.agency(agencyId) : desk.branch(agencyId, pickupBranchId);
    return desk.withPatronKey(
        cardNumber,
        key ->
            whenOk(
                branch,
                agency ->
                    titleAsk(
                            Title.entityId(agencyId, titleId),
                            r ->
                                new TitleCommand.ChangeHold(
                                    holdId, key, pickupBranchId, notInterestedAfter, r))
                        .thenApply(HoldDesk::anonymous)));
  }

  private CompletionStage<PatronReply> releaseCount(String patronKey, String holdId) {
    return desk.<PatronCommand, PatronReply>ask(
        desk.patronRef(patronKey), r -> new PatronCommand.ReleaseHold(holdId, r));
  }

  /** One hold, active or ended. */
  public CompletionStage<Result<HoldView>> hold(String agencyId, String titleId, String holdId) {
    return titleAsk(Title.entityId(agencyId, titleId), r -> new TitleCommand.GetHold(holdId, r))
        .thenApply(HoldDesk::anonymous);
  }

  /** The patron's holds at every agency, with their place in each queue. */
  public CompletionStage<Result<List<HoldView>>> holdsOf(String cardNumber) {
    return whenOk(
        desk.patronStatus(cardNumber),
        patron -> {
          CompletableFuture<List<HoldView>> all =
              CompletableFuture.completedFuture(new ArrayList<>());
          for (Map.Entry<String, String> hold : patron.holds().entrySet()) {
            all =
                all.thenCombine(
                    titleAsk(hold.getValue(), r -> new TitleCommand.GetHold(hold.getKey(), r))
                        .toCompletableFuture(),
                    (list, view) -> {
                      if (view instanceof Result.Ok<HoldView> ok) {
                        list.add(anonymous(ok.value()));
                      }
                      return list;
                    });
          }
          return all.thenApply(Result::ok);
        });
  }

  /**
   * The queue of a title at an agency, in placement order, and what the title knows of its copies.
   */
  public CompletionStage<Result<TitleReply.QueueReply>> queue(String agencyId, String titleId) {
    return desk.<TitleCommand, TitleReply>ask(
            desk.titleRef(agencyId, titleId),
            (ActorRef<TitleReply> r) -> new TitleCommand.GetQueue(r))
        .thenApply(
            reply -> {
              TitleReply.QueueReply queue = (TitleReply.QueueReply) reply;
              return Result.ok(
                  new TitleReply.QueueReply(
                      queue.holds().stream().map(HoldDesk::anonymous).toList(), queue.copies()));
            });
  }

  /** R28: the holder names another patron who may collect the copy for them. */
  public CompletionStage<Result<HoldView>> authoriseProxy(
      String holderCard, String agencyId, String titleId, String holdId, String proxyCard) {
    return desk.withPatronKey(
        holderCard,
        holder ->
            desk.withPatronKey(
                proxyCard,
                proxy ->
                    titleAsk(
                            Title.entityId(agencyId, titleId),
                            r -> new TitleCommand.AuthoriseProxy(holdId, holder, proxy, r))
                        .thenApply(HoldDesk::anonymous)));
  }

  /**
   * R27: staff receive a copy at a branch; a copy in transit to its pickup branch becomes ready for
   * pickup and its patron is notified (R26). The answer is the hold, if the copy is held.
   */
  public CompletionStage<Result<Arrival>> arrive(String barcode, String agencyId, String branchId) {
    return whenOk(
        desk.branch(agencyId, branchId),
        agency ->
            desk.<ItemCommand, ItemReply>ask(
                    desk.itemRef(barcode), r -> new ItemCommand.Arrive(agencyId, branchId, r))
                .thenCompose(
                    reply -> {
                      if (reply instanceof ItemReply.Rejected rejected) {
                        return done(rejected.rejection());
                      }
                      ItemReply.Status item = ((ItemReply.StatusReply) reply).status();
                      ItemReply.HeldCopy held = item.heldFor();
                      String owner = item.item().agencyId();
                      if (held == null) {
                        return CompletableFuture.completedFuture(
                            Result.ok(new Arrival(barcode, owner, null, null)));
                      }
                      if (InterlibraryDesk.isInterlibrary(held.holdId())) {
                        return desk.interlibrary()
                            .received(held.holdId(), branchId)
                            .thenApply(
                                view ->
                                    view.map(
                                        v -> new Arrival(barcode, owner, null, v.anonymous())));
                      }
                      return titleAsk(
                              held.titleEntityId(),
                              r ->
                                  new TitleCommand.CopyArrived(held.holdId(), barcode, branchId, r))
                          .thenApply(
                              view ->
                                  view.map(v -> new Arrival(barcode, owner, anonymous(v), null)));
                    }));
  }

  /** The notices recorded for the patron, sent and not yet sent. */
  public CompletionStage<Result<List<Notice>>> notices(String cardNumber) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            desk.<PatronCommand, PatronReply>ask(desk.patronRef(key), PatronCommand.GetNotices::new)
                .thenApply(
                    reply ->
                        reply instanceof PatronReply.NoticesReply notices
                            ? Result.ok(notices.notices())
                            : Result.refused(((PatronReply.Rejected) reply).rejection())));
  }

  // Used by the checkout and renewal paths of the desk

  /** R28: null when {@code collectorKey} may collect the copy held under {@code held}. */
  CompletionStage<Rejection> checkCollector(
      ItemReply.HeldCopy held,
      String collectorKey,
      String pickupToken,
      AgencyPolicy policy,
      ItemReply.Status item) {
    AgencyPolicy.MaterialRule rule = policy.material(item.item().materialType());
    boolean noProxy = rule != null && rule.noProxyPickup();
    return desk.<TitleCommand, TitleReply>ask(
            desk.titleRef(held.titleEntityId()),
            r ->
                new TitleCommand.CheckCollector(
                    held.holdId(), collectorKey, pickupToken, noProxy, r))
        .thenApply(
            reply ->
                reply instanceof TitleReply.Rejected rejected
                    ? Rejection.of(
                        Rejection.Code.ITEM_HELD_FOR_ANOTHER_PATRON, rejected.rejection().message())
                    : null);
  }

  /**
   * The held copy was lent to its holder or proxy: the hold is collected. If this word is lost, the
   * title learns it when it tries to release the copy at the pickup deadline.
   */
  void collected(ItemReply.HeldCopy held, String barcode, java.time.LocalDate dueDate) {
    if (InterlibraryDesk.isInterlibrary(held.holdId())) {
      desk.interlibrary().lent(held.holdId(), held.patronKey(), dueDate);
      return;
    }
    desk.<TitleCommand, TitleReply>ask(
        desk.titleRef(held.titleEntityId()),
        r -> new TitleCommand.CopyMoved(barcode, false, held.holdId(), r));
  }

  /** R18: the barcodes among {@code loans} whose title another patron waits for. */
  CompletionStage<Set<String>> reservedByOthers(String patronKey, Collection<Loan> loans) {
    CompletableFuture<Set<String>> all = CompletableFuture.completedFuture(new HashSet<>());
    for (Loan loan : loans) {
      CompletableFuture<Boolean> reserved =
          desk.<ItemCommand, ItemReply>ask(desk.itemRef(loan.barcode()), ItemCommand.GetStatus::new)
              .thenCompose(
                  reply -> {
                    if (!(reply instanceof ItemReply.StatusReply status)) {
                      return CompletableFuture.completedFuture(false);
                    }
                    return desk.<TitleCommand, TitleReply>ask(
                            desk.titleRef(
                                status.status().item().agencyId(),
                                status.status().item().titleId()),
                            (ActorRef<TitleReply> r) -> new TitleCommand.GetQueue(r))
                        .thenApply(
                            queue ->
                                ((TitleReply.QueueReply) queue)
                                    .holds().stream()
                                        .anyMatch(
                                            h ->
                                                !h.patronKey().equals(patronKey)
                                                    && h.barcode() == null
                                                    && "WAITING".equals(h.status())));
                  })
              .toCompletableFuture();
      all =
          all.thenCombine(
              reserved,
              (set, yes) -> {
                if (yes) {
                  set.add(loan.barcode());
                }
                return set;
              });
    }
    return all;
  }

  // The title's collaborators

  Title.Copies copies() {
    return new Title.Copies() {
      @Override
      public CompletionStage<Optional<String>> hold(
          String barcode,
          String holdId,
          String titleEntityId,
          String patronKey,
          String pickupBranchId) {
        return desk.<ItemCommand, ItemReply>ask(
                desk.itemRef(barcode),
                r ->
                    new ItemCommand.HoldForHold(
                        holdId, titleEntityId, patronKey, pickupBranchId, null, r))
            .thenApply(
                reply ->
                    reply instanceof ItemReply.HoldAnswer answer && answer.held()
                        ? Optional.of(answer.location() != null ? answer.location() : "")
                        : Optional.empty());
      }

      @Override
      public CompletionStage<Boolean> release(String barcode, String holdId) {
        return desk.<ItemCommand, ItemReply>ask(
                desk.itemRef(barcode), r -> new ItemCommand.ReleaseHold(holdId, r))
            .thenApply(
                reply -> reply instanceof ItemReply.ReleaseAnswer answer && answer.onShelf());
      }
    };
  }

  /** Hands a title's dispatch to its patron: a notice for their outbox, or a hold that ended. */
  CompletionStage<Done> deliver(Dispatch dispatch) {
    CompletionStage<PatronReply> delivered =
        switch (dispatch.kind()) {
          case NOTICE ->
              desk.<PatronCommand, PatronReply>ask(
                  desk.patronRef(dispatch.patronKey()),
                  r ->
                      new PatronCommand.Notify(
                          dispatch.dispatchId(), dispatch.templateKey(), dispatch.data(), r));
          case HOLD_ENDED -> releaseCount(dispatch.patronKey(), dispatch.holdId());
        };
    return delivered.thenApply(reply -> Done.getInstance());
  }

  /** Wakes the entity a deadline names: a title (pickup deadlines) or an interlibrary request. */
  CompletionStage<Done> wake(String target, Instant due) {
    String request = InterlibraryRequest.deadlineTarget("");
    if (target.startsWith(request)) {
      return desk.interlibrary().deadlineReached(target.substring(request.length()));
    }
    String prefix = Title.deadlineTarget("");
    if (!target.startsWith(prefix)) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return desk.<TitleCommand, TitleReply>ask(
            desk.titleRef(target.substring(prefix.length())),
            (ActorRef<TitleReply> r) -> new TitleCommand.DeadlineReached(r))
        .thenApply(reply -> Done.getInstance());
  }

  private CompletionStage<Result<HoldView>> titleAsk(
      String titleEntityId,
      java.util.function.Function<ActorRef<TitleReply>, TitleCommand> command) {
    return desk.<TitleCommand, TitleReply>ask(desk.titleRef(titleEntityId), command::apply)
        .thenApply(
            reply ->
                reply instanceof TitleReply.HoldReply hold
                    ? Result.ok(hold.hold())
                    : Result.refused(((TitleReply.Rejected) reply).rejection()));
  }

  private static Result<PatronReply.Status> patronResult(PatronReply reply) {
    return reply instanceof PatronReply.StatusReply status
        ? Result.ok(status.status())
        : Result.refused(((PatronReply.Rejected) reply).rejection());
  }

  private static Result<HoldView> anonymous(Result<HoldView> result) {
    return result.map(HoldDesk::anonymous);
  }

  /** Patron keys may be keyed hashes of CPR numbers (R3): they never leave the core. */
  private static HoldView anonymous(HoldView v) {
    return new HoldView(
        v.holdId(),
        v.agencyId(),
        v.titleId(),
        v.title(),
        null,
        v.pickupBranchId(),
        v.status(),
        v.position(),
        v.barcode(),
        v.pickupNumber(),
        v.pickupDeadline(),
        v.notInterestedAfter(),
        v.placedAt(),
        v.outcome());
  }
}
