package dk.library.circulation.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.Journal;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP API of a real server on a free port, over real sockets, on the real Cassandra. */
class CirculationApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  static Journal journal;

  String agency;
  String card;
  String barcode;

  @BeforeAll
  static void startServer() {
    journal = new Journal();
  }

  @AfterAll
  static void stopServer() {
    journal.close();
  }

  @BeforeEach
  void library() {
    agency = Api.unique("DK-");
    card = Api.unique("C");
    barcode = Api.unique("X");
    assertEquals(201, api().createAgency(agency, 2, 1).status());
    assertEquals(201, api().registerPatron(card, agency).status());
    assertEquals(201, api().registerItem(barcode, agency).status());
  }

  @Test
  void R17_R22_walkThroughFromCheckoutToReturnAtAnotherBranch() {
    Answer receipt = api().checkout("t1", card, barcode, agency);
    assertEquals(201, receipt.status(), receipt.body().toString());
    assertEquals(today().plusDays(28).toString(), receipt.body().get("dueDate").asText());

    Answer patron = api().staff(agency).get("/api/v1/patrons/" + card);
    assertEquals(barcode, patron.body().get("loans").get(0).get("barcode").asText());
    assertEquals(0, patron.body().get("loans").get(0).get("renewals").asInt());

    Answer item = api().staff(agency).get("/api/v1/items/" + barcode);
    assertTrue(item.body().get("onLoan").asBoolean());
    String hint = "*".repeat(card.length() - 4) + card.substring(card.length() - 4);
    assertEquals(hint, item.body().get("loan").get("card").asText());
    assertFalse(item.body().toString().contains(card), "the item names no patron: " + item.body());
    assertEquals(today().plusDays(28).toString(), item.body().get("dueDate").asText());

    Answer returned = api().returnItem("r1", barcode, agency, "north");
    assertEquals(200, returned.status(), returned.body().toString());
    assertEquals("north", returned.body().get("branchId").asText());
    assertEquals(hint, returned.body().get("card").asText());
    assertFalse(returned.body().toString().contains(card), "a receipt names no patron");

    assertEquals(0, api().staff(agency).get("/api/v1/patrons/" + card).body().get("loans").size());
    assertFalse(
        api().staff(agency).get("/api/v1/items/" + barcode).body().get("onLoan").asBoolean());
  }

  @Test
  void R19_renewalMovesTheDueDateFromTodayUntilTheLimit() {
    assertEquals(201, api().checkout("t1", card, barcode, agency).status());
    clock.advance(Duration.ofDays(20));
    Answer renewed =
        api()
            .terminal(agency)
            .post(
                "/api/v1/renewals",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcodes\":[\"%s\"]}"
                    .formatted(card, barcode));
    assertEquals(200, renewed.status(), renewed.body().toString());
    String expected = today().plusDays(28).toString();
    assertEquals(expected, renewed.body().get("renewals").get(0).get("dueDate").asText());

    Answer again =
        api()
            .terminal(agency)
            .post(
                "/api/v1/renewals",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcodes\":[\"%s\"]}"
                    .formatted(card, barcode));
    assertEquals(422, again.status());
    assertEquals("RENEWAL_LIMIT_REACHED", again.code());
  }

  @Test
  void R21_theLoanLimitIsEnforced() {
    String second = Api.unique("X");
    String third = Api.unique("X");
    api().registerItem(second, agency);
    api().registerItem(third, agency);
    assertEquals(201, api().checkout("t1", card, barcode, agency).status());
    assertEquals(201, api().checkout("t2", card, second, agency).status());
    Answer refused = api().checkout("t3", card, third, agency);
    assertEquals(422, refused.status());
    assertEquals("LOAN_LIMIT_REACHED", refused.code());
  }

  @Test
  void badInputIsRefusedClearlyAndPersistsNothing() {
    assertEquals(201, api().checkout("t1", card, barcode, agency).status());
    String otherCard = Api.unique("C");
    api().registerPatron(otherCard, agency);
    long patronEvents = journal.events("Patron", card);
    long otherEvents = journal.events("Patron", otherCard);
    long itemEvents = journal.events("Item", barcode);

    expectProblem(
        api().terminal(agency).post("/api/v1/checkouts", "{\"transactionId\": \"t2\", "),
        400,
        "MALFORMED_JSON");
    expectProblem(api().terminal(agency).post("/api/v1/checkouts", "[1,2]"), 400, "MALFORMED_JSON");
    Answer missing =
        api()
            .terminal(agency)
            .post(
                "/api/v1/checkouts",
                "{\"transactionId\":\"t2\",\"cardNumber\":\"%s\"}".formatted(card));
    expectProblem(missing, 400, "INVALID_REQUEST");
    assertTrue(
        missing.body().get("errors").toString().contains("\"field\":\"pin\""),
        missing.body().toString());
    Answer illTyped = checkoutWithNumericPin(card, barcode, "main");
    expectProblem(illTyped, 400, "INVALID_REQUEST");
    assertTrue(
        illTyped.body().get("detail").asText().contains("pin: must be a string"),
        illTyped.body().toString());
    Answer shortPin = checkout(otherCard, "123", barcode, "main");
    expectProblem(shortPin, 400, "INVALID_REQUEST");
    assertTrue(shortPin.body().get("detail").asText().contains("exactly 4 digits"));
    expectProblem(checkout(otherCard, "1234", Api.unique("X"), "main"), 404, "ITEM_NOT_FOUND");
    String freeItem = Api.unique("X");
    api().registerItem(freeItem, agency);
    long freeItemEvents = journal.events("Item", freeItem);
    expectProblem(checkout(otherCard, "9999", freeItem, "main"), 401, "WRONG_PIN");
    expectProblem(api().checkout("t2", Api.unique("C"), freeItem, agency), 404, "PATRON_NOT_FOUND");
    expectProblem(
        api()
            .terminal(agency)
            .post(
                "/api/v1/checkouts",
                "{\"transactionId\":\"t2\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\"}"
                    .formatted(otherCard, freeItem, Api.unique("DK-"))),
        403,
        "OUTSIDE_AGENCY_SCOPE");
    expectProblem(checkout(otherCard, "1234", freeItem, "nowhere"), 404, "BRANCH_NOT_FOUND");
    expectProblem(api().checkout("t2", otherCard, barcode, agency), 409, "ITEM_ON_LOAN");
    expectProblem(api().returnItem("r1", freeItem, agency, "main"), 409, "ITEM_NOT_ON_LOAN");
    expectProblem(
        api().staff(agency).get("/api/v1/patrons/not%20a%20card"), 400, "INVALID_REQUEST");
    expectProblem(api().registerPatron(card, agency), 409, "PATRON_ALREADY_REGISTERED");
    expectProblem(
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"N\",\"homeAgencyId\":\"%s\"}"
                    .formatted(Api.unique("C"), Api.unique("DK-"))),
        403,
        "OUTSIDE_AGENCY_SCOPE");
    expectProblem(
        api()
            .post(
                "/api/v1/agencies",
                "{\"agencyId\":\"A\",\"name\":\"x\",\"branches\":[],\"policy\":{\"loanPeriodDays\":-1,\"maxLoans\":1,\"maxRenewals\":1}}"),
        400,
        "INVALID_REQUEST");

    assertEquals(patronEvents, journal.events("Patron", card));
    // The PIN is all that is recorded (R4): the wrong one counts towards the lockout, and the right
    // one, proven before the refusal of an item on loan, clears the count.
    assertEquals(otherEvents + 2, journal.events("Patron", otherCard));
    assertEquals(itemEvents, journal.events("Item", barcode));
    assertEquals(freeItemEvents, journal.events("Item", freeItem));
    assertEquals(1, api().staff(agency).get("/api/v1/patrons/" + card).body().get("loans").size());
    assertEquals(
        0, api().staff(agency).get("/api/v1/patrons/" + otherCard).body().get("loans").size());
  }

  @Test
  void thePatronsProofComesBeforeTheItemsState() {
    assertEquals(201, api().checkout("t1", card, barcode, agency).status());
    String other = Api.unique("C");
    assertEquals(201, api().registerPatron(other, agency).status());
    String elsewhere = Api.unique("DK-");
    api().createAgency(elsewhere, 2, 1);
    String foreignItem = Api.unique("X");
    api().registerItem(foreignItem, elsewhere);
    long otherEvents = journal.events("Patron", other);

    expectProblem(checkout(other, "9999", barcode, "main"), 401, "WRONG_PIN");
    expectProblem(checkout(Api.unique("C"), "1234", barcode, "main"), 404, "PATRON_NOT_FOUND");
    expectProblem(checkout(other, "9999", foreignItem, "main"), 401, "WRONG_PIN");
    expectProblem(checkout(other, "9999", Api.unique("X"), "main"), 401, "WRONG_PIN");
    assertEquals(otherEvents + 3, journal.events("Patron", other), "each wrong PIN counts (R4)");

    expectProblem(checkout(other, "1234", barcode, "main"), 409, "ITEM_ON_LOAN");
    expectProblem(checkout(other, "1234", foreignItem, "main"), 422, "ITEM_NOT_OWNED_BY_AGENCY");
  }

  @Test
  void unknownRoutesMethodsAndMediaTypesAnswerProblems() {
    expectProblem(api().staff(agency).get("/api/v1/nothing-here"), 404, "ROUTE_NOT_FOUND");
    expectProblem(
        api().send(api().staff(agency).request("/api/v1/patrons/" + card).DELETE().build()),
        405,
        "METHOD_NOT_ALLOWED");
    expectProblem(
        api()
            .send(
                api()
                    .terminal(agency)
                    .request("/api/v1/checkouts")
                    .header("Content-Type", "text/plain")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("hello"))
                    .build()),
        415,
        "UNSUPPORTED_MEDIA_TYPE");
    expectProblem(
        api().terminal(agency).post("/api/v1/checkouts", "{\"x\":\"" + "a".repeat(70_000) + "\"}"),
        413,
        "REQUEST_TOO_LARGE");
  }

  @Test
  void metricsCountRequestsByRouteTemplateAndRefusalsByRuleCode() {
    assertEquals(201, api().checkout("t1", card, barcode, agency).status());
    String other = Api.unique("X");
    api().registerItem(other, agency);
    assertEquals(401, checkout(card, "9999", other, "main").status());
    api().staff(agency).get("/api/v1/patrons/" + card);
    api().staff(agency).get("/api/v1/no-such-route");

    String scrape = api().text("/metrics");

    assertTrue(
        scrape.contains(
            "http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/checkouts\",status=\"2xx\"}"),
        scrape);
    assertTrue(
        scrape.contains(
            "http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/checkouts\",status=\"4xx\"}"));
    assertTrue(scrape.contains("route=\"/api/v1/patrons/{cardNumber}\""));
    assertTrue(scrape.contains("route=\"unmatched\",status=\"4xx\""));
    assertFalse(scrape.contains(card), "raw paths never become labels");
    assertTrue(scrape.contains("circulation_refusals_total{channel=\"api\",code=\"WRONG_PIN\"}"));
    assertTrue(scrape.contains("http_server_requests_seconds_bucket{"), "a latency histogram");
    assertTrue(scrape.contains("jvm_memory_used_bytes"));
  }

  @Test
  void metricsShowWhatTheEntitiesTheJournalAndTheDriverDo() {
    assertEquals(201, api().checkout("t1", card, barcode, agency).status());
    String other = Api.unique("X");
    api().registerItem(other, agency);
    assertEquals(401, checkout(card, "9999", other, "main").status());

    Eventually.await(
        "the live entities are counted",
        Duration.ofSeconds(20),
        () -> api().text("/metrics").contains("circulation_entity_live{entity=\"Patron\"}"));
    String scrape = api().text("/metrics");
    assertTrue(
        scrape.contains(
            "circulation_entity_commands_seconds_count{code=\"none\",command=\"BeginCheckout\",entity=\"Patron\",outcome=\"accepted\"}"),
        scrape);
    assertTrue(
        scrape.contains(
            "circulation_entity_commands_seconds_count{code=\"WRONG_PIN\",command=\"BeginCheckout\",entity=\"Patron\",outcome=\"rejected\"}"),
        "rejections by entity, command and rule code");
    assertTrue(
        scrape.contains("circulation_entity_commands_seconds_bucket{"), "a latency histogram");
    assertTrue(scrape.contains("circulation_entity_events_total{entity=\"Item\",event=\"Lent\"}"));
    assertTrue(scrape.contains("circulation_entity_recovery_seconds_count{entity=\"Item\"}"));
    assertTrue(
        scrape.contains("cassandra_session_cql_requests_seconds_bucket{"),
        "the journal's requests, from the driver, with a latency histogram");
    assertTrue(scrape.contains("cassandra_nodes_pool_open_connections{"), "per node, as a tag");
    assertTrue(scrape.contains("jvm_gc_"), "garbage collection");
    assertTrue(scrape.contains("process_cpu_usage"), "the process");
  }

  /**
   * A checkout at {@code branch} with the given PIN, as a raw body so bad values reach the server.
   */
  private Answer checkout(String card, String pin, String barcode, String branch) {
    return api()
        .terminal(agency)
        .post(
            "/api/v1/checkouts",
            "{\"transactionId\":\"%s\",\"cardNumber\":\"%s\",\"pin\":\"%s\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"%s\"}"
                .formatted(Api.unique("t"), card, pin, barcode, agency, branch));
  }

  private Answer checkoutWithNumericPin(String card, String barcode, String branch) {
    return api()
        .terminal(agency)
        .post(
            "/api/v1/checkouts",
            "{\"transactionId\":\"t2\",\"cardNumber\":\"%s\",\"pin\":1234,\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"%s\"}"
                .formatted(card, barcode, agency, branch));
  }

  /** R16: due dates count days in the libraries' time zone. */
  private static java.time.LocalDate today() {
    return java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneId.of("Europe/Copenhagen"));
  }

  private static void expectProblem(Answer answer, int status, String code) {
    assertEquals(status, answer.status(), answer.body().toString());
    assertEquals("application/problem+json", answer.contentType());
    assertEquals(code, answer.code(), answer.body().toString());
    assertFalse(
        answer.body().path("detail").asText().isBlank(), "a problem must say what is wrong");
  }
}
