package dk.library.circulation.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Journal;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Authentication, credentials' life cycle, patron tokens, limits and the audit trail. */
class SecurityTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  static CirculationServer server;
  static Api operator;
  static Journal journal;

  String agency;
  String card;

  @BeforeAll
  static void start() {
    server = TestServers.start(clock);
    operator = new Api(server.port());
    journal = new Journal();
  }

  @AfterAll
  static void stop() {
    journal.close();
    server.close();
  }

  @BeforeEach
  void library() {
    // A fresh window for every limit, so one test's failures never count in the next.
    clock.advance(Duration.ofMinutes(16));
    agency = Api.unique("DK-");
    card = Api.unique("C");
    assertEquals(201, operator.createAgency(agency, 10, 2).status());
    assertEquals(201, operator.registerPatron(card, agency).status());
  }

  @Test
  void onlyTheHealthCheckAnswersWithoutACredential() {
    Api anonymous = operator.as(null);
    assertEquals(200, anonymous.get("/health").status());
    Answer refused = anonymous.get("/api/v1/agencies/" + agency);
    expectProblem(refused, 401, "AUTHENTICATION_REQUIRED");
    assertTrue(refused.headers().firstValue("WWW-Authenticate").isPresent());
    Answer basic =
        anonymous.send(
            anonymous
                .request("/api/v1/agencies/" + agency)
                .header("Authorization", "Basic eDp5")
                .GET()
                .build());
    expectProblem(basic, 401, "AUTHENTICATION_REQUIRED");
  }

  @Test
  void unknownWrongAndForgedCredentialsAreRefusedAlike() {
    String key = operator.registerClient("staff", agency);
    String wrongSecret = key.substring(0, key.length() - 4) + "AAAA";
    String unknownClient = "lck_nobody-here_" + key.substring(key.lastIndexOf('_') + 1);
    for (String credential : new String[] {wrongSecret, unknownClient, "garbage", "a.b.c"}) {
      expectProblem(
          operator.as(credential).get("/api/v1/agencies/" + agency), 401, "INVALID_CREDENTIALS");
    }
    assertEquals(200, operator.as(key).get("/api/v1/agencies/" + agency).status());
  }

  @Test
  void aRotatedKeyReplacesTheOldOneAndARevokedClientIsShutOut() {
    String clientId = Api.clientId("staff");
    Answer registered =
        operator.post(
            "/api/v1/clients",
            "{\"clientId\":\"%s\",\"name\":\"Desk 1\",\"role\":\"staff\",\"agencies\":[\"%s\"]}"
                .formatted(clientId, agency));
    assertEquals(201, registered.status(), registered.body().toString());
    String first = registered.body().get("apiKey").asText();
    assertTrue(first.startsWith("lck_" + clientId + "_"));

    Answer shown = operator.get("/api/v1/clients/" + clientId);
    assertEquals("staff", shown.body().get("role").asText());
    assertFalse(shown.body().has("apiKey"), "a key is shown only when it is issued");
    // The secret is everything after the client id: base64url, so it may itself contain '_'.
    String secret = first.substring(("lck_" + clientId + "_").length());
    assertFalse(shown.body().toString().contains(secret));

    String second =
        operator.post("/api/v1/clients/" + clientId + "/key", "{}").body().get("apiKey").asText();
    expectProblem(operator.as(first).get("/api/v1/agencies/" + agency), 401, "INVALID_CREDENTIALS");
    assertEquals(200, operator.as(second).get("/api/v1/agencies/" + agency).status());

    assertEquals(200, operator.delete("/api/v1/clients/" + clientId).status());
    expectProblem(
        operator.as(second).get("/api/v1/agencies/" + agency), 401, "INVALID_CREDENTIALS");
    expectProblem(
        operator.post("/api/v1/clients/" + clientId + "/key", "{}"), 409, "CLIENT_REVOKED");
    expectProblem(
        operator.post(
            "/api/v1/clients",
            "{\"clientId\":\"%s\",\"name\":\"Again\",\"role\":\"staff\",\"agencies\":[\"%s\"]}"
                .formatted(clientId, agency)),
        409,
        "CLIENT_ALREADY_REGISTERED");
  }

  @Test
  void clientRegistrationsAreValidated() {
    Answer bad =
        operator.post(
            "/api/v1/clients",
            "{\"clientId\":\"Bad"
                + " Id\",\"name\":\"x\",\"role\":\"librarian\",\"requestsPerSecond\":0}");
    expectProblem(bad, 400, "INVALID_REQUEST");
    String errors = bad.body().get("errors").toString();
    assertTrue(errors.contains("clientId") && errors.contains("role"), errors);
    assertTrue(errors.contains("requestsPerSecond"), errors);
    expectProblem(
        operator.post(
            "/api/v1/clients",
            "{\"clientId\":\"%s\",\"name\":\"x\",\"role\":\"terminal\"}"
                .formatted(Api.clientId("t"))),
        400,
        "INVALID_REQUEST");
    expectProblem(
        operator.post(
            "/api/v1/clients",
            "{\"clientId\":\"bootstrap-operator\",\"name\":\"x\",\"role\":\"operator\"}"),
        400,
        "INVALID_REQUEST");
    expectProblem(
        operator.post(
            "/api/v1/clients",
            "{\"clientId\":\"%s\",\"name\":\"x\",\"role\":\"staff\",\"agencies\":[\"%s\"]}"
                .formatted(Api.clientId("s"), Api.unique("DK-"))),
        404,
        "AGENCY_NOT_FOUND");
  }

  @Test
  void aClientOverItsRequestRateIsToldWhenToComeBack() {
    String clientId = Api.clientId("terminal");
    String key =
        operator
            .post(
                "/api/v1/clients",
                "{\"clientId\":\"%s\",\"name\":\"Slow\",\"role\":\"terminal\",\"agencies\":[\"%s\"],\"requestsPerSecond\":2}"
                    .formatted(clientId, agency))
            .body()
            .get("apiKey")
            .asText();
    Api slow = operator.as(key);
    assertEquals(200, slow.get("/api/v1/agencies/" + agency).status());
    assertEquals(200, slow.get("/api/v1/agencies/" + agency).status());
    Answer limited = slow.get("/api/v1/agencies/" + agency);
    expectProblem(limited, 429, "RATE_LIMITED");
    assertEquals("1", limited.headers().firstValue("Retry-After").orElse(""));
    clock.advance(Duration.ofMillis(500));
    assertEquals(200, slow.get("/api/v1/agencies/" + agency).status());
  }

  @Test
  void R4_fiveWrongPinsLockTheCardUntilStaffUnlockItOrResetThePinAfterAnIdentityCheck() {
    Api terminal = operator.terminal(agency);
    for (int i = 0; i < 4; i++) {
      expectProblem(status(terminal, card, "9999"), 401, "WRONG_PIN");
    }
    expectProblem(status(terminal, card, "9999"), 401, "PIN_LOCKED");
    Answer blocked = status(terminal, card, "1234");
    expectProblem(blocked, 429, "TOO_MANY_WRONG_PINS");
    assertTrue(blocked.headers().firstValue("Retry-After").isPresent());
    clock.advance(Duration.ofMinutes(15));
    expectProblem(status(terminal, card, "1234"), 401, "PIN_LOCKED");
    assertTrue(
        operator.staff(agency).get("/api/v1/patrons/" + card).body().get("pinLocked").asBoolean());

    assertEquals(
        200, operator.staff(agency).post("/api/v1/patrons/" + card + "/pin-unlock", "").status());
    assertEquals(200, status(terminal, card, "1234").status());

    Answer reset =
        operator
            .staff(agency)
            .send(
                operator
                    .staff(agency)
                    .request("/api/v1/patrons/" + card + "/pin")
                    .header("Content-Type", "application/json")
                    .PUT(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"pin\":\"2468\",\"identityCheck\":\"driving licence seen\"}"))
                    .build());
    assertEquals(200, reset.status(), reset.body().toString());
    expectProblem(status(terminal, card, "1234"), 401, "WRONG_PIN");
    assertEquals(200, status(terminal, card, "2468").status());
    assertTrue(
        operator
            .get(
                "/api/v1/audit/"
                    + LocalDate.ofInstant(clock.instant(), ZoneId.of("Europe/Copenhagen")))
            .body()
            .toString()
            .contains("RESET_PIN"));
  }

  @Test
  void R4_oneTerminalCannotGuessPinsAcrossManyCards() {
    String key = operator.registerClient("terminal", agency);
    Api terminal = operator.as(key);
    for (int i = 0; i < 30; i++) {
      String other = Api.unique("C");
      operator.registerPatron(other, agency);
      expectProblem(status(terminal, other, "0000"), 401, "WRONG_PIN");
    }
    expectProblem(status(terminal, card, "1234"), 429, "TOO_MANY_WRONG_PINS");
    assertEquals(200, status(operator.terminal(agency), card, "1234").status(), "other terminals");
    clock.advance(Duration.ofMinutes(15));
  }

  @Test
  void manyInvalidCredentialsFromOneAddressAreSlowedDown() {
    for (int i = 0; i < 20; i++) {
      // A forged X-Forwarded-For must not give each guess a fresh address.
      Api guesser = operator.as("lck_guess-" + i + "_x");
      expectProblem(
          guesser.send(
              guesser
                  .request("/api/v1/agencies/" + agency)
                  .header("X-Forwarded-For", "10.0.0." + i)
                  .GET()
                  .build()),
          401,
          "INVALID_CREDENTIALS");
    }
    Answer blocked = operator.get("/api/v1/agencies/" + agency);
    expectProblem(blocked, 429, "TOO_MANY_FAILED_LOGINS");
    clock.advance(Duration.ofMinutes(5));
    assertEquals(200, operator.get("/api/v1/agencies/" + agency).status());
  }

  @Test
  void aPatronTokenReadsOnlyItsOwnRecordAndOnlyUntilItExpires() {
    Answer session =
        operator
            .terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card));
    assertEquals(201, session.status(), session.body().toString());
    String token = session.body().get("token").asText();
    Api patron = operator.as(token);
    assertEquals(card, patron.get("/api/v1/patrons/" + card).body().get("cardNumber").asText());
    String other = Api.unique("C");
    operator.registerPatron(other, agency);
    expectProblem(patron.get("/api/v1/patrons/" + other), 404, "PATRON_NOT_FOUND");
    expectProblem(
        patron.post(
            "/api/v1/checkouts",
            "{\"transactionId\":\"t1\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcode\":\"X1\",\"agencyId\":\"%s\",\"branchId\":\"main\"}"
                .formatted(card, agency)),
        403,
        "ROLE_NOT_ALLOWED");
    String tampered = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
    expectProblem(operator.as(tampered).get("/api/v1/patrons/" + card), 401, "INVALID_CREDENTIALS");
    expectProblem(
        operator
            .terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"4321\"}".formatted(card)),
        401,
        "WRONG_PIN");

    clock.advance(Duration.ofMinutes(16));
    expectProblem(patron.get("/api/v1/patrons/" + card), 401, "INVALID_CREDENTIALS");
  }

  @Test
  void staffAndOperatorActionsAreAuditedWithWhoWhatWhenAndTheOutcome() {
    String registered = Api.unique("C");
    assertEquals(201, operator.registerPatron(registered, agency).status());
    String elsewhere = Api.unique("DK-");
    assertEquals(201, operator.createAgency(elsewhere, 5, 1).status());
    expectProblem(
        operator
            .staff(agency)
            .post(
                "/api/v1/patrons",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"N\",\"homeAgencyId\":\"%s\"}"
                    .formatted(Api.unique("C"), elsewhere)),
        403,
        "OUTSIDE_AGENCY_SCOPE");

    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneId.of("Europe/Copenhagen"));
    Answer trail = operator.get("/api/v1/audit/" + today);
    assertEquals(200, trail.status(), trail.body().toString());
    String masked =
        "*".repeat(registered.length() - 4) + registered.substring(registered.length() - 4);
    JsonNode registration = find(trail.body(), "REGISTER_PATRON", "patron " + masked, 201);
    assertTrue(registration.get("clientId").asText().startsWith("staff-"));
    assertEquals("staff", registration.get("role").asText());
    assertEquals("127.0.0.1", registration.get("remoteAddress").asText());
    assertEquals(clock.instant().toString(), registration.get("at").asText());
    assertFalse(trail.body().toString().contains(registered), "card numbers are masked");
    JsonNode refused = find(trail.body(), "REGISTER_PATRON", null, 403);
    assertEquals("OUTSIDE_AGENCY_SCOPE", refused.get("code").asText());
    find(trail.body(), "CREATE_AGENCY", "agency " + elsewhere, 201);
    find(trail.body(), "REGISTER_CLIENT", null, 201);
    expectProblem(operator.get("/api/v1/audit/2026-02-30"), 400, "INVALID_REQUEST");
    expectProblem(operator.get("/api/v1/audit/yesterday"), 400, "INVALID_REQUEST");
  }

  private static JsonNode find(JsonNode trail, String action, String target, int status) {
    for (JsonNode record : trail.get("records")) {
      if (record.get("action").asText().equals(action)
          && (target == null || record.get("target").asText().equals(target))
          && record.get("status").asInt() == status) {
        return record;
      }
    }
    throw new AssertionError("no " + action + " " + target + " " + status + " in " + trail);
  }

  private static Answer status(Api api, String card, String pin) {
    return api.post(
        "/api/v1/patron-status", "{\"cardNumber\":\"%s\",\"pin\":\"%s\"}".formatted(card, pin));
  }

  static void expectProblem(Answer answer, int status, String code) {
    assertEquals(status, answer.status(), answer.body().toString());
    assertEquals("application/problem+json", answer.contentType());
    assertEquals(code, answer.code(), answer.body().toString());
    assertFalse(answer.body().path("detail").asText().isBlank(), "a problem says what is wrong");
  }
}
