package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.AUTHORISE_PROXY;
import static dk.library.circulation.access.Operation.CANCEL_HOLD;
import static dk.library.circulation.access.Operation.PLACE_HOLD;
import static dk.library.circulation.access.Operation.READ_HOLD_QUEUE;
import static dk.library.circulation.access.Operation.READ_PATRON;
import static dk.library.circulation.access.Operation.RECEIVE_ITEM;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.Operation;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.HoldDesk;
import dk.library.circulation.desk.HoldRequest;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronRules;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Holds, pickup and notices (R25-R28): placing and cancelling holds, proxies, hold queues, copies
 * received in transit, and a patron's holds, notices and bookings (R44). Staff act for their own
 * agencies; a patron token acts only for its own card. See docs/api.md, "Holds".
 */
final class HoldRoutes extends ApiDirectives {

  private final CirculationDesk desk;
  private final HoldDesk holds;

  HoldRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.desk = desk;
    this.holds = desk.holds();
  }

  Route routes(Call call) {
    return concat(
        path(
            "holds",
            () ->
                post(
                    () ->
                        named(
                            "/api/v1/holds",
                            () -> allowed(call, PLACE_HOLD, () -> withBody(call, this::place))))),
        titleHolds(call),
        arrival(call),
        patronLists(call));
  }

  // Placing a hold

  private CompletionStage<HttpResponse> place(Call call, RequestBody body)
      throws RequestBody.Invalid {
    HoldRequest request =
        new HoldRequest(
            body.text("holdId", Forms.ID, Forms.ID_TEXT),
            body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT),
            body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT),
            body.text("titleId", Forms.TITLE_ID, Forms.TITLE_ID_TEXT),
            body.text("pickupBranchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT),
            body.optionalText("barcode", Forms.BARCODE, Forms.BARCODE_TEXT),
            Times.date(body, "notInterestedAfter", false));
    body.finish();
    return audited(
        call,
        "PLACE_HOLD",
        maskedCard(request.cardNumber()) + " title " + request.titleId(),
        forCard(
            call,
            PLACE_HOLD,
            request.agencyId(),
            request.cardNumber(),
            () -> answer(holds.place(request), StatusCodes.CREATED)));
  }

  /**
   * Staff act for the agency named; a patron token only for its own card, and another card answers
   * as unknown.
   */
  private CompletionStage<HttpResponse> forCard(
      Call call,
      Operation operation,
      String agencyId,
      String card,
      Supplier<CompletionStage<HttpResponse>> action) {
    if (call.caller().role() == Role.PATRON) {
      return card.equals(call.caller().cardNumber())
          ? action.get()
          : CompletableFuture.completedFuture(
              answer(Result.refused(PatronRules.notFound(card)), StatusCodes.OK));
    }
    return operation.permits(call.caller(), agencyId)
        ? action.get()
        : CompletableFuture.completedFuture(outsideScope(call, agencyId));
  }

  // A title's holds: /agencies/{agencyId}/titles/{titleId}/holds[/{holdId}[/proxies]]

  private Route titleHolds(Call call) {
    return pathPrefix(
        "agencies",
        () ->
            pathPrefix(
                segment(),
                agency ->
                    pathPrefix(
                        "titles",
                        () ->
                            pathPrefix(
                                segment(),
                                title ->
                                    pathPrefix(
                                        "holds", () -> holdsOfTitle(call, agency, title))))));
  }

  private Route holdsOfTitle(Call call, String agency, String title) {
    return concat(
        pathEnd(
            () ->
                get(
                    () ->
                        named(
                            "/api/v1/agencies/{agencyId}/titles/{titleId}/holds",
                            () ->
                                titleAction(
                                    call,
                                    READ_HOLD_QUEUE,
                                    agency,
                                    title,
                                    null,
                                    ids ->
                                        answer(
                                            holds.queue(ids.agencyId(), ids.titleId()),
                                            StatusCodes.OK))))),
        pathPrefix(segment(), hold -> oneHold(call, agency, title, hold)));
  }

  private Route oneHold(Call call, String agency, String title, String hold) {
    String template = "/api/v1/agencies/{agencyId}/titles/{titleId}/holds/{holdId}";
    return concat(
        pathEnd(
            () ->
                concat(
                    get(
                        () ->
                            named(
                                template,
                                () ->
                                    titleAction(
                                        call,
                                        READ_HOLD_QUEUE,
                                        agency,
                                        title,
                                        hold,
                                        ids ->
                                            answer(
                                                holds.hold(
                                                    ids.agencyId(), ids.titleId(), ids.holdId()),
                                                StatusCodes.OK)))),
                    delete(() -> named(template, () -> cancel(call, agency, title, hold))))),
        path(
            "proxies",
            () ->
                post(
                    () ->
                        named(
                            template + "/proxies",
                            () ->
                                allowed(
                                    call,
                                    AUTHORISE_PROXY,
                                    () ->
                                        withBody(
                                            call,
                                            (c, body) ->
                                                authoriseProxy(c, agency, title, hold, body)))))));
  }

  private record TitleIds(String agencyId, String titleId, String holdId) {}

  /** Checks the path's ids and the caller's agency scope, then acts. */
  private Route titleAction(
      Call call,
      Operation operation,
      String agencyId,
      String titleId,
      String holdId,
      Function<TitleIds, CompletionStage<HttpResponse>> action) {
    return allowed(
        call,
        operation,
        () ->
            withId(
                agencyId,
                "agencyId",
                Forms.AGENCY_ID,
                Forms.AGENCY_ID_TEXT,
                a ->
                    withId(
                        titleId,
                        "titleId",
                        Forms.TITLE_ID,
                        Forms.TITLE_ID_TEXT,
                        t ->
                            withId(
                                holdId == null ? "none" : holdId,
                                "holdId",
                                Forms.ID,
                                Forms.ID_TEXT,
                                h ->
                                    operation.permits(call.caller(), a)
                                            || call.caller().role() == Role.PATRON
                                        ? completeWithFuture(
                                            recover(action.apply(new TitleIds(a, t, holdId))))
                                        : complete(outsideScope(call, a))))));
  }

  /** The holder cancels through their token; staff cancel any hold of their agency's titles. */
  private Route cancel(Call call, String agencyId, String titleId, String holdId) {
    return titleAction(
        call,
        CANCEL_HOLD,
        agencyId,
        titleId,
        holdId,
        ids -> {
          String card = call.caller().role() == Role.PATRON ? call.caller().cardNumber() : null;
          return audited(
              call,
              "CANCEL_HOLD",
              "hold " + ids.holdId() + " title " + ids.titleId(),
              answer(
                  holds.cancel(card, ids.agencyId(), ids.titleId(), ids.holdId()), StatusCodes.OK));
        });
  }

  /** R28: the holder (or staff for them) names the patron who may collect. */
  private CompletionStage<HttpResponse> authoriseProxy(
      Call call, String agencyId, String titleId, String holdId, RequestBody body)
      throws RequestBody.Invalid {
    checkId(body, "agencyId", agencyId, Forms.AGENCY_ID.matcher(agencyId).matches());
    checkId(body, "titleId", titleId, Forms.TITLE_ID.matcher(titleId).matches());
    checkId(body, "holdId", holdId, Forms.ID.matcher(holdId).matches());
    String holder = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String proxy = body.text("proxyCardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    body.finish();
    return audited(
        call,
        "AUTHORISE_PROXY",
        "hold " + holdId + " proxy " + maskedCard(proxy),
        forCard(
            call,
            AUTHORISE_PROXY,
            agencyId,
            holder,
            () ->
                answer(
                    holds.authoriseProxy(holder, agencyId, titleId, holdId, proxy),
                    StatusCodes.OK)));
  }

  private static void checkId(RequestBody body, String name, String value, boolean valid) {
    if (!valid) {
      body.error(name, "in the path is not a valid id: " + value.length() + " characters");
    }
  }

  // Copies received in transit (R27)

  private Route arrival(Call call) {
    return pathPrefix(
        "items",
        () ->
            pathPrefix(
                segment(),
                barcode ->
                    path(
                        "arrival",
                        () ->
                            post(
                                () ->
                                    named(
                                        "/api/v1/items/{barcode}/arrival",
                                        () ->
                                            allowed(
                                                call,
                                                RECEIVE_ITEM,
                                                () ->
                                                    withBody(
                                                        call,
                                                        (c, body) ->
                                                            receive(c, barcode, body))))))));
  }

  private CompletionStage<HttpResponse> receive(Call call, String barcode, RequestBody body)
      throws RequestBody.Invalid {
    checkId(body, "barcode", barcode, Forms.BARCODE.matcher(barcode).matches());
    String agencyId = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    String branchId = body.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT);
    body.finish();
    if (!RECEIVE_ITEM.permits(call.caller(), agencyId)) {
      return CompletableFuture.completedFuture(outsideScope(call, agencyId));
    }
    return audited(
        call,
        "RECEIVE_ITEM",
        "item " + barcode + " at " + agencyId + "/" + branchId,
        answer(holds.arrive(barcode, agencyId, branchId), StatusCodes.OK));
  }

  // A patron's holds and notices

  private Route patronLists(Call call) {
    return pathPrefix(
        "patrons",
        () ->
            pathPrefix(
                segment(),
                card ->
                    concat(
                        patronList(call, card, "holds", holds::holdsOf),
                        patronList(call, card, "notices", holds::notices),
                        patronList(call, card, "bookings", desk.bookings()::bookingsOf),
                        patronList(
                            call,
                            card,
                            "interlibrary-requests",
                            desk.interlibrary()::requestsOf))));
  }

  private <T> Route patronList(
      Call call, String card, String name, Function<String, CompletionStage<Result<T>>> reader) {
    return path(
        name,
        () ->
            get(
                () ->
                    named(
                        "/api/v1/patrons/{cardNumber}/" + name,
                        () ->
                            allowed(
                                call,
                                READ_PATRON,
                                () ->
                                    withId(
                                        card,
                                        "cardNumber",
                                        Forms.CARD_NUMBER,
                                        Forms.CARD_NUMBER_TEXT,
                                        valid ->
                                            completeWithFuture(
                                                recover(
                                                    ownPatron(
                                                        call,
                                                        valid,
                                                        () ->
                                                            answer(
                                                                reader.apply(valid),
                                                                StatusCodes.OK)))))))));
  }

  /** The patron's own token, or staff of the patron's home agency; anyone else: unknown card. */
  private CompletionStage<HttpResponse> ownPatron(
      Call call, String card, Supplier<CompletionStage<HttpResponse>> action) {
    if (call.caller().role() == Role.PATRON) {
      return card.equals(call.caller().cardNumber())
          ? action.get()
          : CompletableFuture.completedFuture(
              answer(Result.refused(PatronRules.notFound(card)), StatusCodes.OK));
    }
    return desk.patronStatus(card)
        .thenCompose(
            status -> {
              if (status instanceof Result.Ok<PatronReply.Status> ok
                  && READ_PATRON.permits(call.caller(), ok.value().homeAgencyId())) {
                return action.get();
              }
              return CompletableFuture.completedFuture(
                  answer(
                      status instanceof Result.Ok<PatronReply.Status>
                          ? Result.refused(PatronRules.notFound(card))
                          : status,
                      StatusCodes.OK));
            });
  }
}
