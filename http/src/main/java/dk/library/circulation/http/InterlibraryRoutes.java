package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.ANSWER_INTERLIBRARY;
import static dk.library.circulation.access.Operation.CANCEL_INTERLIBRARY;
import static dk.library.circulation.access.Operation.READ_INTERLIBRARY;
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
import dk.library.circulation.patron.PatronRules;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
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
        lenderAction(call, id, "answers", this::answer),
        lenderAction(call, id, "recall", this::recall));
  }

  @FunctionalInterface
  private interface LenderAction {
    CompletionStage<HttpResponse> act(Call call, String id, RequestBody body)
        throws RequestBody.Invalid;
  }

  private Route lenderAction(Call call, String id, String name, LenderAction action) {
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
                                ANSWER_INTERLIBRARY,
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
    checkId(body, id);
    String lender = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    body.finish();
    if (!ANSWER_INTERLIBRARY.permits(call.caller(), lender)) {
      return CompletableFuture.completedFuture(outsideScope(call, lender));
    }
    return audited(
        call,
        "RECALL_INTERLIBRARY",
        "request " + id,
        answer(interlibrary.recall(id, lender), StatusCodes.OK));
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
