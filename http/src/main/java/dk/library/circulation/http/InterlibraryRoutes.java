package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.ANSWER_INTERLIBRARY;
import static dk.library.circulation.access.Operation.CANCEL_INTERLIBRARY;
import static dk.library.circulation.access.Operation.READ_INTERLIBRARY;
import static dk.library.circulation.access.Operation.RECEIVE_ITEM;
import static dk.library.circulation.access.Operation.REQUEST_INTERLIBRARY;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.Operation;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.InterlibraryDesk;
import dk.library.circulation.desk.InterlibraryRequestForm;
import dk.library.circulation.ill.IsoStatus;
import dk.library.circulation.ill.RequestView;
import dk.library.circulation.ill.Worklists;
import dk.library.circulation.patron.PatronRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Interlibrary requests (R29) with ISO 18626 statuses, for the borrowing library (request, cancel),
 * the lending library (answer, recall) and the patron who asked. See docs/api.md, "Interlibrary
 * requests".
 */
final class InterlibraryRoutes extends ApiDirectives {

  private static final Pattern ANSWER = Pattern.compile("ExpectToSupply|WillSupply|Unfilled");
  private static final String ANSWER_TEXT = "one of ExpectToSupply, WillSupply, Unfilled";

  private final InterlibraryDesk interlibrary;

  InterlibraryRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.interlibrary = desk.interlibrary();
  }

  Route routes(Call call) {
    return concat(worklists(call), requests(call));
  }

  private static final String WORKLISTS = "/api/v1/interlibrary-worklists";
  private static final Pattern SIDE = Pattern.compile("borrowing|lending");
  private static final Pattern STATUS =
      Pattern.compile(
          Arrays.stream(IsoStatus.values()).map(Enum::name).collect(Collectors.joining("|")));

  /**
   * An agency's worklist (staff of the agency): its requests as borrower or as the lender they are
   * with, under one status (RequestReceived by default: for a lender, what waits for its answer),
   * oldest first, a page at a time. One index read; no request is woken.
   */
  private Route worklists(Call call) {
    return path(
        "interlibrary-worklists",
        () ->
            get(
                () ->
                    named(
                        WORKLISTS,
                        () ->
                            allowed(
                                call,
                                READ_INTERLIBRARY,
                                () ->
                                    parameterMap(
                                        params ->
                                            completeWithFuture(
                                                recover(worklist(call, params))))))));
  }

  private CompletionStage<HttpResponse> worklist(Call call, Map<String, String> params) {
    List<Problem.FieldError> errors = new ArrayList<>();
    String agency = params.get("agencyId");
    if (agency == null || !Forms.AGENCY_ID.matcher(agency).matches()) {
      errors.add(new Problem.FieldError("agencyId", "is required: " + Forms.AGENCY_ID_TEXT));
    }
    String side = params.getOrDefault("side", "borrowing");
    if (!SIDE.matcher(side).matches()) {
      errors.add(new Problem.FieldError("side", "must be borrowing or lending"));
    }
    String status = params.getOrDefault("status", IsoStatus.RequestReceived.name());
    if (!STATUS.matcher(status).matches()) {
      errors.add(new Problem.FieldError("status", "must be one of " + STATUS.pattern()));
    }
    String after = params.get("after");
    if (after != null) {
      try {
        Worklists.cursorOf(after);
      } catch (IllegalArgumentException notOurs) {
        errors.add(new Problem.FieldError("after", "must be a page's next cursor, unchanged"));
      }
    }
    int limit = 50;
    try {
      limit = Integer.parseInt(params.getOrDefault("limit", "50"));
      if (limit < 1 || limit > 200) {
        errors.add(new Problem.FieldError("limit", "must be 1-200"));
      }
    } catch (NumberFormatException notANumber) {
      errors.add(new Problem.FieldError("limit", "must be a whole number, 1-200"));
    }
    if (!errors.isEmpty()) {
      return CompletableFuture.completedFuture(problem(Problem.invalidRequest(errors)));
    }
    if (!READ_INTERLIBRARY.permits(call.caller(), agency) || call.caller().role() == Role.PATRON) {
      return CompletableFuture.completedFuture(outsideScope(call, agency));
    }
    return interlibrary
        .worklist(agency, side.equals("lending"), IsoStatus.valueOf(status), after, limit)
        .thenApply(page -> jsonResponse(StatusCodes.OK, page));
  }

  private Route requests(Call call) {
    return pathPrefix(
        "interlibrary-requests",
        () ->
            concat(
                pathEnd(
                    () ->
                        post(
                            () ->
                                named(
                                    BASE,
                                    () ->
                                        allowed(
                                            call,
                                            REQUEST_INTERLIBRARY,
                                            () -> withBody(call, this::request))))),
                pathPrefix(segment(), id -> oneRequest(call, id))));
  }

  private static final String BASE = "/api/v1/interlibrary-requests";

  private Route oneRequest(Call call, String id) {
    return concat(
        pathEnd(
            () ->
                concat(
                    get(() -> named(BASE + "/{requestId}", () -> read(call, id))),
                    delete(() -> named(BASE + "/{requestId}", () -> cancel(call, id))))),
        action(call, id, "answers", ANSWER_INTERLIBRARY, this::answer),
        action(call, id, "recall", ANSWER_INTERLIBRARY, this::recall),
        action(call, id, "shipped", ANSWER_INTERLIBRARY, this::shipped),
        action(call, id, "checked-in", ANSWER_INTERLIBRARY, this::checkedIn),
        action(call, id, "received", RECEIVE_ITEM, this::received),
        action(call, id, "shipped-return", RECEIVE_ITEM, this::shippedReturn));
  }

  @FunctionalInterface
  private interface Action {
    CompletionStage<HttpResponse> act(Call call, String id, RequestBody body)
        throws RequestBody.Invalid;
  }

  private Route action(Call call, String id, String name, Operation operation, Action action) {
    return path(
        name,
        () ->
            post(
                () ->
                    named(
                        BASE + "/{requestId}/" + name,
                        () ->
                            allowed(
                                call,
                                operation,
                                () -> withBody(call, (c, body) -> action.act(c, id, body))))));
  }

  private CompletionStage<HttpResponse> request(Call call, RequestBody body)
      throws RequestBody.Invalid {
    InterlibraryRequestForm form =
        new InterlibraryRequestForm(
            body.text("requestId", Forms.ID, Forms.ID_TEXT),
            body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT),
            body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT),
            body.text("pickupBranchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT),
            body.text("titleId", Forms.TITLE_ID, Forms.TITLE_ID_TEXT),
            body.optionalTextList("lenders", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT, 20));
    if (form.lenders().isEmpty()) {
      body.error("lenders", "must name at least one agency to ask");
    } else if (form.lenders().contains(form.borrowingAgencyId())
        || new HashSet<>(form.lenders()).size() < form.lenders().size()) {
      body.error("lenders", "must be agencies other than the borrowing one, each named once");
    }
    body.finish();
    CompletionStage<HttpResponse> requested;
    if (call.caller().role() == Role.PATRON) {
      requested =
          form.cardNumber().equals(call.caller().cardNumber())
              ? answer(interlibrary.request(form), StatusCodes.CREATED)
              : CompletableFuture.completedFuture(
                  answer(Result.refused(PatronRules.notFound(form.cardNumber())), StatusCodes.OK));
    } else {
      requested =
          REQUEST_INTERLIBRARY.permits(call.caller(), form.borrowingAgencyId())
              ? answer(interlibrary.request(form), StatusCodes.CREATED)
              : CompletableFuture.completedFuture(outsideScope(call, form.borrowingAgencyId()));
    }
    return audited(
        call,
        "REQUEST_INTERLIBRARY",
        "request " + form.requestId() + " " + maskedCard(form.cardNumber()),
        requested);
  }

  /**
   * Staff of the borrowing agency or of any lender in the rota, partner systems, and the patron who
   * asked; anyone else finds no such request.
   */
  private Route read(Call call, String id) {
    return allowed(
        call,
        READ_INTERLIBRARY,
        () ->
            withId(
                id,
                "requestId",
                Forms.ID,
                Forms.ID_TEXT,
                valid ->
                    call.caller().role() == Role.PATRON
                        ? completeWithFuture(
                            recover(
                                answer(
                                    interlibrary.readAsPatron(valid, call.caller().cardNumber()),
                                    StatusCodes.OK)))
                        : completeWithFuture(
                            recover(
                                visible(
                                    call,
                                    READ_INTERLIBRARY,
                                    valid,
                                    request -> true,
                                    request ->
                                        CompletableFuture.completedFuture(
                                            answer(Result.ok(request), StatusCodes.OK)))))));
  }

  private Route cancel(Call call, String id) {
    return allowed(
        call,
        CANCEL_INTERLIBRARY,
        () ->
            withId(
                id,
                "requestId",
                Forms.ID,
                Forms.ID_TEXT,
                valid ->
                    completeWithFuture(
                        recover(
                            audited(
                                call,
                                "CANCEL_INTERLIBRARY",
                                "request " + valid,
                                visible(
                                    call,
                                    CANCEL_INTERLIBRARY,
                                    valid,
                                    request ->
                                        CANCEL_INTERLIBRARY.permits(
                                            call.caller(), request.borrowingAgencyId()),
                                    request ->
                                        answer(
                                            interlibrary.cancel(valid, request.borrowingAgencyId()),
                                            StatusCodes.OK)))))));
  }

  private CompletionStage<HttpResponse> answer(Call call, String id, RequestBody body)
      throws RequestBody.Invalid {
    checkId(body, id);
    String lender = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    String status = body.text("status", ANSWER, ANSWER_TEXT);
    String barcode = body.optionalText("barcode", Forms.BARCODE, Forms.BARCODE_TEXT);
    Integer charge = body.optionalNullableInteger("chargeDkk", 0, 10_000);
    String note = body.optionalText("note", Forms.NAME, Forms.NAME_TEXT);
    if ("WillSupply".equals(status) && barcode == null) {
      body.error("barcode", "is required with WillSupply: the copy the lender sends");
    }
    body.finish();
    if (!ANSWER_INTERLIBRARY.permits(call.caller(), lender)) {
      return CompletableFuture.completedFuture(outsideScope(call, lender));
    }
    return audited(
        call,
        "ANSWER_INTERLIBRARY",
        "request " + id + " " + status,
        answer(
            interlibrary.answer(id, lender, IsoStatus.valueOf(status), barcode, charge, note),
            StatusCodes.OK));
  }

  private CompletionStage<HttpResponse> recall(Call call, String id, RequestBody body)
      throws RequestBody.Invalid {
    return lenderActs(call, id, body, "RECALL_INTERLIBRARY", interlibrary::recall);
  }

  /** The lender sent its copy to the partner system that asked for it: Loaned, told to it. */
  private CompletionStage<HttpResponse> shipped(Call call, String id, RequestBody body)
      throws RequestBody.Invalid {
    return lenderActs(call, id, body, "SHIP_INTERLIBRARY", interlibrary::shipToPartner);
  }

  /** The copy came back from the partner system: LoanCompleted, told to it; the copy is free. */
  private CompletionStage<HttpResponse> checkedIn(Call call, String id, RequestBody body)
      throws RequestBody.Invalid {
    return lenderActs(call, id, body, "CHECK_IN_INTERLIBRARY", interlibrary::checkInFromPartner);
  }

  /** Staff of the lender named in the body act on the request. */
  private CompletionStage<HttpResponse> lenderActs(
      Call call,
      String id,
      RequestBody body,
      String auditAction,
      BiFunction<String, String, CompletionStage<Result<RequestView>>> act)
      throws RequestBody.Invalid {
    checkId(body, id);
    String lender = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    body.finish();
    if (!ANSWER_INTERLIBRARY.permits(call.caller(), lender)) {
      return CompletableFuture.completedFuture(outsideScope(call, lender));
    }
    return audited(
        call, auditAction, "request " + id, answer(act.apply(id, lender), StatusCodes.OK));
  }

  /**
   * A partner's copy reached the borrowing library's pickup branch: the patron is told, the partner
   * is sent Received. (A copy of an agency inside the core is received as an item in transit.)
   */
  private CompletionStage<HttpResponse> received(Call call, String id, RequestBody body)
      throws RequestBody.Invalid {
    checkId(body, id);
    String agency = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    String branch = body.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT);
    body.finish();
    return borrowersCopy(
        call,
        id,
        agency,
        "RECEIVE_INTERLIBRARY",
        () -> interlibrary.receivedFromPartner(id, branch));
  }

  /** The borrowing library sent a partner's copy back: the partner is sent ShippedReturn. */
  private CompletionStage<HttpResponse> shippedReturn(Call call, String id, RequestBody body)
      throws RequestBody.Invalid {
    checkId(body, id);
    String agency = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    body.finish();
    return borrowersCopy(
        call, id, agency, "SHIP_RETURN_INTERLIBRARY", () -> interlibrary.shipReturn(id, agency));
  }

  /** Staff of the borrowing agency act on the copy sent for its request. */
  private CompletionStage<HttpResponse> borrowersCopy(
      Call call,
      String id,
      String agency,
      String auditAction,
      Supplier<CompletionStage<Result<RequestView>>> act) {
    if (!RECEIVE_ITEM.permits(call.caller(), agency)) {
      return CompletableFuture.completedFuture(outsideScope(call, agency));
    }
    return audited(
        call,
        auditAction,
        "request " + id,
        visible(
            call,
            RECEIVE_ITEM,
            id,
            request -> request.borrowingAgencyId().equals(agency),
            request -> answer(act.get(), StatusCodes.OK)));
  }

  private static void checkId(RequestBody body, String id) {
    if (!Forms.ID.matcher(id).matches()) {
      body.error("requestId", "in the path must be " + Forms.ID_TEXT);
    }
  }

  /**
   * Acts on a request the caller may see: staff of an agency involved (and, for changes, {@code
   * allowed}), network partners for reading, the patron for their own requests; otherwise the
   * request answers as unknown.
   */
  private CompletionStage<HttpResponse> visible(
      Call call,
      Operation operation,
      String id,
      Predicate<RequestView> allowed,
      Function<RequestView, CompletionStage<HttpResponse>> action) {
    return interlibrary
        .read(id)
        .thenCompose(
            result -> {
              if (!(result instanceof Result.Ok<RequestView> ok)) {
                return CompletableFuture.completedFuture(answer(result, StatusCodes.OK));
              }
              RequestView request = ok.value();
              boolean involved =
                  switch (call.caller().role()) {
                    case PATRON -> false;
                    case NETWORK -> operation == READ_INTERLIBRARY;
                    default ->
                        operation.permits(call.caller(), request.borrowingAgencyId())
                            || request.lenders().stream()
                                .anyMatch(l -> operation.permits(call.caller(), l));
                  };
              if (!involved || !allowed.test(request)) {
                return CompletableFuture.completedFuture(
                    answer(
                        Result.refused(
                            Rejection.of(
                                Rejection.Code.INTERLIBRARY_REQUEST_NOT_FOUND,
                                "no interlibrary request " + id)),
                        StatusCodes.OK));
              }
              return action.apply(request);
            });
  }
}
