package dk.library.circulation.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.fbs.FbsIds;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route, called by every kind of caller, on its own agency's data and on another agency's:
 * the expected answer of each cell is written out below, independently of the server's access
 * table, so a change to who may do what fails here until this table says the same.
 *
 * <p>Cells: {@code ok} 2xx; {@code role} 403 ROLE_NOT_ALLOWED; {@code scope} 403
 * OUTSIDE_AGENCY_SCOPE; {@code hidden} 404, answered like an unknown id; {@code anon} 401.
 */
class AccessMatrixTest {

  /**
   * route | anonymous | terminal | staff | network | patron | operator | door; each cell own/other.
   */
  static final String MATRIX =
      """
GET metrics            | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
GET console-metrics    | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
GET console-cluster    | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
GET console-runs       | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
POST agencies          | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
GET agency             | anon/anon | ok/scope      | ok/scope      | ok/ok     | role/role     | ok/ok | role/role
POST patrons           | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
GET patron             | anon/anon | role/role     | ok/hidden     | role/role | ok/hidden     | role/role | role/role
POST patron-status     | anon/anon | ok/ok         | ok/ok         | role/role | role/role     | role/role | role/role
POST patron-sessions   | anon/anon | ok/ok         | role/role     | role/role | role/role     | role/role | role/role
POST items             | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
GET item               | anon/anon | ok/hidden     | ok/hidden     | ok/ok     | role/role     | role/role | role/role
POST checkouts         | anon/anon | ok/scope      | ok/scope      | role/role | role/role     | role/role | role/role
POST returns           | anon/anon | ok/scope      | ok/scope      | role/role | role/role     | role/role | role/role
POST renewals          | anon/anon | ok/ok         | ok/ok         | role/role | role/role     | role/role | role/role
POST clients           | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
GET client             | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
POST client-key        | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
DELETE client          | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
GET audit              | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
GET policy             | anon/anon | ok/scope      | ok/scope      | ok/ok     | role/role     | ok/ok | role/role
PUT policy             | anon/anon | role/role     | role/role     | role/role | role/role     | ok/ok | role/role
GET policy-versions    | anon/anon | ok/scope      | ok/scope      | ok/ok     | role/role     | ok/ok | role/role
POST fees              | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
POST payments          | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
PUT suspension         | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
DELETE suspension      | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
DELETE exclusion       | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
POST claim-write-offs  | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
GET debt-collection    | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
POST payment-sessions  | anon/anon | ok/hidden     | ok/hidden     | role/role | ok/hidden     | role/role | role/role
POST identity-check    | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
POST guardian-consent  | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
PUT pin                | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
POST pin-unlock        | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
PUT contact            | anon/anon | role/role     | ok/hidden     | role/role | ok/hidden     | role/role | role/role
POST lost-card-report  | anon/anon | role/role     | ok/hidden     | role/role | hidden/hidden | role/role | role/role
POST cards             | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
POST deposits          | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
POST lost-items        | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
POST holds             | anon/anon | role/role     | ok/scope      | role/role | ok/hidden     | role/role | role/role
GET hold-queue         | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
GET hold               | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
DELETE hold            | anon/anon | role/role     | ok/scope      | role/role | ok/hidden     | role/role | role/role
POST hold-proxies      | anon/anon | role/role     | ok/scope      | role/role | ok/hidden     | role/role | role/role
POST item-arrival      | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
GET patron-holds       | anon/anon | role/role     | ok/hidden     | role/role | ok/hidden     | role/role | role/role
GET patron-notices     | anon/anon | role/role     | ok/hidden     | role/role | ok/hidden     | role/role | role/role
POST ill-requests      | anon/anon | role/role     | ok/scope      | role/role | ok/hidden     | role/role | role/role
GET ill-request        | anon/anon | role/role     | ok/hidden     | ok/ok     | ok/hidden     | role/role | role/role
DELETE ill-request     | anon/anon | role/role     | ok/hidden     | role/role | role/role     | role/role | role/role
POST ill-answers       | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
POST imports           | anon/anon | role/role     | ok/ok         | role/role | role/role     | ok/ok | role/role
PUT resource           | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
GET resources          | anon/anon | ok/scope      | ok/scope      | role/role | ok/ok         | role/role | role/role
GET resource-day       | anon/anon | ok/scope      | ok/scope      | role/role | ok/ok         | role/role | role/role
POST bookings          | anon/anon | ok/scope      | role/role     | role/role | ok/hidden     | role/role | role/role
POST booking-cancel    | anon/anon | ok/scope      | ok/scope      | role/role | ok/hidden     | role/role | role/role
POST booking-check-in  | anon/anon | ok/scope      | role/role     | role/role | role/role     | role/role | role/role
GET patron-bookings    | anon/anon | role/role     | ok/hidden     | role/role | ok/hidden     | role/role | role/role
POST door-entries      | anon/anon | role/role     | role/role     | role/role | role/role     | role/role | ok/scope
GET visits             | anon/anon | role/role     | ok/scope      | role/role | role/role     | role/role | role/role
POST open-library      | anon/anon | role/role     | ok/scope      | role/role | ok/hidden     | role/role | role/role
DELETE open-library    | anon/anon | role/role     | ok/scope      | role/role | ok/hidden     | role/role | role/role
GET fbs-branches       | anon/anon | ok/scope      | ok/scope      | ok/ok     | ok/ok         | ok/ok | role/role
GET fbs-availability   | anon/anon | ok/scope      | ok/scope      | ok/ok     | ok/ok         | ok/ok | role/role
GET fbs-patron         | anon/anon | role/role     | role/role     | role/role | ok/hidden     | role/role | role/role
GET fbs-loans          | anon/anon | role/role     | role/role     | role/role | ok/hidden     | role/role | role/role
GET fbs-fees           | anon/anon | role/role     | role/role     | role/role | ok/hidden     | role/role | role/role
GET fbs-reservations   | anon/anon | role/role     | role/role     | role/role | ok/hidden     | role/role | role/role
POST fbs-reservations  | anon/anon | role/role     | role/role     | role/role | ok/hidden     | role/role | role/role
PUT fbs-patron-v8      | anon/anon | role/role     | role/role     | role/role | ok/hidden     | role/role | role/role
PUT fbs-patron-v4      | anon/anon | role/role     | role/role     | role/role | ok/hidden     | role/role | role/role
""";

  static final List<String> CALLERS =
      List.of("anonymous", "terminal", "staff", "network", "patron", "operator", "door");

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  static CirculationServer server;
  static Api operator;
  static String own;
  static String other;
  static String third;
  static String thirdPatron;
  static String ownPatron;
  static String otherPatron;
  static Map<String, Api> callers;

  @BeforeAll
  static void start() {
    server = TestServers.start(clock);
    operator = new Api(server.port());
    own = Api.unique("DK-");
    other = Api.unique("DK-");
    assertEquals(201, operator.createAgency(own, 10_000, 100).status());
    assertEquals(201, operator.createAgency(other, 10_000, 100).status());
    third = Api.unique("DK-");
    assertEquals(201, operator.createAgency(third, 10_000, 100).status());
    thirdPatron = Api.unique("C");
    assertEquals(201, operator.registerPatron(thirdPatron, third).status());
    ownPatron = Api.unique("C");
    otherPatron = Api.unique("C");
    assertEquals(201, operator.registerPatron(ownPatron, own).status());
    assertEquals(201, operator.registerPatron(otherPatron, other).status());
    Answer session =
        operator
            .terminal(own)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(ownPatron));
    assertEquals(201, session.status(), session.body().toString());
    callers = new LinkedHashMap<>();
    callers.put("anonymous", operator.as(null));
    callers.put("terminal", operator.terminal(own));
    callers.put("staff", operator.staff(own));
    callers.put("network", operator.as(operator.registerClient("network", own)));
    callers.put("patron", operator.as(session.body().get("token").asText()));
    callers.put("operator", operator);
    callers.put("door", operator.as(operator.registerClient("door", own)));
    for (String agency : List.of(own, other)) {
      Answer policy = operator.put("/api/v1/agencies/" + agency + "/policy", POLICY_JSON);
      assertEquals(200, policy.status(), policy.body().toString());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** R45: the main branch is an open library all day, for anyone not blocked. */
  static final String POLICY_JSON =
      """
      {"loanPeriodDays":28,"maxLoans":10000,"maxRenewals":100,
       "openLibrary":{"branches":["main"],"opens":"00:00","closes":"23:59",
                      "signUpRequired":false}}
      """;

  /** How each route is called: with fresh data of the own or the other agency. */
  static final Map<String, BiFunction<Api, Boolean, Answer>> ROUTES = new LinkedHashMap<>();

  static {
    ROUTES.put("GET metrics", (api, isOwn) -> metrics(api));
    ROUTES.put("GET console-metrics", (api, isOwn) -> api.get("/api/v1/console/metrics"));
    ROUTES.put("GET console-cluster", (api, isOwn) -> api.get("/api/v1/console/cluster"));
    ROUTES.put("GET console-runs", (api, isOwn) -> api.get("/api/v1/console/runs"));
    ROUTES.put(
        "POST agencies",
        (api, isOwn) ->
            api.post(
                "/api/v1/agencies",
                """
                {"agencyId":"%s","name":"New","branches":[{"branchId":"main","name":"Main"}],
                 "policy":{"loanPeriodDays":28,"maxLoans":10,"maxRenewals":2}}
                """
                    .formatted(Api.unique("DK-"))));
    ROUTES.put("GET agency", (api, isOwn) -> api.get("/api/v1/agencies/" + agency(isOwn)));
    ROUTES.put(
        "POST patrons",
        (api, isOwn) ->
            api.post(
                "/api/v1/patrons",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"N\",\"homeAgencyId\":\"%s\"}"
                    .formatted(Api.unique("C"), agency(isOwn))));
    ROUTES.put("GET patron", (api, isOwn) -> api.get("/api/v1/patrons/" + patron(isOwn)));
    ROUTES.put(
        "POST patron-status",
        (api, isOwn) ->
            api.post(
                "/api/v1/patron-status",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(patron(isOwn))));
    ROUTES.put(
        "POST patron-sessions",
        (api, isOwn) ->
            api.post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(patron(isOwn))));
    ROUTES.put(
        "POST items",
        (api, isOwn) ->
            api.post(
                "/api/v1/items",
                "{\"barcode\":\"%s\",\"titleId\":\"T1\",\"title\":\"T\",\"agencyId\":\"%s\",\"materialType\":\"book\"}"
                    .formatted(Api.unique("X"), agency(isOwn))));
    ROUTES.put("GET item", (api, isOwn) -> api.get("/api/v1/items/" + item(isOwn)));
    ROUTES.put(
        "POST checkouts",
        (api, isOwn) ->
            api.post(
                "/api/v1/checkouts",
                "{\"transactionId\":\"%s\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\"}"
                    .formatted(Api.unique("t"), patron(isOwn), item(isOwn), agency(isOwn))));
    ROUTES.put(
        "POST returns",
        (api, isOwn) -> {
          String barcode = item(isOwn);
          assertEquals(
              201,
              operator
                  .staff(agency(isOwn))
                  .post(
                      "/api/v1/checkouts",
                      "{\"transactionId\":\"%s\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\"}"
                          .formatted(Api.unique("t"), patron(isOwn), barcode, agency(isOwn)))
                  .status());
          return api.post(
              "/api/v1/returns",
              "{\"transactionId\":\"%s\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\"}"
                  .formatted(Api.unique("r"), barcode, agency(isOwn)));
        });
    ROUTES.put(
        "POST renewals",
        (api, isOwn) ->
            api.post(
                "/api/v1/renewals",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(patron(isOwn))));
    ROUTES.put(
        "POST clients",
        (api, isOwn) ->
            api.post(
                "/api/v1/clients",
                "{\"clientId\":\"%s\",\"name\":\"T\",\"role\":\"terminal\",\"agencies\":[\"%s\"]}"
                    .formatted(Api.clientId("terminal"), agency(isOwn))));
    ROUTES.put("GET client", (api, isOwn) -> api.get("/api/v1/clients/" + client(isOwn)));
    ROUTES.put(
        "POST client-key",
        (api, isOwn) -> api.post("/api/v1/clients/" + client(isOwn) + "/key", "{}"));
    ROUTES.put("DELETE client", (api, isOwn) -> api.delete("/api/v1/clients/" + client(isOwn)));
    ROUTES.put("GET audit", (api, isOwn) -> api.get("/api/v1/audit/2026-11-22"));
    ROUTES.put(
        "GET fbs-branches", (api, isOwn) -> api.get("/external/v1/" + agency(isOwn) + "/branches"));
    ROUTES.put(
        "GET fbs-availability",
        (api, isOwn) ->
            api.get("/external/" + agency(isOwn) + "/catalog/availability/v3?recordid=T1"));
    ROUTES.put("GET fbs-patron", (api, isOwn) -> api.get(fbsPatron(isOwn) + "/v4"));
    ROUTES.put("GET fbs-loans", (api, isOwn) -> api.get(fbsPatron(isOwn) + "/loans/v2"));
    ROUTES.put("PUT fbs-patron-v8", (api, isOwn) -> api.put(fbsPatron(isOwn) + "/v8", "{}"));
    ROUTES.put("PUT fbs-patron-v4", (api, isOwn) -> api.put(fbsPatron(isOwn) + "/v4", "{}"));
    ROUTES.put(
        "GET fbs-fees",
        (api, isOwn) ->
            api.get(
                "/external/agencyid/patron/"
                    + FbsIds.patron(patron(isOwn))
                    + "/fees/v2?includepaid=false&includenonpayable=false"));
    ROUTES.put("GET fbs-reservations", (api, isOwn) -> api.get(fbsReservations(isOwn) + "/v2"));
    ROUTES.put(
        "POST fbs-reservations",
        (api, isOwn) ->
            api.post(
                fbsReservations(isOwn) + "/v2",
                "{\"reservations\":[{\"recordId\":\"T-none\",\"pickupBranch\":\"main\"}]}"));
    ROUTES.put(
        "GET policy", (api, isOwn) -> api.get("/api/v1/agencies/" + agency(isOwn) + "/policy"));
    ROUTES.put(
        "PUT policy",
        (api, isOwn) ->
            api.send(
                api.request("/api/v1/agencies/" + agency(isOwn) + "/policy")
                    .header("Content-Type", "application/json")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(POLICY_JSON))
                    .build()));
    ROUTES.put(
        "GET policy-versions",
        (api, isOwn) -> api.get("/api/v1/agencies/" + agency(isOwn) + "/policy/versions"));
    ROUTES.put(
        "POST fees",
        (api, isOwn) ->
            api.post(
                "/api/v1/patrons/" + freshPatron(isOwn) + "/fees",
                "{\"feeId\":\"f1\",\"amountDkk\":10,\"reason\":\"Lost card\",\"agencyId\":\"%s\"}"
                    .formatted(agency(isOwn))));
    ROUTES.put(
        "POST payments",
        (api, isOwn) -> {
          String patron = freshPatron(isOwn);
          assertEquals(
              200,
              operator
                  .staff(agency(isOwn))
                  .post(
                      "/api/v1/patrons/" + patron + "/fees",
                      "{\"feeId\":\"f1\",\"amountDkk\":10,\"reason\":\"Lost card\",\"agencyId\":\"%s\"}"
                          .formatted(agency(isOwn)))
                  .status());
          return api.post(
              "/api/v1/patrons/" + patron + "/payments", "{\"paymentId\":\"p1\",\"amountDkk\":10}");
        });
    ROUTES.put(
        "PUT suspension",
        (api, isOwn) ->
            api.send(
                api.request("/api/v1/patrons/" + freshPatron(isOwn) + "/suspension")
                    .header("Content-Type", "application/json")
                    .PUT(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"until\":\"2026-12-01\",\"reason\":\"House rules\"}"))
                    .build()));
    ROUTES.put(
        "POST identity-check",
        (api, isOwn) ->
            api.post(
                "/api/v1/patrons/" + freshPatron(isOwn) + "/identity-verification",
                "{\"method\":\"passport seen\"}"));
    ROUTES.put(
        "POST guardian-consent",
        (api, isOwn) ->
            api.post(
                "/api/v1/patrons/" + freshPatron(isOwn) + "/guardian-consent",
                "{\"guardian\":\"Mother\"}"));
    ROUTES.put(
        "PUT pin",
        (api, isOwn) ->
            api.send(
                api.request("/api/v1/patrons/" + freshPatron(isOwn) + "/pin")
                    .header("Content-Type", "application/json")
                    .PUT(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"pin\":\"1234\",\"identityCheck\":\"passport seen\"}"))
                    .build()));
    ROUTES.put(
        "PUT contact",
        (api, isOwn) ->
            api.send(
                api.request("/api/v1/patrons/" + patron(isOwn) + "/contact")
                    .header("Content-Type", "application/json")
                    .PUT(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"p@example.dk\",\"preferredChannel\":\"email\"}"))
                    .build()));
    ROUTES.put(
        "POST lost-items",
        (api, isOwn) -> {
          String patron = freshPatron(isOwn);
          String barcode = item(isOwn);
          assertEquals(
              201,
              operator
                  .staff(agency(isOwn))
                  .post(
                      "/api/v1/checkouts",
                      "{\"transactionId\":\"%s\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\"}"
                          .formatted(Api.unique("t"), patron, barcode, agency(isOwn)))
                  .status());
          return api.post(
              "/api/v1/patrons/" + patron + "/lost-items",
              "{\"barcode\":\"%s\",\"condition\":\"lost\"}".formatted(barcode));
        });
    ROUTES.put(
        "POST deposits",
        (api, isOwn) ->
            api.post("/api/v1/patrons/" + freshPatron(isOwn) + "/deposits", "{\"amountDkk\":100}"));
    ROUTES.put(
        "POST cards",
        (api, isOwn) -> {
          String institution = Api.unique("C");
          assertEquals(
              201,
              operator
                  .staff(agency(isOwn))
                  .post(
                      "/api/v1/patrons",
                      "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"School\",\"homeAgencyId\":\"%s\",\"identityDocument\":\"institution\"}"
                          .formatted(institution, agency(isOwn)))
                  .status());
          return api.post(
              "/api/v1/patrons/" + institution + "/cards",
              "{\"cardNumber\":\"%s\"}".formatted(Api.unique("C")));
        });
    ROUTES.put(
        "POST lost-card-report",
        (api, isOwn) ->
            api.post(
                "/api/v1/patrons/" + freshPatron(isOwn) + "/lost-card-report",
                "{\"replacementCardNumber\":\"%s\"}".formatted(Api.unique("C"))));
    ROUTES.put(
        "POST pin-unlock",
        (api, isOwn) -> api.post("/api/v1/patrons/" + freshPatron(isOwn) + "/pin-unlock", ""));
    ROUTES.put(
        "DELETE suspension",
        (api, isOwn) -> api.delete("/api/v1/patrons/" + freshPatron(isOwn) + "/suspension"));
    ROUTES.put(
        "DELETE exclusion",
        (api, isOwn) -> api.delete("/api/v1/patrons/" + freshPatron(isOwn) + "/exclusion"));
    ROUTES.put(
        "POST claim-write-offs",
        (api, isOwn) ->
            api.post(
                "/api/v1/patrons/" + freshPatron(isOwn) + "/claim-write-offs",
                "{\"writeOffId\":\"w1\"}"));
    ROUTES.put(
        "GET debt-collection",
        (api, isOwn) ->
            api.get(
                "/api/v1/agencies/"
                    + agency(isOwn)
                    + "/debt-collection?from=2026-11-01&to=2026-11-30"));
    ROUTES.put(
        "POST payment-sessions",
        (api, isOwn) -> {
          String card = holder(api, isOwn);
          assertEquals(
              200,
              operator
                  .staff(agency(isOwn))
                  .post(
                      "/api/v1/patrons/" + card + "/fees",
                      "{\"feeId\":\"%s\",\"amountDkk\":10,\"reason\":\"Lost card\",\"agencyId\":\"%s\"}"
                          .formatted(Api.unique("f"), agency(isOwn)))
                  .status());
          return api.post("/api/v1/patrons/" + card + "/payment-sessions", "{}");
        });
  }

  static {
    ROUTES.put(
        "POST holds",
        (api, isOwn) ->
            api.post(
                "/api/v1/holds",
                holdJson(Api.unique("h"), holder(api, isOwn), agency(isOwn), title(isOwn))));
    ROUTES.put(
        "GET hold-queue",
        (api, isOwn) -> {
          String[] hold = placedHold(operator, isOwn);
          return api.get("/api/v1/agencies/" + agency(isOwn) + "/titles/" + hold[0] + "/holds");
        });
    ROUTES.put(
        "GET hold",
        (api, isOwn) -> {
          String[] hold = placedHold(operator, isOwn);
          return api.get(
              "/api/v1/agencies/" + agency(isOwn) + "/titles/" + hold[0] + "/holds/" + hold[1]);
        });
    ROUTES.put(
        "DELETE hold",
        (api, isOwn) -> {
          String[] hold = placedHold(api, isOwn);
          return api.delete(
              "/api/v1/agencies/" + agency(isOwn) + "/titles/" + hold[0] + "/holds/" + hold[1]);
        });
    ROUTES.put(
        "POST hold-proxies",
        (api, isOwn) -> {
          String[] hold = placedHold(api, isOwn);
          return api.post(
              "/api/v1/agencies/"
                  + agency(isOwn)
                  + "/titles/"
                  + hold[0]
                  + "/holds/"
                  + hold[1]
                  + "/proxies",
              "{\"cardNumber\":\"%s\",\"proxyCardNumber\":\"%s\"}"
                  .formatted(hold[2], freshPatron(isOwn)));
        });
    ROUTES.put(
        "POST item-arrival",
        (api, isOwn) ->
            api.post(
                "/api/v1/items/" + item(isOwn) + "/arrival",
                "{\"agencyId\":\"%s\",\"branchId\":\"north\"}".formatted(agency(isOwn))));
    ROUTES.put(
        "GET patron-holds", (api, isOwn) -> api.get("/api/v1/patrons/" + patron(isOwn) + "/holds"));
    ROUTES.put(
        "GET patron-notices",
        (api, isOwn) -> api.get("/api/v1/patrons/" + patron(isOwn) + "/notices"));
  }

  static {
    ROUTES.put(
        "POST ill-requests",
        (api, isOwn) ->
            api.post(
                "/api/v1/interlibrary-requests",
                illJson(
                    Api.unique("ill"),
                    holder(api, isOwn),
                    agency(isOwn),
                    agency(!isOwn),
                    Api.unique("T"))));
    ROUTES.put(
        "GET ill-request",
        (api, isOwn) -> api.get("/api/v1/interlibrary-requests/" + illRequest(api, isOwn)));
    ROUTES.put(
        "DELETE ill-request",
        (api, isOwn) -> api.delete("/api/v1/interlibrary-requests/" + illRequest(api, isOwn)));
    ROUTES.put(
        "POST ill-answers",
        (api, isOwn) -> {
          String requestId = Api.unique("ill");
          Answer created =
              operator
                  .staff(third)
                  .post(
                      "/api/v1/interlibrary-requests",
                      illJson(requestId, thirdPatron, third, agency(isOwn), title(isOwn)));
          assertEquals(201, created.status(), created.body().toString());
          return api.post(
              "/api/v1/interlibrary-requests/" + requestId + "/answers",
              "{\"agencyId\":\"%s\",\"status\":\"ExpectToSupply\"}".formatted(agency(isOwn)));
        });
  }

  static {
    ROUTES.put(
        "POST imports",
        (api, isOwn) ->
            api.send(
                api.request("/api/v1/imports")
                    .header("Content-Type", "application/x-ndjson")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"type\":\"item\",\"barcode\":\"%s\",\"titleId\":\"T1\",\"title\":\"T\",\"agencyId\":\"%s\",\"materialType\":\"book\"}\n"
                                .formatted(Api.unique("X"), agency(isOwn))))
                    .build()));
  }

  /** A PC open 00:00-23:00 in hours, bookable a month ahead, many bookings per patron. */
  static final String RESOURCE_JSON =
      """
      {"branchId":"main","kind":"PC","name":"PC","opens":"00:00","closes":"23:00",
       "slotMinutes":60,"maxMinutes":60,"daysAhead":30,"maxBookingsPerPatron":100,
       "graceMinutes":30}
      """;

  static {
    ROUTES.put(
        "PUT resource",
        (api, isOwn) ->
            api.put(
                "/api/v1/agencies/" + agency(isOwn) + "/resources/" + Api.unique("r"),
                RESOURCE_JSON));
    ROUTES.put(
        "GET resources",
        (api, isOwn) -> api.get("/api/v1/agencies/" + agency(isOwn) + "/resources"));
    ROUTES.put(
        "GET resource-day",
        (api, isOwn) ->
            api.get(
                "/api/v1/agencies/"
                    + agency(isOwn)
                    + "/resources/"
                    + resource(isOwn)
                    + "/days/2026-11-23"));
    ROUTES.put(
        "POST bookings",
        (api, isOwn) ->
            api.post(
                "/api/v1/bookings",
                bookingJson(Api.unique("b"), resource(isOwn), holder(api, isOwn), isOwn)));
    ROUTES.put(
        "POST booking-cancel",
        (api, isOwn) -> {
          String[] booked = booked(api, isOwn);
          String body =
              api == callers.get("staff")
                  ? "{}"
                  : "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(booked[2]);
          return api.post(bookingPath(isOwn, booked) + "/cancellation", body);
        });
    ROUTES.put(
        "POST booking-check-in",
        (api, isOwn) -> {
          String[] booked = booked(api, isOwn);
          return api.post(
              bookingPath(isOwn, booked) + "/check-in",
              "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(booked[2]));
        });
    ROUTES.put(
        "GET patron-bookings",
        (api, isOwn) -> api.get("/api/v1/patrons/" + patron(isOwn) + "/bookings"));
    ROUTES.put(
        "POST door-entries",
        (api, isOwn) ->
            api.post(
                "/api/v1/door-entries",
                "{\"agencyId\":\"%s\",\"branchId\":\"main\",\"cardNumber\":\"%s\",\"pin\":\"1234\"}"
                    .formatted(agency(isOwn), freshPatron(isOwn))));
    ROUTES.put(
        "GET visits",
        (api, isOwn) ->
            api.get("/api/v1/agencies/" + agency(isOwn) + "/branches/main/visits?date=2026-11-22"));
    ROUTES.put(
        "POST open-library",
        (api, isOwn) ->
            api.post(
                "/api/v1/patrons/" + holder(api, isOwn) + "/open-library",
                "{\"agencyId\":\"%s\"}".formatted(agency(isOwn))));
    ROUTES.put(
        "DELETE open-library",
        (api, isOwn) ->
            api.delete("/api/v1/patrons/" + holder(api, isOwn) + "/open-library/" + agency(isOwn)));
  }

  /** A fresh resource of the agency, so no two calls ever compete for its time. */
  static String resource(boolean isOwn) {
    String id = Api.unique("r");
    Answer defined =
        operator
            .staff(agency(isOwn))
            .put("/api/v1/agencies/" + agency(isOwn) + "/resources/" + id, RESOURCE_JSON);
    assertEquals(200, defined.status(), defined.body().toString());
    return id;
  }

  /** A booking of the current hour (10:00 in Copenhagen), so it can be checked in at once. */
  static String bookingJson(String bookingId, String resourceId, String card, boolean isOwn) {
    return ("{\"bookingId\":\"%s\",\"agencyId\":\"%s\",\"resourceId\":\"%s\","
            + "\"date\":\"2026-11-22\",\"start\":\"10:00\",\"minutes\":60,"
            + "\"cardNumber\":\"%s\",\"pin\":\"1234\"}")
        .formatted(bookingId, agency(isOwn), resourceId, card);
  }

  /** A booking made at the agency's terminal: resource id, booking id and the booker's card. */
  static String[] booked(Api caller, boolean isOwn) {
    String resourceId = resource(isOwn);
    String bookingId = Api.unique("b");
    String card = holder(caller, isOwn);
    Answer made =
        operator
            .terminal(agency(isOwn))
            .post("/api/v1/bookings", bookingJson(bookingId, resourceId, card, isOwn));
    assertEquals(201, made.status(), made.body().toString());
    return new String[] {resourceId, bookingId, card};
  }

  static String bookingPath(boolean isOwn, String[] booked) {
    return "/api/v1/agencies/"
        + agency(isOwn)
        + "/resources/"
        + booked[0]
        + "/days/2026-11-22/bookings/"
        + booked[1];
  }

  static String illJson(
      String requestId, String card, String borrower, String lender, String titleId) {
    return ("{\"requestId\":\"%s\",\"cardNumber\":\"%s\",\"agencyId\":\"%s\","
            + "\"pickupBranchId\":\"main\",\"titleId\":\"%s\",\"lenders\":[\"%s\"]}")
        .formatted(requestId, card, borrower, titleId, lender);
  }

  /**
   * A request by the own agency's patron (the token's own card for a patron caller), or, on the
   * other side, one between the other and a third agency that involves the own agency not at all.
   * The third agency holds the title, so the request waits for its answer.
   */
  static String illRequest(Api caller, boolean isOwn) {
    String requestId = Api.unique("ill");
    String barcode = Api.unique("X");
    assertEquals(201, operator.registerItem(barcode, third).status());
    String titleId = "T-" + barcode;
    String borrower = isOwn ? own : other;
    String card = isOwn ? holder(caller, true) : otherPatron;
    Answer created =
        operator
            .staff(borrower)
            .post(
                "/api/v1/interlibrary-requests",
                illJson(requestId, card, borrower, third, titleId));
    assertEquals(201, created.status(), created.body().toString());
    return requestId;
  }

  /** The patron token's own card (or the other agency's patron); for other callers a fresh one. */
  static String holder(Api api, boolean isOwn) {
    return api == callers.get("patron") ? patron(isOwn) : freshPatron(isOwn);
  }

  /** A fresh title of the agency with one copy. */
  static String title(boolean isOwn) {
    String barcode = item(isOwn);
    return "T-" + barcode;
  }

  static String holdJson(String holdId, String card, String agencyId, String titleId) {
    return "{\"holdId\":\"%s\",\"cardNumber\":\"%s\",\"agencyId\":\"%s\",\"titleId\":\"%s\",\"pickupBranchId\":\"main\"}"
        .formatted(holdId, card, agencyId, titleId);
  }

  /** A hold placed by the agency's staff: title id, hold id and the holder's card. */
  static String[] placedHold(Api caller, boolean isOwn) {
    String titleId = title(isOwn);
    String holdId = Api.unique("h");
    String card = holder(caller, isOwn);
    Answer placed =
        operator
            .staff(agency(isOwn))
            .post("/api/v1/holds", holdJson(holdId, card, agency(isOwn), titleId));
    assertEquals(201, placed.status(), placed.body().toString());
    return new String[] {titleId, holdId, card};
  }

  private static Answer metrics(Api api) {
    return api.send(api.request("/metrics").GET().build());
  }

  static String agency(boolean isOwn) {
    return isOwn ? own : other;
  }

  static String patron(boolean isOwn) {
    return isOwn ? ownPatron : otherPatron;
  }

  /** The FBS path of the patron, by the patron's FBS id. */
  static String fbsPatron(boolean isOwn) {
    return "/external/agencyid/patrons/" + FbsIds.patron(patron(isOwn));
  }

  static String fbsReservations(boolean isOwn) {
    return "/external/v1/agencyid/patrons/" + FbsIds.patron(patron(isOwn)) + "/reservations";
  }

  /** A fresh patron of the agency, for routes that change a patron's account. */
  static String freshPatron(boolean isOwn) {
    String card = Api.unique("C");
    assertEquals(201, operator.registerPatron(card, agency(isOwn)).status());
    return card;
  }

  /** A fresh item of the agency, on the shelf. */
  static String item(boolean isOwn) {
    String barcode = Api.unique("X");
    assertEquals(201, operator.registerItem(barcode, agency(isOwn)).status());
    return barcode;
  }

  /** A fresh client of the agency, for the client-management routes. */
  static String client(boolean isOwn) {
    String clientId = Api.clientId("staff");
    Answer registered =
        operator.post(
            "/api/v1/clients",
            "{\"clientId\":\"%s\",\"name\":\"S\",\"role\":\"staff\",\"agencies\":[\"%s\"]}"
                .formatted(clientId, agency(isOwn)));
    assertEquals(201, registered.status());
    return clientId;
  }

  @Test
  void everyRouteAnswersEveryCallerAsTheMatrixSays() {
    List<String> wrong = new ArrayList<>();
    int cells = 0;
    for (String line : MATRIX.strip().split("\n")) {
      String[] columns = line.split("\\|");
      String route = columns[0].strip();
      BiFunction<Api, Boolean, Answer> call = ROUTES.get(route);
      assertTrue(call != null, "no call for route " + route);
      for (int c = 0; c < CALLERS.size(); c++) {
        String[] expected = columns[c + 1].strip().split("/");
        for (int side = 0; side < 2; side++) {
          boolean isOwn = side == 0;
          Answer answer = call.apply(callers.get(CALLERS.get(c)), isOwn);
          cells++;
          String mismatch = mismatch(expected[side], answer);
          if (mismatch != null) {
            wrong.add(
                route
                    + " as "
                    + CALLERS.get(c)
                    + (isOwn ? " (own agency)" : " (other agency)")
                    + ": expected "
                    + expected[side]
                    + ", "
                    + mismatch);
          }
        }
      }
    }
    assertEquals(ROUTES.size() * CALLERS.size() * 2, cells, "every route in the matrix");
    assertTrue(wrong.isEmpty(), wrong.size() + " cells wrong:\n" + String.join("\n", wrong));
  }

  /** Null when the answer is what the cell expects; else what came instead. */
  private static String mismatch(String expected, Answer answer) {
    int status = answer.status();
    String code = answer.body() == null ? "" : answer.code();
    boolean matches =
        switch (expected) {
          case "ok" -> status >= 200 && status < 300;
          case "role" -> status == 403 && code.equals("ROLE_NOT_ALLOWED");
          case "scope" -> status == 403 && code.equals("OUTSIDE_AGENCY_SCOPE");
          case "hidden" -> status == 404 && code.endsWith("_NOT_FOUND");
          case "anon" -> status == 401 && code.equals("AUTHENTICATION_REQUIRED");
          default -> throw new IllegalArgumentException("unknown cell " + expected);
        };
    if (matches) {
      return null;
    }
    return "got " + status + " " + code;
  }
}
