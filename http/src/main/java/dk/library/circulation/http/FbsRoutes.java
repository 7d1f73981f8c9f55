package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.CANCEL_HOLD;
import static dk.library.circulation.access.Operation.PLACE_HOLD;
import static dk.library.circulation.access.Operation.READ_CATALOGUE;
import static dk.library.circulation.access.Operation.READ_PATRON;
import static dk.library.circulation.access.Operation.REGISTER_ON_WEB;
import static dk.library.circulation.access.Operation.RENEW_OWN_LOANS;
import static dk.library.circulation.access.Operation.UPDATE_CONTACT;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.Operation;
import dk.library.circulation.card.PersonRegistry;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.fbs.FbsIds;
import dk.library.circulation.patron.PatronRules;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The FBS external API that Danish library websites (dpl-react) speak, answered from this core's
 * own entities: docs/fbs.md. Paths, parameters and shapes are the contract's; {@code agencyid} and
 * {@code patronid} may be given literally, as the website's proxy sends them, or as values. The
 * website's back end calls with its terminal key for what is not personal (branches, availability,
 * holdings) and with the patron's token, got with card and PIN, for the patron's own data.
 */
final class FbsRoutes extends FbsAnswers {

  private static final String LITERAL_AGENCY = "agencyid";
  private static final String LITERAL_PATRON = "patronid";

  private final FbsCatalogue catalog;
  private final FbsPatrons patronAnswers;
  private final FbsReservations holdAnswers;
  private final FbsSignUp signUp;

  FbsRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics, PersonRegistry people) {
    super(desk, access, metrics);
    this.catalog = new FbsCatalogue(desk, access, metrics);
    this.patronAnswers = new FbsPatrons(desk, access, metrics);
    this.holdAnswers = new FbsReservations(desk, access, metrics);
    this.signUp = new FbsSignUp(desk, access, metrics, patronAnswers, people);
  }

  Route routes(Call call) {
    return pathPrefix(
        "external",
        () ->
            concat(
                pathPrefix("v1", () -> pathPrefix(segment(), agency -> v1(call, agency))),
                pathPrefix(segment(), agency -> unversioned(call, agency))));
  }

  // /external/v1/{agencyid}/...

  private Route v1(Call call, String agency) {
    return concat(
        path(
            "branches",
            () ->
                get(
                    () ->
                        named(
                            "/external/v1/{agencyid}/branches",
                            () ->
                                parameterList(
                                    "exclude",
                                    exclude ->
                                        catalogue(
                                            call,
                                            agency,
                                            a -> catalog.branches(a, Set.copyOf(exclude))))))),
        pathPrefix(
            "patrons", () -> pathPrefix(segment(), patron -> reservations(call, agency, patron))));
  }

  private Route reservations(Call call, String agency, String patron) {
    String v1 = "/external/v1/{agencyid}/patrons/{patronid}/reservations";
    String v2 = v1 + "/v2";
    return pathPrefix(
        "reservations",
        () ->
            concat(
                path(
                    "v2",
                    () ->
                        concat(
                            get(
                                () ->
                                    read(
                                        call,
                                        patron,
                                        v2,
                                        READ_PATRON,
                                        holdAnswers::reservationList)),
                            post(
                                () ->
                                    write(
                                        call,
                                        patron,
                                        v2,
                                        PLACE_HOLD,
                                        (card, body) ->
                                            placeReservations(call, agency, card, body, false))))),
                pathEnd(
                    () ->
                        concat(
                            get(
                                () ->
                                    read(
                                        call,
                                        patron,
                                        v1,
                                        READ_PATRON,
                                        holdAnswers::reservationListV1)),
                            post(
                                () ->
                                    write(
                                        call,
                                        patron,
                                        v1,
                                        PLACE_HOLD,
                                        (card, body) ->
                                            placeReservations(call, agency, card, body, true))),
                            delete(
                                () ->
                                    named(
                                        v1,
                                        () ->
                                            parameterList(
                                                "reservationid",
                                                ids ->
                                                    ownPatron(
                                                        call,
                                                        patron,
                                                        CANCEL_HOLD,
                                                        card ->
                                                            cancelReservations(call, card, ids))))),
                            put(
                                () ->
                                    write(
                                        call,
                                        patron,
                                        v1,
                                        PLACE_HOLD,
                                        (card, body) -> changeReservations(call, card, body)))))));
  }

  private CompletionStage<HttpResponse> changeReservations(Call call, String card, JsonNode body) {
    return audited(
        call,
        "CHANGE_HOLD",
        maskedCard(card) + " (FBS)",
        holdAnswers.updateReservations(card, body));
  }

  /** {@code v1}: the deprecated form, answered in the older shape. */
  private CompletionStage<HttpResponse> placeReservations(
      Call call, String agency, String card, JsonNode body, boolean v1) {
    return audited(
        call,
        "PLACE_HOLD",
        maskedCard(card) + " (FBS)",
        agencyOf(call, agency)
            .thenCompose(
                a ->
                    a.isEmpty()
                        ? invalid("agencyid: give the agency's id")
                        : v1
                            ? holdAnswers.createReservationsV1(a.get(), card, body)
                            : holdAnswers.createReservations(a.get(), card, body)));
  }

  private CompletionStage<HttpResponse> cancelReservations(
      Call call, String card, List<String> ids) {
    return audited(
        call,
        "CANCEL_HOLD",
        maskedCard(card) + " (FBS)",
        holdAnswers.deleteReservations(card, ids));
  }

  // /external/{agencyid}/...

  private Route unversioned(Call call, String agency) {
    return concat(
        signUp(call, agency),
        pathPrefix(
            "catalog",
            () ->
                concat(
                    path(
                        segment("availability").slash("v3"),
                        () ->
                            get(
                                () ->
                                    named(
                                        "/external/{agencyid}/catalog/availability/v3",
                                        () -> records(call, agency, catalog::availability)))),
                    path(
                        segment("holdingsLogistics").slash("v1"),
                        () ->
                            get(
                                () ->
                                    named(
                                        "/external/{agencyid}/catalog/holdingsLogistics/v1",
                                        () -> records(call, agency, catalog::holdings)))))),
        path(
            segment("patron").slash(segment()).slash("fees").slash("v2"),
            patron ->
                get(
                    () ->
                        read(
                            call,
                            patron,
                            "/external/{agencyid}/patron/{patronid}/fees/v2",
                            READ_PATRON,
                            patronAnswers::fees))),
        pathPrefix("patrons", () -> pathPrefix(segment(), patron -> patron(call, patron))));
  }

  /** /external/{agencyid}/patrons/{patronid}/...: the patron's own record, settings and loans. */
  private Route patron(Call call, String patron) {
    String base = "/external/{agencyid}/patrons/{patronid}";
    return concat(
        path(
            "v4",
            () ->
                concat(
                    get(() -> read(call, patron, base + "/v4", READ_PATRON, patronAnswers::patron)),
                    put(
                        () ->
                            write(
                                call,
                                patron,
                                base + "/v4",
                                UPDATE_CONTACT,
                                (card, body) -> patronAnswers.updatePatronV4(call, card, body))))),
        path(
            "v8",
            () ->
                put(
                    () ->
                        write(
                            call,
                            patron,
                            base + "/v8",
                            UPDATE_CONTACT,
                            (card, body) -> patronAnswers.updatePatron(call, card, body)))),
        path(
            segment("loans").slash("v2"),
            () ->
                get(
                    () ->
                        read(call, patron, base + "/loans/v2", READ_PATRON, patronAnswers::loans))),
        path(
            segment("loans").slash("renew").slash("v2"),
            () ->
                post(
                    () ->
                        write(
                            call,
                            patron,
                            base + "/loans/renew/v2",
                            RENEW_OWN_LOANS,
                            (card, body) -> patronAnswers.renew(card, body)))));
  }

  /** A patron's path without a body, named for the metrics by its template. */
  private Route read(
      Call call,
      String patron,
      String template,
      Operation operation,
      Function<String, CompletionStage<HttpResponse>> action) {
    return named(template, () -> ownPatron(call, patron, operation, action));
  }

  /** A patron's path with a JSON body. */
  private Route write(
      Call call,
      String patron,
      String template,
      Operation operation,
      BiFunction<String, JsonNode, CompletionStage<HttpResponse>> action) {
    return named(
        template,
        () ->
            withJsonValue(
                body -> ownPatron(call, patron, operation, card -> action.apply(card, body))));
  }

  /** Signing up on the website: the agency's own terminal (the website's back end) only. */
  private Route signUp(Call call, String agency) {
    return pathPrefix(
        "patrons",
        () ->
            concat(
                path(
                    "v9",
                    () ->
                        post(
                            () ->
                                named(
                                    "/external/{agencyid}/patrons/v9",
                                    () ->
                                        withJsonValue(
                                            body ->
                                                forAgency(
                                                    call,
                                                    agency,
                                                    a -> signUp.create(call, a, body)))))),
                path(
                    segment("withGuardian").slash("v1"),
                    () ->
                        named(
                            "/external/{agencyid}/patrons/withGuardian/v1",
                            () ->
                                withJsonValue(
                                    body ->
                                        concat(
                                            post(
                                                () ->
                                                    forAgency(
                                                        call,
                                                        agency,
                                                        a ->
                                                            signUp.createWithGuardian(
                                                                call, a, body))),
                                            put(
                                                () ->
                                                    forAgency(
                                                        call,
                                                        agency,
                                                        a ->
                                                            signUp.updateGuardian(
                                                                call, body)))))))));
  }

  /** An agency's own terminal, for what it registers there; audited as a registration. */
  private Route forAgency(
      Call call, String agency, Function<String, CompletionStage<HttpResponse>> action) {
    return inAgency(
        call,
        agency,
        REGISTER_ON_WEB,
        a -> audited(call, "REGISTER_PATRON", "web sign-up at " + a, action.apply(a)));
  }

  // Who is asking

  /**
   * The patron's own data, for the holder of that patron's token only: {@code patronid} literal or
   * the patron's FBS id. Any other token answers as an unknown patron.
   */
  private Route ownPatron(
      Call call,
      String patronId,
      Operation operation,
      Function<String, CompletionStage<HttpResponse>> action) {
    return allowed(
        call,
        operation,
        () -> {
          if (call.caller().role() != Role.PATRON) {
            return complete(
                problem(
                    Problem.of(
                        StatusCodes.FORBIDDEN,
                        "ROLE_NOT_ALLOWED",
                        "a patron's FBS data is read and changed with that patron's token; get one"
                            + " with POST /api/v1/patron-sessions (card and PIN)")));
          }
          String card = call.caller().cardNumber();
          if (!patronId.equals(LITERAL_PATRON)
              && !patronId.equals(Long.toString(FbsIds.patron(card)))) {
            return complete(answer(Result.refused(PatronRules.notFound(patronId)), StatusCodes.OK));
          }
          return completeWithFuture(recover(action.apply(card)));
        });
  }

  /** Branches, availability, holdings: any caller whose role may read that agency's catalogue. */
  private Route catalogue(
      Call call, String agency, Function<String, CompletionStage<HttpResponse>> action) {
    return inAgency(call, agency, READ_CATALOGUE, action);
  }

  /** The operation on the agency named, or meant by the literal, within the caller's scope. */
  private Route inAgency(
      Call call,
      String agency,
      Operation operation,
      Function<String, CompletionStage<HttpResponse>> action) {
    return allowed(
        call,
        operation,
        () ->
            completeWithFuture(
                recover(
                    agencyOf(call, agency)
                        .thenCompose(
                            resolved -> {
                              if (resolved.isEmpty()) {
                                return invalid(
                                    "agencyid: give the agency's id; the literal 'agencyid'"
                                        + " stands for it only when the caller acts for exactly"
                                        + " one agency");
                              }
                              return operation.permits(call.caller(), resolved.get())
                                  ? action.apply(resolved.get())
                                  : CompletableFuture.completedFuture(
                                      outsideScope(call, resolved.get()));
                            }))));
  }

  private Route records(
      Call call,
      String agency,
      BiFunction<String, List<String>, CompletionStage<HttpResponse>> action) {
    // The role first, so a caller who may not read the catalogue learns nothing from its checks.
    return allowed(
        call,
        READ_CATALOGUE,
        () ->
            parameterList(
                "recordid",
                ids -> {
                  if (ids.isEmpty()
                      || ids.size() > 50
                      || !ids.stream().allMatch(id -> Forms.TITLE_ID.matcher(id).matches())) {
                    return complete(
                        problem(
                            Problem.invalidRequest(
                                List.of(
                                    new Problem.FieldError(
                                        "recordid",
                                        "give 1-50 record ids, each " + Forms.TITLE_ID_TEXT)))));
                  }
                  return catalogue(call, agency, a -> action.apply(a, List.copyOf(ids)));
                }));
  }

  /** The literal {@code agencyid}: the patron's home agency, or the client's only agency. */
  private CompletionStage<Optional<String>> agencyOf(Call call, String agency) {
    if (!agency.equals(LITERAL_AGENCY)) {
      return CompletableFuture.completedFuture(Optional.of(agency));
    }
    if (call.caller().role() == Role.PATRON) {
      return desk.homeAgencyOfCard(call.caller().cardNumber());
    }
    return CompletableFuture.completedFuture(
        call.caller().agencies().size() == 1
            ? Optional.of(call.caller().agencies().iterator().next())
            : Optional.empty());
  }
}
