package dk.library.circulation.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Journal;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Malformed, oversized, deeply nested and type-confused bodies and paths thrown at every route of a
 * real server: never a 5xx, always a problem document that says what is wrong, and nothing
 * persisted for any id the hostile request named.
 */
class HostileInputTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static CirculationServer server;
  static Api operator;
  static Journal journal;
  static String agency;
  static String card;
  static String barcode;
  static String doorKey;
  static long fixtureEvents;

  /** A POST route, the caller allowed to use it, and a valid body to start from. */
  record Route(String method, String path, String caller, Map<String, Object> valid) {
    Route(String path, String caller, Map<String, Object> valid) {
      this("POST", path, caller, valid);
    }
  }

  @BeforeContainer
  static void start() {
    server = TestServers.start(new TestClock(Instant.parse("2026-11-22T09:00:00Z")));
    operator = new Api(server.port());
    journal = new Journal();
    agency = Api.unique("DK-");
    card = Api.unique("C");
    barcode = Api.unique("X");
    assertEquals(201, operator.createAgency(agency, 10, 2).status());
    assertEquals(201, operator.registerPatron(card, agency).status());
    assertEquals(201, operator.registerItem(barcode, agency).status());
    doorKey = operator.registerClient("door", agency);
    fixtureEvents = fixtureEvents();
  }

  @AfterContainer
  static void stop() {
    try {
      assertEquals(fixtureEvents, fixtureEvents(), "the fixtures' journals did not change");
    } finally {
      journal.close();
      server.close();
    }
  }

  static long fixtureEvents() {
    return journal.events("Agency", agency)
        + journal.events("Policy", agency)
        + journal.events("Patron", card)
        + journal.events("Item", barcode);
  }

  /** Every POST route with fresh ids, so anything persisted under them would show. */
  static List<Route> routes() {
    String freshAgency = Api.unique("DK-");
    String freshCard = Api.unique("C");
    String freshBarcode = Api.unique("X");
    return List.of(
        new Route(
            "/api/v1/agencies",
            "operator",
            Map.of(
                "agencyId",
                freshAgency,
                "name",
                "Fuzz",
                "branches",
                List.of(Map.of("branchId", "main", "name", "Main")),
                "policy",
                Map.of("loanPeriodDays", 28, "maxLoans", 5, "maxRenewals", 1))),
        new Route(
            "/api/v1/patrons",
            "staff",
            Map.of("cardNumber", freshCard, "pin", "1234", "name", "F", "homeAgencyId", agency)),
        new Route(
            "/api/v1/items",
            "staff",
            Map.of(
                "barcode", freshBarcode,
                "titleId", "T1",
                "title", "T",
                "agencyId", agency,
                "materialType", "book")),
        new Route(
            "/api/v1/checkouts",
            "terminal",
            Map.of(
                "transactionId",
                "t1",
                "cardNumber",
                card,
                "pin",
                "1234",
                "barcode",
                barcode,
                "agencyId",
                agency,
                "branchId",
                "main")),
        new Route(
            "/api/v1/returns",
            "terminal",
            Map.of(
                "transactionId", "r1", "barcode", barcode, "agencyId", agency, "branchId", "main")),
        new Route(
            "/api/v1/renewals",
            "terminal",
            Map.of("cardNumber", card, "pin", "1234", "barcodes", List.of(barcode))),
        new Route("/api/v1/patron-status", "terminal", Map.of("cardNumber", card, "pin", "1234")),
        new Route("/api/v1/patron-sessions", "terminal", Map.of("cardNumber", card, "pin", "1234")),
        new Route(
            "/api/v1/clients",
            "operator",
            Map.of(
                "clientId",
                Api.clientId("fuzz"),
                "name",
                "F",
                "role",
                "staff",
                "agencies",
                List.of(agency))),
        new Route(
            "PUT",
            "/api/v1/agencies/" + agency + "/policy",
            "operator",
            Map.of(
                "loanPeriodDays",
                28,
                "maxRenewals",
                2,
                "materialTypes",
                Map.of("book", Map.of("express", false)),
                "overdueFees",
                Map.of("book", Map.of("perDayDkk", 5, "capDkk", 100)))),
        new Route(
            "/api/v1/patrons/" + card + "/fees",
            "staff",
            Map.of("feeId", "f1", "amountDkk", 25, "reason", "Card", "agencyId", agency)),
        new Route("/api/v1/patrons/" + card + "/deposits", "staff", Map.of("amountDkk", 100)),
        new Route(
            "/api/v1/patrons/" + card + "/lost-items",
            "staff",
            Map.of("barcode", barcode, "condition", "lost")),
        new Route(
            "/api/v1/patrons/" + card + "/payments",
            "staff",
            Map.of("paymentId", "p1", "amountDkk", 25)),
        new Route(
            "/api/v1/patrons/" + card + "/identity-verification",
            "staff",
            Map.of("method", "passport seen")),
        new Route(
            "/api/v1/patrons/" + card + "/guardian-consent", "staff", Map.of("guardian", "Mother")),
        new Route(
            "PUT",
            "/api/v1/patrons/" + card + "/pin",
            "staff",
            Map.of("pin", "1234", "identityCheck", "passport seen")),
        new Route(
            "PUT",
            "/api/v1/patrons/" + card + "/suspension",
            "staff",
            Map.of("until", "2026-12-01", "reason", "House rules")),
        new Route(
            "/api/v1/holds",
            "staff",
            Map.of(
                "holdId",
                "h1",
                "cardNumber",
                card,
                "agencyId",
                agency,
                "titleId",
                "T-" + barcode,
                "pickupBranchId",
                "main",
                "notInterestedAfter",
                "2027-01-31")),
        new Route(
            "/api/v1/agencies/" + agency + "/titles/T-" + barcode + "/holds/h1/proxies",
            "staff",
            Map.of("cardNumber", card, "proxyCardNumber", card)),
        new Route(
            "/api/v1/items/" + barcode + "/arrival",
            "staff",
            Map.of("agencyId", agency, "branchId", "main")),
        new Route(
            "PUT",
            "/api/v1/agencies/" + agency + "/resources/" + Api.unique("r"),
            "staff",
            Map.of(
                "branchId", "main",
                "kind", "PC",
                "name", "PC 1",
                "opens", "09:00",
                "closes", "21:00",
                "closedOn", List.of("SUNDAY"),
                "slotMinutes", 60,
                "residentsOnly", false)),
        new Route(
            "/api/v1/bookings",
            "terminal",
            Map.of(
                "bookingId", "b1",
                "agencyId", agency,
                "resourceId", "pc1",
                "date", "2026-11-23",
                "start", "10:00",
                "minutes", 60,
                "cardNumber", card,
                "pin", "1234")),
        new Route(
            "/api/v1/agencies/" + agency + "/resources/pc1/days/2026-11-23/bookings/b1/check-in",
            "terminal",
            Map.of("cardNumber", card, "pin", "1234")),
        new Route(
            "/api/v1/agencies/"
                + agency
                + "/resources/pc1/days/2026-11-23/bookings/b1/cancellation",
            "terminal",
            Map.of("cardNumber", card, "pin", "1234")),
        new Route(
            "/api/v1/door-entries",
            "door",
            Map.of("agencyId", agency, "branchId", "main", "cardNumber", card, "pin", "1234")),
        new Route(
            "/api/v1/patrons/" + card + "/open-library", "staff", Map.of("agencyId", agency)));
  }

  static Answer send(Route route, String body) {
    Api api = as(route.caller());
    return api.send(
        api.request(route.path())
            .header("Content-Type", "application/json")
            .method(route.method(), java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  static Api as(String caller) {
    return switch (caller) {
      case "staff" -> operator.staff(agency);
      case "terminal" -> operator.terminal(agency);
      case "door" -> operator.as(doorKey);
      default -> operator;
    };
  }

  @Provide
  Arbitrary<Route> route() {
    return Arbitraries.integers().between(0, routes().size() - 1).map(i -> routes().get(i));
  }

  /** Values of every JSON type and of hostile sizes and characters. */
  @Provide
  Arbitrary<JsonNode> hostileValue() {
    return Arbitraries.oneOf(
        Arbitraries.integers().map(NODES::numberNode),
        Arbitraries.longs().map(NODES::numberNode),
        Arbitraries.doubles().map(NODES::numberNode),
        Arbitraries.of(true, false).map(NODES::booleanNode),
        Arbitraries.just(NODES.nullNode()),
        Arbitraries.just(NODES.arrayNode()),
        Arbitraries.just(NODES.objectNode()),
        Arbitraries.strings().ofMaxLength(300).map(NODES::textNode),
        Arbitraries.strings().all().ofMinLength(1000).ofMaxLength(20_000).map(NODES::textNode),
        Arbitraries.strings()
            .withChars("\u0000\u202e\ud83d\ude00'\"<>%\\;")
            .ofMaxLength(50)
            .map(NODES::textNode),
        Arbitraries.integers().between(1, 40).map(HostileInputTest::nestedArray));
  }

  static JsonNode nestedArray(int depth) {
    JsonNode node = NODES.textNode("x");
    for (int i = 0; i < depth; i++) {
      node = NODES.arrayNode().add(node);
    }
    return node;
  }

  @Property(tries = 150)
  void typeConfusedBodiesAreRefusedClearly(
      @ForAll("route") Route route, @ForAll("hostileValue") JsonNode value, @ForAll int fieldChoice)
      throws Exception {
    ObjectNode body = JSON.valueToTree(route.valid());
    List<String> fields = new ArrayList<>(route.valid().keySet());
    String field = fields.get(Math.floorMod(fieldChoice, fields.size()));
    body.set(field, value);
    // An unknown field makes every body invalid, so a lucky value can never be accepted.
    body.put("unexpectedField", 1);
    expectRefusedWithoutChange(route, JSON.writeValueAsString(body), 400);
  }

  @Property(tries = 100)
  void textThatIsNotAJsonObjectIsRefusedClearly(
      @ForAll("route") Route route, @ForAll("notAnObject") String text) {
    expectRefusedWithoutChange(route, text, 400);
  }

  @Provide
  Arbitrary<String> notAnObject() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(500),
        Arbitraries.strings().withChars("{}[]\":,0123456789.-eEtrufalsn \\").ofMaxLength(200),
        Arbitraries.integers().between(11, 5000).map(d -> "[".repeat(d) + "]".repeat(d)),
        Arbitraries.integers()
            .between(11, 5000)
            .map(d -> "{\"a\":".repeat(d) + "1" + "}".repeat(d)),
        Arbitraries.of("[]", "null", "1", "\"text\"", "true", "{", "{\"a\":1,}", "{\"a\" 1}"));
  }

  @Property(tries = 100)
  void hostilePathSegmentsAreRefusedClearly(
      @ForAll("resource") String resource, @ForAll("segment") String segment) {
    String path = "/api/v1/" + resource + "/" + URLEncoder.encode(segment, StandardCharsets.UTF_8);
    Answer answer = operator.staff(agency).get(path);
    assertProblem(answer, 400, 403, 404, 414);
    Answer asOperator = operator.get(path);
    assertProblem(asOperator, 400, 403, 404, 414);
  }

  @Provide
  Arbitrary<String> resource() {
    return Arbitraries.of("agencies", "patrons", "items", "clients", "audit", "console", "nothing");
  }

  @Provide
  Arbitrary<String> segment() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMinLength(1).ofMaxLength(300),
        Arbitraries.of(
            "..", ".", "%00", "0000-00-00", "9999-99-99", "-1", "a b", "../../etc/passwd"));
  }

  /**
   * JSON's escapes can carry half of a UTF-16 pair; such text passed the forms once and then made
   * the entity fail to persist. Every text field of every route refuses it at the edge.
   */
  @Example
  void unpairedSurrogatesInAnyTextFieldAreRefusedWithTheFieldNamed() throws Exception {
    for (Route route : routes()) {
      for (Map.Entry<String, Object> field : route.valid().entrySet()) {
        if (!(field.getValue() instanceof String)) {
          continue;
        }
        ObjectNode body = JSON.valueToTree(route.valid());
        body.put(field.getKey(), "HALF_A_PAIR");
        String text =
            JSON.writeValueAsString(body).replace("\"HALF_A_PAIR\"", "\"Fuzz\\ud800ron\"");
        Answer answer = send(route, text);
        assertProblem(answer, 400);
        assertTrue(
            answer.body().toString().contains("\"field\":\"" + field.getKey() + "\""),
            route.path() + " names " + field.getKey() + ": " + answer.body());
        expectRefusedWithoutChange(route, text, 400);
      }
    }
  }

  @Example
  void contentAfterTheObjectAndKeysGivenTwiceAreMalformed() throws Exception {
    for (Route route : routes()) {
      String valid = JSON.writeValueAsString(route.valid());
      String firstKey = route.valid().keySet().iterator().next();
      for (String body :
          List.of(
              valid + " xyz", valid + valid, "{\"" + firstKey + "\":\"x\"," + valid.substring(1))) {
        Answer answer = send(route, body);
        assertProblem(answer, 400);
        assertEquals("MALFORMED_JSON", answer.code(), route.path() + " " + body);
        expectRefusedWithoutChange(route, body, 400);
      }
    }
  }

  @Example
  void oversizedBodiesHeadersAndUrisAreRefusedClearly() {
    Route route = routes().get(3);
    Answer big = send(route, "{\"x\":\"" + "a".repeat(70_000) + "\"}");
    assertProblem(big, 413);
    Answer header =
        operator.send(
            operator
                .request("/api/v1/agencies/" + agency)
                .header("X-Big", "h".repeat(10_000))
                .GET()
                .build());
    assertProblem(header, 431);
    java.net.http.HttpRequest.Builder many = operator.request("/api/v1/agencies/" + agency);
    for (int i = 0; i < 40; i++) {
      many.header("X-Header-" + i, "v");
    }
    Answer tooMany = operator.send(many.GET().build());
    assertProblem(tooMany, 431);
    assertEquals("HEADERS_TOO_LARGE", tooMany.code());
    Answer uri = operator.get("/api/v1/agencies/" + "a".repeat(5_000));
    assertProblem(uri, 414, 400);
    Answer credential = operator.as("x".repeat(9_000)).get("/api/v1/agencies/" + agency);
    assertProblem(credential, 431, 400, 401);
  }

  private void expectRefusedWithoutChange(Route route, String body, int status) {
    Answer answer = send(route, body);
    assertProblem(answer, status);
    for (Map.Entry<String, Object> field : route.valid().entrySet()) {
      if (field.getValue() instanceof String id && id.startsWith("DK-")
          || field.getKey().equals("cardNumber") && !field.getValue().equals(card)
          || field.getKey().equals("barcode") && !field.getValue().equals(barcode)
          || field.getKey().equals("clientId")) {
        String type =
            switch (field.getKey()) {
              case "agencyId", "homeAgencyId" -> "Agency";
              case "cardNumber" -> "Patron";
              case "barcode" -> "Item";
              default -> "ApiClient";
            };
        String id = (String) field.getValue();
        if (!id.equals(agency)) {
          assertEquals(0, journal.events(type, id), type + " " + id + " was persisted");
        }
      }
    }
  }

  private static void assertProblem(Answer answer, int... statuses) {
    assertTrue(answer.status() < 500, "a 5xx: " + answer.status() + " " + answer.body());
    boolean expected = false;
    for (int s : statuses) {
      expected |= answer.status() == s;
    }
    assertTrue(expected, "status " + answer.status() + ": " + answer.body());
    assertEquals("application/problem+json", answer.contentType(), answer.body().toString());
    assertFalse(answer.code().isBlank(), answer.body().toString());
    assertFalse(answer.body().path("detail").asText().isBlank(), answer.body().toString());
  }
}
