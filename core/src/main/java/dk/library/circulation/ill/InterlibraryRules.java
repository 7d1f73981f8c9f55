package dk.library.circulation.ill;

import static dk.library.circulation.Rejection.Code.INTERLIBRARY_REQUEST_EXISTS;
import static dk.library.circulation.Rejection.Code.INTERLIBRARY_REQUEST_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.INTERLIBRARY_STATUS_NOT_ALLOWED;
import static dk.library.circulation.Rejection.Code.NOT_THE_CURRENT_LENDER;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.ill.PartnerMessage.Kind;
import dk.library.circulation.ill.RequestView.StatusChange;
import dk.library.circulation.title.Dispatch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

  public static Decision<InterlibraryRequestEvent> create(
      InterlibraryRequestState state, InterlibraryRequestCommand.Create cmd, Instant now) {
    if (state.details() != null) {
      return state.details().equals(cmd.details())
          ? Decision.unchanged()
          : Decision.refuse(
              INTERLIBRARY_REQUEST_EXISTS,
              "interlibrary request " + cmd.details().requestId() + " already exists");
    }
    List<InterlibraryRequestEvent> events = new ArrayList<>();
    events.add(
        new InterlibraryRequestEvent.Created(
            cmd.details(), cmd.lenders(), List.copyOf(new TreeSet<>(cmd.partners()))));
    events.add(
        InterlibraryRequestEvent.StatusChanged.of(
            new StatusChange(IsoStatus.RequestReceived, cmd.lenders().get(0), now, null),
            null,
            null,
            null,
            List.of()));
    if (cmd.partners().contains(cmd.lenders().get(0))) {
      events.add(toPartner(cmd.details().requestId(), 0, Kind.REQUEST, cmd.lenders().get(0), now));
    }
    return new Decision.Persist<>(events);
  }

  /** The message to a partner, numbered by the request's messages before it. */
  private static InterlibraryRequestEvent.ToPartner toPartner(
      String requestId, int sent, Kind kind, String partner, Instant now) {
    return new InterlibraryRequestEvent.ToPartner(
        new PartnerMessage(
            requestId + "/" + (sent + 1), kind, partner, now, null, null, null, null));
  }

  private static InterlibraryRequestEvent.ToPartner toPartner(
      InterlibraryRequestState state, Kind kind, Instant now) {
    return toPartner(
        state.details().requestId(), state.partnerMessages().size(), kind, state.lender(), now);
  }

  /**
   * The current lender answers: ExpectToSupply, WillSupply (with the copy, the charge and its own
   * loan period) or Unfilled (with the reason), which passes the request to the next lender.
   */
  public static Decision<InterlibraryRequestEvent> answer(
      InterlibraryRequestState state, InterlibraryRequestCommand.Answer cmd, Instant now) {
    Decision<InterlibraryRequestEvent> refused = check(state, cmd.status());
    if (refused != null) {
      return refused;
    }
    if (!state.lender().equals(cmd.lenderAgencyId())) {
      return notTheLender(state, cmd.lenderAgencyId());
    }
    if (cmd.status() == IsoStatus.Unfilled) {
      return unfilled(state, cmd.note(), now);
    }
    return Decision.persist(
        InterlibraryRequestEvent.StatusChanged.of(
            new StatusChange(cmd.status(), cmd.lenderAgencyId(), now, cmd.note()),
            cmd.barcode(),
            cmd.chargeDkk(),
            cmd.loanPeriodDays(),
            List.of()));
  }

  private static Decision<InterlibraryRequestEvent> unfilled(
      InterlibraryRequestState state, String reason, Instant now) {
    List<InterlibraryRequestEvent> events = new ArrayList<>();
    events.add(
        InterlibraryRequestEvent.StatusChanged.of(
            new StatusChange(IsoStatus.Unfilled, state.lender(), now, reason),
            null,
            null,
            null,
            List.of()));
    int next = state.lenderIndex() + 1;
    if (next < state.lenders().size()) {
      events.add(new InterlibraryRequestEvent.PassedOn(next));
      events.add(
          InterlibraryRequestEvent.StatusChanged.of(
              new StatusChange(IsoStatus.RequestReceived, state.lenders().get(next), now, null),
              null,
              null,
              null,
              List.of()));
      if (state.partners().contains(state.lenders().get(next))) {
        events.add(
            toPartner(
                state.details().requestId(),
                state.partnerMessages().size(),
                Kind.REQUEST,
                state.lenders().get(next),
                now));
      }
    } else {
      events.add(
          InterlibraryRequestEvent.StatusChanged.of(
              new StatusChange(IsoStatus.Unfilled, null, now, "no agency could supply"),
              null,
              null,
              null,
              state.forPartner()
                  ? List.of()
                  : List.of(
                      notice(
                          state, "ill-unfilled", Map.of("titleId", state.details().titleId())))));
    }
    return new Decision.Persist<>(events);
  }

  /** The loan's course: Loaned, Overdue, Recalled, LoanCompleted, or the borrower's Cancelled. */
  public static Decision<InterlibraryRequestEvent> advance(
      InterlibraryRequestState state, InterlibraryRequestCommand.Advance cmd, Instant now) {
    IsoStatus status = cmd.status();
    if (state.status() == status) {
      return Decision.unchanged();
    }
    Decision<InterlibraryRequestEvent> refused = check(state, status);
    if (refused != null) {
      return refused;
    }
    List<Dispatch> notices =
        status == IsoStatus.Recalled && !state.forPartner()
            ? List.of(notice(state, "ill-recalled", Map.of("titleId", state.details().titleId())))
            : List.of();
    InterlibraryRequestEvent.StatusChanged changed =
        new InterlibraryRequestEvent.StatusChanged(
            new StatusChange(status, cmd.agencyId(), now, cmd.note()),
            null,
            null,
            null,
            notices,
            cmd.dueAt());
    if (status == IsoStatus.Cancelled
        && state.withPartner()
        && !state.lender().equals(cmd.agencyId())) {
      return new Decision.Persist<>(List.of(changed, toPartner(state, Kind.CANCEL, now)));
    }
    return Decision.persist(changed);
  }

  /**
   * A partner's SupplyingAgencyMessage. Only the lender the request is with may answer; its answers
   * and the loan's course follow the same rules as a lender inside the core's. A message already
   * acted on changes nothing.
   */
  public static Decision<InterlibraryRequestEvent> fromPartner(
      InterlibraryRequestState state, InterlibraryRequestCommand.FromPartner cmd, Instant now) {
    if (state.details() == null) {
      return notFound(null);
    }
    if (!state.details().borrowingAgencyId().equals(cmd.requestingAgencyId())) {
      return Decision.refuse(
          INTERLIBRARY_REQUEST_NOT_FOUND,
          "agency "
              + cmd.requestingAgencyId()
              + " has no interlibrary request "
              + state.details().requestId());
    }
    if (state.seenFromPartners().contains(cmd.messageKey())) {
      return Decision.unchanged();
    }
    if (!state.partners().contains(cmd.partnerAgencyId())
        || !cmd.partnerAgencyId().equals(state.lender())) {
      return notTheLender(state, cmd.partnerAgencyId());
    }
    Decision<InterlibraryRequestEvent> decision =
        switch (cmd.status()) {
          case ExpectToSupply, WillSupply, Unfilled ->
              answer(
                  state,
                  new InterlibraryRequestCommand.Answer(
                      cmd.partnerAgencyId(),
                      cmd.status(),
                      cmd.itemId(),
                      null,
                      null,
                      cmd.note(),
                      null),
                  now);
          case Loaned, Overdue, Recalled, LoanCompleted, Cancelled ->
              advance(
                  state,
                  new InterlibraryRequestCommand.Advance(
                      cmd.status(), cmd.partnerAgencyId(), cmd.note(), cmd.dueAt(), null),
                  now);
          case RequestReceived ->
              Decision.refuse(
                  INTERLIBRARY_STATUS_NOT_ALLOWED,
                  "RequestReceived is the requesting agency's status, not a supplier's answer");
        };
    return seen(decision, cmd.messageKey());
  }

  /** A partner's message acted on is recorded with what it changed, so it acts only once. */
  private static Decision<InterlibraryRequestEvent> seen(
      Decision<InterlibraryRequestEvent> decision, String messageKey) {
    if (decision instanceof Decision.Persist<InterlibraryRequestEvent> persist) {
      List<InterlibraryRequestEvent> events = new ArrayList<>(persist.events());
      events.add(new InterlibraryRequestEvent.FromPartnerSeen(messageKey));
      return new Decision.Persist<>(events);
    }
    return decision;
  }

  /**
   * The borrowing library sent a partner's copy back once the patron returned it (the standard's
   * ShippedReturn); the partner answers LoanCompleted when it has it. A copy of an agency inside
   * the core goes back by its check-in instead.
   */
  public static Decision<InterlibraryRequestEvent> shipReturn(
      InterlibraryRequestState state, String agencyId, Instant now) {
    if (state.details() == null) {
      return notFound(null);
    }
    if (state.returnShipped()) {
      return Decision.unchanged();
    }
    if (!state.withPartner()) {
      return Decision.refuse(
          INTERLIBRARY_STATUS_NOT_ALLOWED,
          "request "
              + state.details().requestId()
              + " is with agency "
              + state.lender()
              + " of this system: its copy goes back by being checked in");
    }
    if (!Set.of(IsoStatus.Loaned, IsoStatus.Overdue, IsoStatus.Recalled).contains(state.status())) {
      return Decision.refuse(
          INTERLIBRARY_STATUS_NOT_ALLOWED,
          "request "
              + state.details().requestId()
              + " is "
              + state.status()
              + "; a copy is sent back only once it was Loaned");
    }
    return new Decision.Persist<>(
        List.of(
            new InterlibraryRequestEvent.ReturnShipped(agencyId, now),
            toPartner(state, Kind.SHIPPED_RETURN, now)));
  }

  /** The copy was received at the pickup branch: the patron is told to collect it. */
  public static Decision<InterlibraryRequestEvent> arrived(
      InterlibraryRequestState state, String branchId, Instant now) {
    if (state.details() == null) {
      return notFound(null);
    }
    // A partner's copy arrives after its Loaned (it was sent); a copy inside the core before.
    boolean expected =
        state.status() == IsoStatus.WillSupply
            || (state.withPartner() && state.status() == IsoStatus.Loaned);
    if (state.atPickup() || !expected) {
      return Decision.unchanged();
    }
    if (!state.details().pickupBranchId().equals(branchId)) {
      return Decision.unchanged();
    }
    InterlibraryRequestEvent.ReceivedAtPickup received =
        new InterlibraryRequestEvent.ReceivedAtPickup(
            branchId,
            now,
            notice(
                state,
                "ill-ready",
                Map.of("titleId", state.details().titleId(), "branch", branchId)));
    return state.withPartner()
        ? new Decision.Persist<>(List.of(received, toPartner(state, Kind.RECEIVED, now)))
        : Decision.persist(received);
  }

  private static Dispatch notice(
      InterlibraryRequestState state, String template, Map<String, String> data) {
    return new Dispatch(
        state.details().requestId() + ":" + template,
        state.details().patronKey(),
        Dispatch.Kind.NOTICE,
        "ill-" + state.details().requestId(),
        template,
        data);
  }

  private static Decision<InterlibraryRequestEvent> check(
      InterlibraryRequestState state, IsoStatus next) {
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

  /**
   * Our id for a partner system's request to us: the same for every delivery of its Request, so a
   * second delivery finds the request it created.
   */
  public static String partnerRequestId(String partnerAgencyId, String theirRequestId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((partnerAgencyId + "\n" + theirRequestId).getBytes(StandardCharsets.UTF_8));
      return "p-" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * When a partner system asked us for the loan, each change of the request's status is told to it:
   * the change's decision also records the SupplyingAgencyMessage to send.
   */
  public static Decision<InterlibraryRequestEvent> tellBorrowingPartner(
      InterlibraryRequestState state, Decision<InterlibraryRequestEvent> decision, Instant now) {
    if (!(decision instanceof Decision.Persist<InterlibraryRequestEvent> persist)) {
      return decision;
    }
    InterlibraryRequestState after = state;
    for (InterlibraryRequestEvent event : persist.events()) {
      after = after.apply(event);
    }
    // RequestReceived is the Request's own confirmation; the partner hears of every change after.
    if (!after.forPartner()
        || after.status() == state.status()
        || after.status() == IsoStatus.RequestReceived) {
      return decision;
    }
    StatusChange last = after.history().get(after.history().size() - 1);
    List<InterlibraryRequestEvent> events = new ArrayList<>(persist.events());
    events.add(
        new InterlibraryRequestEvent.ToPartner(
            new PartnerMessage(
                after.details().requestId() + "/" + (after.partnerMessages().size() + 1),
                Kind.SUPPLY_STATUS,
                after.details().borrowingAgencyId(),
                now,
                last.note(),
                null,
                after.status(),
                after.dueAt())));
    return new Decision.Persist<>(events);
  }

  /**
   * A partner's RequestingAgencyMessage for its request to us: Received (noted), ShippedReturn (the
   * copy is on its way back) or Cancel (before the loan). A message already acted on changes
   * nothing.
   */
  public static Decision<InterlibraryRequestEvent> fromBorrowingPartner(
      InterlibraryRequestState state,
      InterlibraryRequestCommand.FromBorrowingPartner cmd,
      Instant now) {
    if (state.details() == null
        || !state.forPartner()
        || !state.details().borrowingAgencyId().equals(cmd.partnerAgencyId())) {
      return notFound(null);
    }
    if (state.seenFromPartners().contains(cmd.messageKey())) {
      return Decision.unchanged();
    }
    Decision<InterlibraryRequestEvent> decision =
        switch (cmd.action()) {
          case "Received" -> new Decision.Persist<InterlibraryRequestEvent>(List.of());
          case "ShippedReturn" ->
              Set.of(IsoStatus.Loaned, IsoStatus.Overdue, IsoStatus.Recalled)
                      .contains(state.status())
                  ? Decision.persist(
                      new InterlibraryRequestEvent.ReturnShipped(cmd.partnerAgencyId(), now))
                  : Decision.refuse(
                      INTERLIBRARY_STATUS_NOT_ALLOWED,
                      "request is " + state.status() + "; only a Loaned copy is shipped back");
          case "Cancel" ->
              advance(
                  state,
                  new InterlibraryRequestCommand.Advance(
                      IsoStatus.Cancelled, cmd.partnerAgencyId(), cmd.note(), null, null),
                  now);
          default ->
              Decision.refuse(
                  INTERLIBRARY_STATUS_NOT_ALLOWED, "action " + cmd.action() + " is not supported");
        };
    return seen(decision, cmd.messageKey());
  }

  /**
   * The lender sent its copy to the partner that asked for it: Loaned, due after the lender's own
   * loan period (R29).
   */
  public static Decision<InterlibraryRequestEvent> shipToPartner(
      InterlibraryRequestState state, String lenderAgencyId, Instant now) {
    Decision<InterlibraryRequestEvent> refused = lenderOfPartner(state, lenderAgencyId);
    if (refused != null) {
      return refused;
    }
    int days = state.loanPeriodDays() == null ? 28 : state.loanPeriodDays();
    return advance(
        state,
        new InterlibraryRequestCommand.Advance(
            IsoStatus.Loaned, lenderAgencyId, null, now.plus(Duration.ofDays(days)), null),
        now);
  }

  /** The copy came back from the partner: LoanCompleted. */
  public static Decision<InterlibraryRequestEvent> checkInFromPartner(
      InterlibraryRequestState state, String lenderAgencyId, Instant now) {
    Decision<InterlibraryRequestEvent> refused = lenderOfPartner(state, lenderAgencyId);
    if (refused != null) {
      return refused;
    }
    return advance(
        state,
        new InterlibraryRequestCommand.Advance(
            IsoStatus.LoanCompleted, lenderAgencyId, null, null, null),
        now);
  }

  private static Decision<InterlibraryRequestEvent> lenderOfPartner(
      InterlibraryRequestState state, String lenderAgencyId) {
    if (state.details() == null) {
      return notFound(null);
    }
    if (!state.forPartner()) {
      return Decision.refuse(
          INTERLIBRARY_STATUS_NOT_ALLOWED,
          "request "
              + state.details().requestId()
              + " is for a patron of this system: its copy is lent and returned by circulation");
    }
    if (!state.lender().equals(lenderAgencyId)) {
      return notTheLender(state, lenderAgencyId);
    }
    return null;
  }

  private static Decision<InterlibraryRequestEvent> notTheLender(
      InterlibraryRequestState state, String agencyId) {
    return Decision.refuse(
        NOT_THE_CURRENT_LENDER,
        "request "
            + state.details().requestId()
            + " is with agency "
            + state.lender()
            + ", not "
            + agencyId);
  }

  /** R40: the request ended and its window passed, so its record is gone. */
  public static Rejection gone(String requestId) {
    return Rejection.of(
        INTERLIBRARY_REQUEST_NOT_FOUND,
        "interlibrary request " + requestId + " ended over 30 days ago and is no longer kept");
  }

  static Decision<InterlibraryRequestEvent> notFound(String requestId) {
    return Decision.refuse(
        INTERLIBRARY_REQUEST_NOT_FOUND,
        "no interlibrary request" + (requestId == null ? "" : " " + requestId));
  }
}
