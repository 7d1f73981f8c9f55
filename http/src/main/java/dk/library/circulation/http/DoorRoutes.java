package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.OPEN_DOOR;
import static dk.library.circulation.access.Operation.READ_VISITS;
import static dk.library.circulation.access.Operation.SIGN_UP_OPEN_LIBRARY;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.DoorDesk;
import dk.library.circulation.openlibrary.AccessSignUps;
import dk.library.circulation.patron.PatronRules;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The open library (R45): door controllers ask to open, staff read the visits of a day, and patrons
 * are signed up for access by staff or themselves. See docs/api.md, "Open library".
 */
final class DoorRoutes extends ApiDirectives {

  /** What the door is told: open, and the visit recorded for it. */
  record Opened(boolean open, String visitId, Instant at) {}

  private final DoorDesk door;

  DoorRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.door = desk.door();
  }

  Route routes(Call call) {
    return concat(
        path(
            "door-entries",
            () ->
                post(
                    () ->
                        named(
                            "/api/v1/door-entries",
                            () -> allowed(call, OPEN_DOOR, () -> withBody(call, this::enter))))),
        pathPrefix(
            "agencies",
            () ->
                pathPrefix(
                    segment(),
                    agency ->
                        pathPrefix(
                            "branches",
                            () ->
                                pathPrefix(
                                    segment(), branch -> visitsRoute(call, agency, branch))))),
        pathPrefix(
            "patrons",
            () ->
                pathPrefix(
                    segment(),
                    card ->
                        pathPrefix(
                            "open-library",
                            () ->
                                withId(
                                    card,
                                    "cardNumber",
                                    Forms.CARD_NUMBER,
                                    Forms.CARD_NUMBER_TEXT,
                                    c -> signUps(call, c))))));
  }

  // The door

  private CompletionStage<HttpResponse> enter(Call call, RequestBody body)
      throws RequestBody.Invalid {
    String agency = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    String branch = body.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT);
    String card = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String pin = body.text("pin", Forms.PIN, Forms.PIN_TEXT);
    body.finish();
    if (!OPEN_DOOR.permits(call.caller(), agency)) {
      return CompletableFuture.completedFuture(outsideScope(call, agency));
    }
    return answer(
        pinGuarded(
                call, card, () -> door.enter(agency, branch, card, pin, call.caller().clientId()))
            .thenApply(r -> r.map(v -> new Opened(true, v.visitId(), v.at()))),
        StatusCodes.CREATED);
  }

  // Visits

  private Route visitsRoute(Call call, String agency, String branch) {
    return path(
        "visits",
        () ->
            get(
                () ->
                    named(
                        "/api/v1/agencies/{agencyId}/branches/{branchId}/visits",
                        () ->
                            allowed(
                                call,
                                READ_VISITS,
                                () ->
                                    parameter(
                                        "date", date -> visits(call, agency, branch, date))))));
  }

  private Route visits(Call call, String agency, String branch, String dateText) {
    LocalDate day = Times.date(dateText);
    List<Problem.FieldError> errors = new ArrayList<>();
    Forms.require(
        errors, "agencyId", Forms.AGENCY_ID.matcher(agency).matches(), Forms.AGENCY_ID_TEXT);
    Forms.require(
        errors, "branchId", Forms.BRANCH_ID.matcher(branch).matches(), Forms.BRANCH_ID_TEXT);
    Forms.require(errors, "date", day != null, Forms.DATE_TEXT);
    if (!errors.isEmpty()) {
      return complete(problem(Problem.invalidRequest(errors)));
    }
    if (!READ_VISITS.permits(call.caller(), agency)) {
      return complete(outsideScope(call, agency));
    }
    return completeWithFuture(
        recover(
            audited(
                call,
                "READ_VISITS",
                "visits at " + agency + "/" + branch + " on " + day,
                answer(door.visits(agency, branch, day), StatusCodes.OK))));
  }

  // Sign-ups: POST /patrons/{card}/open-library {agencyId}; DELETE .../open-library/{agencyId}

  private Route signUps(Call call, String card) {
    return concat(
        pathEnd(
            () ->
                post(
                    () ->
                        named(
                            "/api/v1/patrons/{cardNumber}/open-library",
                            () ->
                                allowed(
                                    call,
                                    SIGN_UP_OPEN_LIBRARY,
                                    () -> withBody(call, (c, body) -> signUp(c, card, body)))))),
        path(
            segment(),
            agency ->
                delete(
                    () ->
                        named(
                            "/api/v1/patrons/{cardNumber}/open-library/{agencyId}",
                            () ->
                                allowed(
                                    call,
                                    SIGN_UP_OPEN_LIBRARY,
                                    () ->
                                        withId(
                                            agency,
                                            "agencyId",
                                            Forms.AGENCY_ID,
                                            Forms.AGENCY_ID_TEXT,
                                            a ->
                                                completeWithFuture(
                                                    recover(
                                                        forAgency(
                                                            call,
                                                            card,
                                                            a,
                                                            "WITHDRAW_OPEN_LIBRARY",
                                                            () -> door.withdraw(card, a))))))))));
  }

  private CompletionStage<HttpResponse> signUp(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    String agency = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    body.finish();
    return forAgency(
        call,
        card,
        agency,
        "SIGN_UP_OPEN_LIBRARY",
        () -> door.signUp(card, agency, call.caller().clientId()));
  }

  /** The patron's own token for any agency; staff for their own agencies' open libraries. */
  private CompletionStage<HttpResponse> forAgency(
      Call call,
      String card,
      String agency,
      String action,
      Supplier<CompletionStage<Result<Map<String, AccessSignUps.SignUp>>>> change) {
    if (call.caller().role() == Role.PATRON) {
      return card.equals(call.caller().cardNumber())
          ? answer(change.get(), StatusCodes.OK)
          : CompletableFuture.completedFuture(
              answer(Result.refused(PatronRules.notFound(card)), StatusCodes.OK));
    }
    if (!SIGN_UP_OPEN_LIBRARY.permits(call.caller(), agency)) {
      return CompletableFuture.completedFuture(outsideScope(call, agency));
    }
    return audited(
        call, action, maskedCard(card) + " at " + agency, answer(change.get(), StatusCodes.OK));
  }
}
