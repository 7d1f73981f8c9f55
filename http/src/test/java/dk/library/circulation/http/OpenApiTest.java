package dk.library.circulation.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.library.circulation.Rejection;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.OpenApiContract;
import dk.library.circulation.testing.OpenApiContract.Operation;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI document: served by the server, naming every rule's refusal code, with a route behind
 * every operation, and a contract check that does fail on drift. Every other test's exchanges are
 * held against the document by {@link Api} itself.
 */
class OpenApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-29T10:00:00Z"));
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);
  static final OpenApiContract CONTRACT = OpenApiContract.DOCUMENT;

  @Test
  void theServerServesTheDocumentWithoutACredential() {
    Answer answer = testServer.api().as(null).get("/api/v1/openapi.json");
    assertEquals(200, answer.status(), answer.body().toString());
    assertTrue(answer.contentType().startsWith("application/json"), answer.contentType());
    assertEquals(CONTRACT.document(), answer.body());
    assertEquals("3.1.0", answer.body().get("openapi").asText());
  }

  @Test
  void everyRefusalCodeOfTheRulesIsDocumented() {
    Set<String> documented = new HashSet<>();
    CONTRACT
        .document()
        .at("/components/schemas/Problem/properties/code/enum")
        .forEach(code -> documented.add(code.asText()));
    List<String> missing = new ArrayList<>();
    for (Rejection.Code code : Rejection.Code.values()) {
      if (!documented.contains(code.name())) {
        missing.add(code.name());
      }
    }
    assertEquals(List.of(), missing, "refusal codes missing from the Problem schema's enum");
  }

  @Test
  void everyDocumentedOperationHasARoute() {
    Api anonymous = testServer.api().as(null);
    List<String> unrouted = new ArrayList<>();
    for (Operation op : CONTRACT.operations()) {
      String path = op.template().replaceAll("\\{[^}]+}", "x");
      HttpRequest.Builder request = anonymous.request(path);
      HttpRequest built =
          switch (op.method()) {
            case "GET" -> request.GET().build();
            case "DELETE" -> request.DELETE().build();
            default ->
                request
                    .header("Content-Type", "application/json")
                    .method(op.method(), HttpRequest.BodyPublishers.ofString("{}"))
                    .build();
          };
      Answer answer = anonymous.send(built);
      if (Set.of("ROUTE_NOT_FOUND", "METHOD_NOT_ALLOWED").contains(answer.code())) {
        unrouted.add(op.method() + " " + op.template());
      }
    }
    assertEquals(List.of(), unrouted);
    assertTrue(CONTRACT.operations().size() >= 60, "operations: " + CONTRACT.operations().size());
  }

  @Test
  void theContractRefusesAnAnswerTheDocumentDoesNotDescribe() throws Exception {
    ObjectMapper json = new ObjectMapper();
    HttpHeaders none = HttpHeaders.of(Map.of(), (a, b) -> true);
    JsonNode checkout =
        json.readTree(
            """
            {"checkoutId":"c1","cardNumber":"C1","barcode":"B1","agencyId":"DK-1",
             "branchId":"main","checkedOutAt":"2026-11-29T10:00:00Z","dueDate":"2026-12-27"}
            """);
    String request =
        """
        {"transactionId":"t1","cardNumber":"C1","pin":"1234","barcode":"B1","agencyId":"DK-1",
         "branchId":"main"}
        """;
    CONTRACT.check(
        "POST", "/api/v1/checkouts", request, new Answer(201, "application/json", checkout, none));

    JsonNode extraField =
        ((com.fasterxml.jackson.databind.node.ObjectNode) checkout.deepCopy())
            .put("loanedBy", "someone");
    assertThrows(
        AssertionError.class,
        () ->
            CONTRACT.check(
                "POST",
                "/api/v1/checkouts",
                request,
                new Answer(201, "application/json", extraField, none)));
    JsonNode unknownCode =
        json.readTree(
            """
            {"type":"urn:x","title":"Conflict","status":409,"code":"NO_SUCH_CODE","detail":"d"}
            """);
    assertThrows(
        AssertionError.class,
        () ->
            CONTRACT.check(
                "POST",
                "/api/v1/checkouts",
                request,
                new Answer(409, "application/problem+json", unknownCode, none)));
    assertThrows(
        AssertionError.class,
        () ->
            CONTRACT.check(
                "POST",
                "/api/v1/checkouts",
                "{\"barcode\":\"B1\"}",
                new Answer(201, "application/json", checkout, none)));
    assertThrows(
        AssertionError.class,
        () ->
            CONTRACT.check(
                "GET",
                "/api/v1/undocumented",
                null,
                new Answer(200, "application/json", checkout, none)));
    assertFalse(CONTRACT.operation("GET", "/api/v1/checkouts").isPresent());
  }
}
