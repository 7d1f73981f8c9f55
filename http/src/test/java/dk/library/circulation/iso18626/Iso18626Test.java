package dk.library.circulation.iso18626;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * R29 with systems outside the core, over ISO 18626: the test runs two partner systems of its own
 * (an HTTP endpoint on a socket) that check every message the core sends against the standard's
 * schema and its signature, and send the core the supplier's messages as real systems do.
 */
class Iso18626Test {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-29T09:00:00Z"));
  static final Duration WITHIN = Duration.ofSeconds(20);
  static final String TO_A = key("the core signs what it sends EXT-A");
  static final String FROM_A = key("EXT-A signs what it sends the core");
  static final String TO_B = key("the core signs what it sends EXT-B");
  static final String FROM_B = key("EXT-B signs what it sends the core");

  static HttpServer partnerSystems;
  static CirculationServer server;
  static Api api;
  static final HttpClient http = HttpClient.newHttpClient();

  /** What each partner received: its messages in order, each checked when it arrived. */
  static final Map<String, List<Received>> received = new ConcurrentHashMap<>();

  /** Answers a partner gives with HTTP 503 before it confirms (an outage to ride out). */
  static final Map<String, AtomicInteger> outages = new ConcurrentHashMap<>();

  record Received(String kind, String requestId, String action, String status, Element body) {}

  String borrower;
  String patron;
  String requestId;
  final AtomicInteger sent = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    partnerSystems = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    partnerSystems.createContext("/ext-a", exchange -> partner("EXT-A", TO_A, exchange));
    partnerSystems.createContext("/ext-b", exchange -> partner("EXT-B", TO_B, exchange));
    partnerSystems.start();
    int port = partnerSystems.getAddress().getPort();
    server =
        CirculationServer.start(
            ConfigFactory.parseString(
                    """
                    library.iso18626.partners = [
                      { agency-id = "EXT-A", endpoint = "http://127.0.0.1:%d/ext-a",
                        incoming-key = "%s", outgoing-key = "%s" },
                      { agency-id = "EXT-B", endpoint = "http://127.0.0.1:%d/ext-b",
                        incoming-key = "%s", outgoing-key = "%s" }
                    ]
                    """
                        .formatted(port, FROM_A, TO_A, port, FROM_B, TO_B))
                .withFallback(TestServers.config()),
            clock);
    api = new Api(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
    partnerSystems.stop(0);
  }

  @BeforeEach
  void borrowerAndPatron() {
    borrower = Api.unique("DK-");
    assertEquals(201, api.createAgency(borrower, 10, 2).status());
    patron = Api.unique("C");
    assertEquals(201, api.registerPatron(patron, borrower).status());
    requestId = Api.unique("ill-");
  }

  @Test
  void R29_aWholeLoanAcrossSystems_aRefusalMovingToTheNextLender_andAnOutageRiddenOut() {
    outages.put("EXT-B", new AtomicInteger(1));
    Answer requested = request(List.of("EXT-A", "EXT-B"));
    assertEquals(201, requested.status(), requested.body().toString());
    assertEquals("EXT-A", requested.body().get("lender").asText());

    Received toA = awaitMessage("EXT-A", 0);
    assertEquals("request", toA.kind());
    assertEquals(requestId, toA.requestId());
    assertEquals(
        borrower, IsoXml.text(toA.body(), "header", "requestingAgencyId", "agencyIdValue").get());
    assertTrue(
        IsoXml.text(toA.body(), "patronInfo").isEmpty(), "no patron data leaves the core (R40)");
    awaitOutcome(0, "OK");

    assertEquals("OK", supplierSays("EXT-A", FROM_A, "RequestResponse", "Unfilled", null, null));
    Received toB = awaitMessage("EXT-B", 1);
    assertEquals("request", toB.kind());
    assertEquals(2, received.get("EXT-B").size(), "sent again after the outage's 503");
    awaitOutcome(1, "OK");
    assertEquals("EXT-B", read().get("lender").asText());

    assertEquals(
        "OK", supplierSays("EXT-B", FROM_B, "RequestResponse", "WillSupply", null, "EXT-B-4711"));
    Instant due = Instant.parse("2026-12-27T23:00:00Z");
    assertEquals("OK", supplierSays("EXT-B", FROM_B, "StatusChange", "Loaned", due, "EXT-B-4711"));
    JsonNode loaned = read();
    assertEquals("Loaned", loaned.get("status").asText());
    assertEquals("EXT-B-4711", loaned.get("barcode").asText());

    Answer arrived =
        api.staff(borrower)
            .post(
                "/api/v1/interlibrary-requests/" + requestId + "/received",
                "{\"agencyId\":\"%s\",\"branchId\":\"main\"}".formatted(borrower));
    assertEquals(200, arrived.status(), arrived.body().toString());
    assertTrue(arrived.body().get("atPickup").asBoolean());
    assertEquals("Received", awaitMessage("EXT-B", 2).action());
    Eventually.await(
        "the patron is told the copy is ready",
        WITHIN,
        () ->
            api.staff(borrower)
                .get("/api/v1/patrons/" + patron + "/notices")
                .body()
                .findValuesAsText("templateKey")
                .contains("ill-ready"));

    Answer shipped =
        api.staff(borrower)
            .post(
                "/api/v1/interlibrary-requests/" + requestId + "/shipped-return",
                "{\"agencyId\":\"%s\"}".formatted(borrower));
    assertEquals(200, shipped.status(), shipped.body().toString());
    assertEquals("ShippedReturn", awaitMessage("EXT-B", 3).action());
    assertEquals("OK", supplierSays("EXT-B", FROM_B, "StatusChange", "LoanCompleted", null, null));
    JsonNode done = read();
    assertEquals("LoanCompleted", done.get("status").asText());
    assertEquals(
        List.of(
            "RequestReceived",
            "Unfilled",
            "RequestReceived",
            "WillSupply",
            "Loaned",
            "LoanCompleted"),
        done.get("history").findValuesAsText("status"));
    Eventually.await(
        "every message confirmed",
        WITHIN,
        () -> read().get("partnerMessages").findValuesAsText("outcome").size() == 4);
  }

  @Test
  void R29_aMessageDeliveredTwiceChangesNothingTheSecondTime() {
    assertEquals(201, request(List.of("EXT-A")).status());
    awaitMessage("EXT-A", 0);
    String message = supplying("EXT-A", "RequestResponse", "WillSupply", null, "A-1");
    assertEquals("OK", confirmationStatus(deliver(message, FROM_A)));
    JsonNode once = read();
    assertEquals("WillSupply", once.get("status").asText());
    HttpResponse<String> again = deliver(message, FROM_A);
    assertEquals(200, again.statusCode());
    assertEquals("OK", confirmationStatus(again), "the same message is confirmed again");
    assertEquals(once.get("history"), read().get("history"), "and changes nothing");
  }

  @Test
  void R29_aBadSignatureAnUnknownRequestOrTheWrongLenderIsAnsweredWithTheStandardsError() {
    assertEquals(201, request(List.of("EXT-A", "EXT-B")).status());
    awaitMessage("EXT-A", 0);
    JsonNode before = read();

    String willSupply = supplying("EXT-A", "RequestResponse", "WillSupply", null, null);
    HttpResponse<String> forged = deliver(willSupply, FROM_B);
    assertEquals(401, forged.statusCode());
    assertEquals("ERROR", confirmationStatus(forged));
    assertEquals("UnrecognisedDataValue", errorType(forged));
    HttpResponse<String> unsigned = deliver(willSupply, null);
    assertEquals(401, unsigned.statusCode());

    String unknown =
        supplying("EXT-A", "RequestResponse", "WillSupply", null, null)
            .replace(requestId, "no-such-request");
    HttpResponse<String> notOurs = deliver(unknown, FROM_A);
    assertEquals("ERROR", confirmationStatus(notOurs));
    assertEquals("UnrecognisedDataValue", errorType(notOurs));
    assertTrue(errorValue(notOurs).startsWith("requestingAgencyRequestId"), errorValue(notOurs));

    HttpResponse<String> notTheLender =
        deliver(supplying("EXT-B", "RequestResponse", "WillSupply", null, null), FROM_B);
    assertEquals("ERROR", confirmationStatus(notTheLender));
    assertTrue(errorValue(notTheLender).startsWith("supplyingAgencyId"), errorValue(notTheLender));

    HttpResponse<String> unsupported =
        deliver(supplying("EXT-A", "RequestResponse", "RetryPossible", null, null), FROM_A);
    assertEquals("ERROR", confirmationStatus(unsupported));
    assertTrue(errorValue(unsupported).startsWith("status"), errorValue(unsupported));

    assertEquals(before.get("history"), read().get("history"), "nothing changed");
    assertEquals("EXT-A", read().get("lender").asText());
  }

  @Test
  void R29_aMessageInvalidAgainstTheSchemaIsABadlyFormedMessageAndChangesNothing() {
    assertEquals(201, request(List.of("EXT-A")).status());
    awaitMessage("EXT-A", 0);
    JsonNode before = read();

    String withoutStatus =
        supplying("EXT-A", "RequestResponse", "WillSupply", null, null)
            .replaceAll("<statusInfo>.*</statusInfo>", "");
    HttpResponse<String> invalid = deliver(withoutStatus, FROM_A);
    assertEquals(200, invalid.statusCode());
    assertEquals("ERROR", confirmationStatus(invalid));
    assertEquals("BadlyFormedMessage", errorType(invalid));

    String entity =
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
            + "<ISO18626Message>&e;</ISO18626Message>";
    HttpResponse<String> hostile = deliver(entity, FROM_A);
    assertEquals("BadlyFormedMessage", errorType(hostile));
    assertFalse(hostile.body().contains("root:"), "no entity is ever expanded");

    HttpResponse<String> notXml = deliver("{\"status\":\"WillSupply\"}", FROM_A);
    assertEquals("BadlyFormedMessage", errorType(notXml));

    assertEquals(before.get("history"), read().get("history"), "nothing changed");
  }

  @Test
  void R29_aPartnerSystemBorrowsFromUs_answeredShippedSentBackAndCheckedIn() {
    String lender = borrower;
    String title = Api.unique("T");
    String copy = Api.unique("B");
    Answer registered =
        api.staff(lender)
            .post(
                "/api/v1/items",
                """
                {"barcode":"%s","titleId":"%s","title":"Rare Book","agencyId":"%s",
                 "materialType":"book","branchId":"main"}
                """
                    .formatted(copy, title, lender));
    assertEquals(201, registered.status(), registered.body().toString());
    String theirs = requestId;
    String ours = dk.library.circulation.ill.InterlibraryRules.partnerRequestId("EXT-A", theirs);
    String partnersRequest =
        envelope(
            "request",
            """
            <header>%s%s<timestamp>%s</timestamp>
            <requestingAgencyRequestId>%s</requestingAgencyRequestId></header>
            <bibliographicInfo><bibliographicRecordId>
            <bibliographicRecordIdentifierCode>FAUST</bibliographicRecordIdentifierCode>
            <bibliographicRecordIdentifier>%s</bibliographicRecordIdentifier>
            </bibliographicRecordId></bibliographicInfo>
            <serviceInfo><serviceType>Loan</serviceType></serviceInfo>
            """
                .formatted(
                    agencyId("supplyingAgencyId", lender),
                    agencyId("requestingAgencyId", "EXT-A"),
                    clock.instant(),
                    theirs,
                    title));
    assertEquals("OK", confirmationStatus(deliver(partnersRequest, FROM_A)));
    Eventually.await(
        "the request waits on the lender's list",
        WITHIN,
        () ->
            api.staff(lender)
                .get("/api/v1/interlibrary-worklists?agencyId=%s&side=lending".formatted(lender))
                .body()
                .findValuesAsText("requestId")
                .contains(ours));
    JsonNode created = api.staff(lender).get("/api/v1/interlibrary-requests/" + ours).body();
    assertEquals("RequestReceived", created.get("status").asText(), created.toString());
    assertEquals(theirs, created.get("partnerRequestId").asText());
    assertEquals("OK", confirmationStatus(deliver(partnersRequest, FROM_A)), "delivered twice");
    assertEquals(
        created.get("history"),
        api.staff(lender).get("/api/v1/interlibrary-requests/" + ours).body().get("history"));

    Answer willSupply =
        api.staff(lender)
            .post(
                "/api/v1/interlibrary-requests/" + ours + "/answers",
                "{\"agencyId\":\"%s\",\"status\":\"WillSupply\",\"barcode\":\"%s\"}"
                    .formatted(lender, copy));
    assertEquals(200, willSupply.status(), willSupply.body().toString());
    Received answered = awaitMessage("EXT-A", 0);
    assertEquals("supplyingAgencyMessage", answered.kind());
    assertEquals("WillSupply", answered.status());
    assertEquals(
        "RequestResponse",
        IsoXml.text(answered.body(), "messageInfo", "reasonForMessage").orElse(""));

    Answer shipped =
        api.staff(lender)
            .post(
                "/api/v1/interlibrary-requests/" + ours + "/shipped",
                "{\"agencyId\":\"%s\"}".formatted(lender));
    assertEquals("Loaned", shipped.body().get("status").asText(), shipped.body().toString());
    Received loaned = awaitMessage("EXT-A", 1);
    assertEquals("Loaned", loaned.status());
    assertEquals(copy, IsoXml.text(loaned.body(), "deliveryInfo", "itemId").orElse(""));
    assertTrue(IsoXml.text(loaned.body(), "statusInfo", "dueDate").isPresent());

    String shippedReturn =
        envelope(
            "requestingAgencyMessage",
            "<header>%s%s<timestamp>%s</timestamp><requestingAgencyRequestId>%s"
                    .formatted(
                        agencyId("supplyingAgencyId", lender),
                        agencyId("requestingAgencyId", "EXT-A"),
                        clock.instant().plusSeconds(60),
                        theirs)
                + "</requestingAgencyRequestId></header><action>ShippedReturn</action>");
    assertEquals("OK", confirmationStatus(deliver(shippedReturn, FROM_A)));
    assertTrue(
        api.staff(lender)
            .get("/api/v1/interlibrary-requests/" + ours)
            .body()
            .get("returnShipped")
            .asBoolean());

    Answer checkedIn =
        api.staff(lender)
            .post(
                "/api/v1/interlibrary-requests/" + ours + "/checked-in",
                "{\"agencyId\":\"%s\"}".formatted(lender));
    assertEquals(
        "LoanCompleted", checkedIn.body().get("status").asText(), checkedIn.body().toString());
    assertEquals("LoanCompleted", awaitMessage("EXT-A", 2).status());
    JsonNode item = api.staff(lender).get("/api/v1/items/" + copy).body();
    assertFalse(item.hasNonNull("heldFor"), item.toString());
  }

  @Test
  void R29_anActionWeDoNotSupplyIsRefused_andTheBorrowersCancelReachesThePartner() {
    assertEquals(201, request(List.of("EXT-A")).status());
    awaitMessage("EXT-A", 0);
    String renew =
        envelope(
            "requestingAgencyMessage",
            "<header>%s%s<timestamp>%s</timestamp><requestingAgencyRequestId>x"
                    .formatted(
                        agencyId("supplyingAgencyId", borrower),
                        agencyId("requestingAgencyId", "EXT-A"),
                        clock.instant())
                + "</requestingAgencyRequestId></header><action>Renew</action>");
    HttpResponse<String> refused = deliver(renew, FROM_A);
    assertEquals("ERROR", confirmationStatus(refused));
    assertEquals("UnsupportedActionType", errorType(refused));

    Answer cancelled = api.staff(borrower).delete("/api/v1/interlibrary-requests/" + requestId);
    assertEquals("Cancelled", cancelled.body().get("status").asText(), cancelled.body().toString());
    assertEquals("Cancel", awaitMessage("EXT-A", 1).action());
  }

  // The partner systems

  private static void partner(String id, String key, HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String signature = exchange.getRequestHeaders().getFirst(PartnerDirectory.SIGNATURE_HEADER);
    String answer;
    int status = 200;
    try {
      if (!Signatures.matches(Base64.getDecoder().decode(key), body, signature)) {
        throw new IllegalStateException("bad signature from the core");
      }
      Document message = IsoXml.read(body);
      Element element = IsoXml.body(message);
      String kind = IsoXml.kind(message).orElseThrow();
      received
          .computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
          .add(
              new Received(
                  kind,
                  IsoXml.text(element, "header", "requestingAgencyRequestId").orElse(null),
                  IsoXml.text(element, "action").orElse(null),
                  IsoXml.text(element, "statusInfo", "status").orElse(null),
                  element));
      AtomicInteger outage = outages.get(id);
      if (outage != null && outage.getAndDecrement() > 0) {
        status = 503;
        answer = "";
      } else {
        answer =
            envelope(
                kind + "Confirmation",
                "<confirmationHeader><timestamp>%s</timestamp><timestampReceived>%s"
                        .formatted(clock.instant(), clock.instant())
                    + "</timestampReceived><messageStatus>OK</messageStatus>"
                    + "</confirmationHeader>");
      }
    } catch (Exception wrong) {
      status = 400;
      answer = wrong.toString();
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/xml; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The supplier's message, signed and sent; answers the confirmation's messageStatus. */
  private String supplierSays(
      String partner, String key, String reason, String status, Instant due, String itemId) {
    HttpResponse<String> response = deliver(supplying(partner, reason, status, due, itemId), key);
    assertEquals(200, response.statusCode(), response.body());
    return confirmationStatus(response);
  }

  private String supplying(
      String partner, String reason, String status, Instant due, String itemId) {
    Instant at = clock.instant().plusSeconds(sent.incrementAndGet());
    return envelope(
        "supplyingAgencyMessage",
        """
        <header>%s%s<timestamp>%s</timestamp>
        <requestingAgencyRequestId>%s</requestingAgencyRequestId></header>
        <messageInfo><reasonForMessage>%s</reasonForMessage></messageInfo>
        <statusInfo><status>%s</status>%s<lastChange>%s</lastChange></statusInfo>%s
        """
            .formatted(
                agencyId("supplyingAgencyId", partner),
                agencyId("requestingAgencyId", borrower),
                at,
                requestId,
                reason,
                status,
                due == null ? "" : "<dueDate>" + due + "</dueDate>",
                at,
                itemId == null
                    ? ""
                    : "<deliveryInfo><dateSent>%s</dateSent><itemId>%s</itemId></deliveryInfo>"
                        .formatted(at, itemId)));
  }

  private static String agencyId(String element, String value) {
    return "<%s><agencyIdType>ISIL</agencyIdType><agencyIdValue>%s</agencyIdValue></%s>"
        .formatted(element, value, element);
  }

  private static String envelope(String kind, String inner) {
    return """
           <?xml version="1.0" encoding="UTF-8"?>
           <ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"
             xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="1.2">
           <%s>%s</%s></ISO18626Message>"""
        .formatted(kind, inner.replace("\n", ""), kind);
  }

  private HttpResponse<String> deliver(String message, String key) {
    HttpRequest.Builder post =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/iso18626"))
            .header("Content-Type", "text/xml; charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(message));
    if (key != null) {
      post.header(
          PartnerDirectory.SIGNATURE_HEADER,
          Signatures.sign(Base64.getDecoder().decode(key), message));
    }
    try {
      return http.send(post.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The confirmation's messageStatus, once it is checked against the standard's schema. */
  private static String confirmationStatus(HttpResponse<String> response) {
    return header(response, "confirmationHeader", "messageStatus");
  }

  private static String errorType(HttpResponse<String> response) {
    return header(response, "errorData", "errorType");
  }

  private static String errorValue(HttpResponse<String> response) {
    return header(response, "errorData", "errorValue");
  }

  private static String header(HttpResponse<String> response, String... path) {
    try {
      return IsoXml.text(IsoXml.body(IsoXml.read(response.body())), path).orElse("");
    } catch (IsoXml.Invalid invalid) {
      throw new AssertionError("the core's answer is not a valid ISO 18626 message", invalid);
    }
  }

  // The core's side

  private Answer request(List<String> lenders) {
    return api.staff(borrower)
        .post(
            "/api/v1/interlibrary-requests",
            """
            {"requestId":"%s","cardNumber":"%s","agencyId":"%s","pickupBranchId":"main",
             "titleId":"%s","lenders":[%s]}
            """
                .formatted(
                    requestId,
                    patron,
                    borrower,
                    Api.unique("T"),
                    String.join(",", lenders.stream().map(l -> "\"" + l + "\"").toList())));
  }

  private JsonNode read() {
    return api.staff(borrower).get("/api/v1/interlibrary-requests/" + requestId).body();
  }

  /** The partner's {@code index}th message for this test's request (counted across partners). */
  private Received awaitMessage(String partner, int index) {
    Eventually.await(
        partner + " receives message " + index + " of " + requestId,
        WITHIN,
        () -> ofThisRequest(partner).size() > index);
    return ofThisRequest(partner).get(index);
  }

  private List<Received> ofThisRequest(String partner) {
    List<Received> mine = new ArrayList<>();
    for (Received r : received.getOrDefault(partner, List.of())) {
      if (requestId.equals(r.requestId())) {
        mine.add(r);
      }
    }
    return mine;
  }

  private void awaitOutcome(int message, String outcome) {
    Eventually.await(
        "message " + message + " is " + outcome,
        WITHIN,
        () ->
            outcome.equals(read().path("partnerMessages").path(message).path("outcome").asText()));
  }

  private static String key(String text) {
    return Base64.getEncoder().encodeToString((text + " ......................").getBytes());
  }
}
