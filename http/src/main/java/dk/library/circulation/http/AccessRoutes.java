package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.LOG_IN_PATRON;
import static dk.library.circulation.access.Operation.MANAGE_CLIENTS;
import static dk.library.circulation.access.Operation.READ_AUDIT;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.ApiKeys;
import dk.library.circulation.access.Authenticator;
import dk.library.circulation.access.PatronTokens;
import dk.library.circulation.agency.Agency;
import dk.library.circulation.client.ApiClient;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who may call: API clients (operators register, rotate and revoke them), patron logins that issue
 * patron tokens, and the audit trail operators read.
 */
final class AccessRoutes extends ApiDirectives {

  private static final Pattern ROLE = Pattern.compile("terminal|staff|network|operator|door");
  private static final String ROLE_TEXT = "one of terminal, staff, network, operator, door";
  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern DAY = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final String CLIENT_ID_TEXT =
      "3-63 lower-case letters, digits or '-', starting with a letter or digit";

  /** A client as the API shows it: never its key hash; the key only when just issued. */
  record ClientView(
      String clientId,
      String name,
      String role,
      List<String> agencies,
      int requestsPerSecond,
      Instant registeredAt,
      Instant revokedAt,
      String apiKey) {

    static ClientView of(ApiClient.Details c, String apiKey) {
      return new ClientView(
          c.clientId(),
          c.name(),
          c.role().name().toLowerCase(),
          c.agencies(),
          c.requestsPerSecond(),
          c.registeredAt(),
          c.revokedAt(),
          apiKey);
    }
  }

  record PatronSession(String token, String tokenType, Instant expiresAt, String cardNumber) {}

  private final CirculationDesk desk;

  AccessRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.desk = desk;
  }

  Route routes(Call call) {
    return concat(clients(call), patronSessions(call), audit(call));
  }

  // Clients

  private Route clients(Call call) {
    String one = "/api/v1/clients/{clientId}";
    return pathPrefix(
        "clients",
        () ->
            concat(
                pathEnd(
                    () ->
                        post(
                            () ->
                                named(
                                    "/api/v1/clients",
                                    () ->
                                        allowed(
                                            call,
                                            MANAGE_CLIENTS,
                                            () -> withBody(call, this::registerClient))))),
                pathPrefix(
                    segment(),
                    id ->
                        concat(
                            pathEnd(
                                () ->
                                    concat(
                                        get(
                                            () ->
                                                named(
                                                    one,
                                                    () ->
                                                        clientAction(call, id, this::readClient))),
                                        delete(
                                            () ->
                                                named(
                                                    one,
                                                    () ->
                                                        clientAction(
                                                            call,
                                                            id,
                                                            clientId -> revoke(call, clientId)))))),
                            path(
                                "key",
                                () ->
                                    post(
                                        () ->
                                            named(
                                                one + "/key",
                                                () ->
                                                    clientAction(
                                                        call,
                                                        id,
                                                        clientId ->
                                                            rotateKey(call, clientId)))))))));
  }

  private CompletionStage<HttpResponse> readClient(String clientId) {
    return answer(
        access.clients().client(clientId).thenApply(r -> r.map(c -> ClientView.of(c, null))),
        StatusCodes.OK);
  }

  private CompletionStage<HttpResponse> revoke(Call call, String clientId) {
    return audited(
        call,
        "REVOKE_CLIENT",
        "client " + clientId,
        answer(
            access
                .clients()
                .revoke(clientId, call.caller().clientId())
                .thenApply(r -> r.map(c -> ClientView.of(c, null))),
            StatusCodes.OK));
  }

  private Route clientAction(
      Call call, String id, Function<String, CompletionStage<HttpResponse>> action) {
    // The body, if any, is read and dropped: these routes take none.
    return allowed(
        call,
        MANAGE_CLIENTS,
        () ->
            toStrictEntity(
                BODY_READ_TIMEOUT,
                () ->
                    withId(
                        id,
                        "clientId",
                        ApiKeys.CLIENT_ID,
                        CLIENT_ID_TEXT,
                        clientId -> completeWithFuture(recover(action.apply(clientId))))));
  }

  private CompletionStage<HttpResponse> rotateKey(Call call, String clientId) {
    String key = ApiKeys.issue(clientId);
    return audited(
        call,
        "ROTATE_CLIENT_KEY",
        "client " + clientId,
        answer(
            access
                .clients()
                .rotateKey(clientId, ApiKeys.hash(key))
                .thenApply(r -> r.map(c -> ClientView.of(c, key))),
            StatusCodes.OK));
  }

  private CompletionStage<HttpResponse> registerClient(Call call, RequestBody body)
      throws RequestBody.Invalid {
    String clientId = body.text("clientId", ApiKeys.CLIENT_ID, CLIENT_ID_TEXT);
    String name = body.text("name", Forms.NAME, Forms.NAME_TEXT);
    String roleName = body.text("role", ROLE, ROLE_TEXT);
    List<String> agencies =
        body.optionalTextList("agencies", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT, 100);
    Role role = roleName == null ? null : Role.valueOf(roleName.toUpperCase());
    int requestsPerSecond =
        body.optionalInteger(
            "requestsPerSecond",
            1,
            100_000,
            role == null ? 1 : access.defaultRequestsPerSecond().get(role));
    if (Authenticator.BOOTSTRAP_OPERATOR.equals(clientId)) {
      body.error("clientId", "'" + clientId + "' is reserved for the configured operator key");
    }
    if (role == Role.OPERATOR && !agencies.isEmpty()) {
      body.error("agencies", "an operator acts for no agency in particular; leave it out");
    }
    if (role != null && role != Role.OPERATOR && agencies.isEmpty()) {
      body.error("agencies", "a " + roleName + " client must act for at least one agency");
    }
    if (agencies.stream().distinct().count() < agencies.size()) {
      body.error("agencies", "each agency may appear only once");
    }
    body.finish();
    return audited(
        call,
        "REGISTER_CLIENT",
        "client " + clientId,
        agenciesExist(agencies)
            .thenCompose(
                missing -> {
                  if (missing != null) {
                    return CompletableFuture.completedFuture(
                        answer(Result.refused(missing), StatusCodes.CREATED));
                  }
                  String key = ApiKeys.issue(clientId);
                  return answer(
                      access
                          .clients()
                          .register(
                              clientId,
                              name,
                              role,
                              agencies,
                              requestsPerSecond,
                              ApiKeys.hash(key),
                              call.caller().clientId())
                          .thenApply(r -> r.map(c -> ClientView.of(c, key))),
                      StatusCodes.CREATED);
                }));
  }

  /** The first agency that does not exist, or null when all do. */
  private CompletionStage<Rejection> agenciesExist(List<String> agencies) {
    CompletionStage<Rejection> missing = CompletableFuture.completedFuture(null);
    for (String agencyId : agencies) {
      missing =
          missing.thenCombine(
              desk.agency(agencyId),
              (earlier, result) ->
                  earlier != null
                      ? earlier
                      : result instanceof Result.Refused<Agency.Details> refused
                          ? refused.rejection()
                          : null);
    }
    return missing;
  }

  // Patron logins

  private Route patronSessions(Call call) {
    return path(
        "patron-sessions",
        () ->
            post(
                () ->
                    named(
                        "/api/v1/patron-sessions",
                        () -> allowed(call, LOG_IN_PATRON, () -> withBody(call, this::logIn)))));
  }

  /** Card + PIN in, a short-lived patron token out; wrong PINs count like any other. */
  private CompletionStage<HttpResponse> logIn(Call call, RequestBody body)
      throws RequestBody.Invalid {
    String card = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String pin = body.text("pin", Forms.PIN, Forms.PIN_TEXT);
    body.finish();
    return answer(
        pinGuarded(call, card, () -> desk.logIn(card, pin))
            .thenApply(
                r ->
                    r.map(
                        status -> {
                          PatronTokens.Issued issued =
                              access.patronTokens().issue(card, call.caller().clientId());
                          return new PatronSession(
                              issued.token(), "Bearer", issued.expiresAt(), card);
                        })),
        StatusCodes.CREATED);
  }

  // Audit

  private Route audit(Call call) {
    return pathPrefix(
        "audit",
        () ->
            path(
                segment(),
                day ->
                    get(
                        () ->
                            named(
                                "/api/v1/audit/{day}",
                                () ->
                                    allowed(
                                        call,
                                        READ_AUDIT,
                                        () ->
                                            withId(
                                                day,
                                                "day",
                                                DAY,
                                                "a date as yyyy-MM-dd",
                                                d -> readAudit(d)))))));
  }

  private Route readAudit(String day) {
    LocalDate date;
    try {
      date = LocalDate.parse(day);
    } catch (DateTimeParseException e) {
      return complete(
          problem(
              Problem.invalidRequest(
                  List.of(new Problem.FieldError("day", "is not a date in the calendar")))));
    }
    if (date.isAfter(access.audit().today(access.clock()))) {
      return complete(jsonResponse(StatusCodes.OK, Map.of("day", day, "records", List.of())));
    }
    StatusCode ok = StatusCodes.OK;
    return completeWithFuture(
        recover(access.audit().day(date).thenApply(records -> jsonResponse(ok, records))));
  }
}
