package dk.library.circulation.ill;

import static dk.library.circulation.Rejection.Code.INTERLIBRARY_REQUEST_EXISTS;
import static dk.library.circulation.Rejection.Code.INTERLIBRARY_REQUEST_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.INTERLIBRARY_STATUS_NOT_ALLOWED;
import static dk.library.circulation.Rejection.Code.NOT_THE_CURRENT_LENDER;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.ill.RequestView.StatusChange;
import dk.library.circulation.title.Dispatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * R29: an interlibrary request's life by ISO 18626, as pure functions. The request goes to the
 * lenders in order until one will supply; the lender decides by its own rules (a charge, its own
 * loan period, or a refusal); a refusal moves the request on, and the last refusal ends it Unfilled
 * with a notice to the patron.
 */
public final class InterlibraryRules {

  private InterlibraryRules() {}

  /** Which statuses may follow which: the lender's answers and the loan's course. */
  static final Map<IsoStatus, Set<IsoStatus>> NEXT =
      Map.of(
          IsoStatus.RequestReceived,
              Set.of(
                  IsoStatus.ExpectToSupply,
                  IsoStatus.WillSupply,
                  IsoStatus.Unfilled,
                  IsoStatus.Cancelled),
          IsoStatus.ExpectToSupply,
              Set.of(IsoStatus.WillSupply, IsoStatus.Unfilled, IsoStatus.Cancelled),
          IsoStatus.WillSupply, Set.of(IsoStatus.Loaned, IsoStatus.Cancelled),
          IsoStatus.Loaned, Set.of(IsoStatus.Overdue, IsoStatus.Recalled, IsoStatus.LoanCompleted),
          IsoStatus.Overdue, Set.of(IsoStatus.Recalled, IsoStatus.LoanCompleted),
          IsoStatus.Recalled, Set.of(IsoStatus.LoanCompleted));

  public static Decision<InterlibraryRequest.Event> create(
      InterlibraryRequest.State state, InterlibraryRequest.Create cmd, Instant now) {
    if (state.details() != null) {
      return state.details().equals(cmd.details())
          ? Decision.unchanged()
          : Decision.refuse(
              INTERLIBRARY_REQUEST_EXISTS,
              "interlibrary request " + cmd.details().requestId() + " already exists");
    }
    return new Decision.Persist<>(
        List.of(
            new InterlibraryRequest.Created(cmd.details(), cmd.lenders()),
            InterlibraryRequest.StatusChanged.of(
                new StatusChange(IsoStatus.RequestReceived, cmd.lenders().get(0), now, null),
                null,
                null,
                null,
                List.of())));
  }

  /**
   * The current lender answers: ExpectToSupply, WillSupply (with the copy, the charge and its own
   * loan period) or Unfilled (with the reason), which passes the request to the next lender.
   */
  public static Decision<InterlibraryRequest.Event> answer(
      InterlibraryRequest.State state, InterlibraryRequest.Answer cmd, Instant now) {
    Decision<InterlibraryRequest.Event> refused = check(state, cmd.status());
    if (refused != null) {
      return refused;
    }
    if (!state.lender().equals(cmd.lenderAgencyId())) {
      return Decision.refuse(
          NOT_THE_CURRENT_LENDER,
          "request "
              + state.details().requestId()
              + " is with agency "
              + state.lender()
              + ", not "
              + cmd.lenderAgencyId());
    }
    if (cmd.status() == IsoStatus.Unfilled) {
      return unfilled(state, cmd.note(), now);
    }
    return Decision.persist(
        InterlibraryRequest.StatusChanged.of(
            new StatusChange(cmd.status(), cmd.lenderAgencyId(), now, cmd.note()),
            cmd.barcode(),
            cmd.chargeDkk(),
            cmd.loanPeriodDays(),
            List.of()));
  }

  private static Decision<InterlibraryRequest.Event> unfilled(
      InterlibraryRequest.State state, String reason, Instant now) {
    List<InterlibraryRequest.Event> events = new ArrayList<>();
    events.add(
        InterlibraryRequest.StatusChanged.of(
            new StatusChange(IsoStatus.Unfilled, state.lender(), now, reason),
            null,
            null,
            null,
            List.of()));
    int next = state.lenderIndex() + 1;
    if (next < state.lenders().size()) {
      events.add(new InterlibraryRequest.PassedOn(next));
      events.add(
          InterlibraryRequest.StatusChanged.of(
              new StatusChange(IsoStatus.RequestReceived, state.lenders().get(next), now, null),
              null,
              null,
              null,
              List.of()));
    } else {
      events.add(
          InterlibraryRequest.StatusChanged.of(
              new StatusChange(IsoStatus.Unfilled, null, now, "no agency could supply"),
              null,
              null,
              null,
              List.of(
                  notice(state, "ill-unfilled", Map.of("titleId", state.details().titleId())))));
    }
    return new Decision.Persist<>(events);
  }

  /** The loan's course: Loaned, Overdue, Recalled, LoanCompleted, or the borrower's Cancelled. */
  public static Decision<InterlibraryRequest.Event> advance(
      InterlibraryRequest.State state, InterlibraryRequest.Advance cmd, Instant now) {
    IsoStatus status = cmd.status();
    if (state.status() == status) {
      return Decision.unchanged();
    }
    Decision<InterlibraryRequest.Event> refused = check(state, status);
    if (refused != null) {
      return refused;
    }
    List<Dispatch> notices =
        status == IsoStatus.Recalled
            ? List.of(notice(state, "ill-recalled", Map.of("titleId", state.details().titleId())))
            : List.of();
    return Decision.persist(
        new InterlibraryRequest.StatusChanged(
            new StatusChange(status, cmd.agencyId(), now, cmd.note()),
            null,
            null,
            null,
            notices,
            cmd.dueAt()));
  }

  /** The copy was received at the pickup branch: the patron is told to collect it. */
  public static Decision<InterlibraryRequest.Event> arrived(
      InterlibraryRequest.State state, String branchId, Instant now) {
    if (state.details() == null) {
      return notFound(null);
    }
    if (state.atPickup() || state.status() != IsoStatus.WillSupply) {
      return Decision.unchanged();
    }
    if (!state.details().pickupBranchId().equals(branchId)) {
      return Decision.unchanged();
    }
    return Decision.persist(
        new InterlibraryRequest.ReceivedAtPickup(
            branchId,
            now,
            notice(
                state,
                "ill-ready",
                Map.of("titleId", state.details().titleId(), "branch", branchId))));
  }

  private static Dispatch notice(
      InterlibraryRequest.State state, String template, Map<String, String> data) {
    return new Dispatch(
        state.details().requestId() + ":" + template,
        state.details().patronKey(),
        Dispatch.Kind.NOTICE,
        "ill-" + state.details().requestId(),
        template,
        data);
  }

  private static Decision<InterlibraryRequest.Event> check(
      InterlibraryRequest.State state, IsoStatus next) {
    if (state.details() == null) {
      return notFound(null);
    }
    if (!NEXT.getOrDefault(state.status(), Set.of()).contains(next)) {
      return Decision.refuse(
          INTERLIBRARY_STATUS_NOT_ALLOWED,
          "request "
              + state.details().requestId()
              + " is "
              + state.status()
              + "; it cannot become "
              + next);
    }
    return null;
  }

  /** R40: the request ended and its window passed, so its record is gone. */
  public static Rejection gone(String requestId) {
    return Rejection.of(
        INTERLIBRARY_REQUEST_NOT_FOUND,
        "interlibrary request " + requestId + " ended over 30 days ago and is no longer kept");
  }

  static Decision<InterlibraryRequest.Event> notFound(String requestId) {
    return Decision.refuse(
        INTERLIBRARY_REQUEST_NOT_FOUND,
        "no interlibrary request" + (requestId == null ? "" : " " + requestId));
  }
}
