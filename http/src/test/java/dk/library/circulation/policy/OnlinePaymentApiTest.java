package dk.library.circulation.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * R36 over real HTTP: the payment provider's side is played by the test, which signs its callbacks
 * with the shared key as a provider would and delivers them over a socket.
 */
class OnlinePaymentApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  String agency;
  String card;

  @BeforeEach
  void library() {
    agency = Api.unique("DK-");
    card = Api.unique("C");
    assertEquals(201, api().createAgency(agency, 10, 2).status());
    assertEquals(201, api().registerPatron(card, agency).status());
  }

  private void charge(String feeId, int amount) {
    Answer charged =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + card + "/fees",
                """
                {"feeId":"%s","amountDkk":%d,"reason":"damaged cover","agencyId":"%s"}
                """
                    .formatted(feeId, amount, agency));
    assertEquals(200, charged.status(), charged.body().toString());
  }

  private String token() {
    Answer session =
        api()
            .terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card));
    assertEquals(201, session.status(), session.body().toString());
    return session.body().get("token").asText();
  }

  private JsonNode patron() {
    return api().staff(agency).get("/api/v1/patrons/" + card).body();
  }

  static String signature(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(TestServers.PAYMENT_CALLBACK_KEY), "HmacSHA256"));
      return "sha256="
          + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String callbackBody(String sessionId, String status, int amount) {
    return """
           {"sessionId":"%s","status":"%s","amountDkk":%d,"providerReference":"psp-%s"}
           """
        .formatted(sessionId, status, amount, sessionId.substring(0, 8));
  }

  /** The provider's callback, with {@code signature} as its header (null: none). */
  private Answer deliver(String body, String signature) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + testServer.port() + "/api/v1/payment-callbacks"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("X-Payment-Signature", signature);
    }
    return api().send(request.build());
  }

  @Test
  void R36_thePatronPaysOnlineAndTheCallbackMarksTheFeesPaidExactlyOnce() {
    charge("f1", 150);
    charge("f2", 100);
    assertTrue(patron().path("blocks").findValuesAsText("code").contains("FEES_OWED"));

    Answer opened = api().as(token()).post("/api/v1/patrons/" + card + "/payment-sessions", "{}");
    assertEquals(201, opened.status(), opened.body().toString());
    String sessionId = opened.body().path("sessionId").asText();
    assertEquals(250, opened.body().path("amountDkk").asInt());
    assertEquals("OPEN", opened.body().path("status").asText());
    assertTrue(
        opened
            .body()
            .path("redirectUrl")
            .asText()
            .startsWith(TestServers.PAYMENT_PROVIDER_URL + "?session=" + sessionId));
    assertTrue(!opened.body().toString().contains(card), "the provider never sees the card number");

    String body = callbackBody(sessionId, "PAID", 250);
    for (int delivery = 1; delivery <= 3; delivery++) {
      Answer paid = deliver(body, signature(body));
      assertEquals(200, paid.status(), paid.body().toString());
      assertEquals("PAID", paid.body().path("status").asText());
      JsonNode patron = patron();
      assertEquals(0, patron.path("balanceDkk").asInt(), "delivery " + delivery);
      assertEquals(1, patron.path("payments").size(), "paid once, delivery " + delivery);
      assertEquals(
          "online-" + sessionId, patron.path("payments").get(0).path("paymentId").asText());
      assertEquals(0, patron.path("blocks").size());
    }
  }

  @Test
  void R36_anUnsignedTamperedUnknownOrCancelledCallbackChangesNothing() {
    charge("f1", 80);
    Answer opened =
        api().terminal(agency).post("/api/v1/patrons/" + card + "/payment-sessions", "{}");
    assertEquals(201, opened.status(), opened.body().toString());
    String sessionId = opened.body().path("sessionId").asText();
    String body = callbackBody(sessionId, "PAID", 80);

    assertEquals("SIGNATURE_INVALID", deliver(body, null).code());
    assertEquals("SIGNATURE_INVALID", deliver(body, "sha256=00ff").code());
    assertEquals("SIGNATURE_INVALID", deliver(body, "sha256=not-hex").code());
    String tampered = callbackBody(sessionId, "PAID", 8);
    assertEquals(401, deliver(tampered, signature(body)).status(), "altered after signing");
    assertEquals(
        "PAYMENT_AMOUNT_MISMATCH", deliver(tampered, signature(tampered)).code(), "signed, wrong");
    String unknown = callbackBody("00000000-0000-4000-8000-000000000000", "PAID", 80);
    assertEquals("PAYMENT_SESSION_NOT_FOUND", deliver(unknown, signature(unknown)).code());
    String invalid = "{\"sessionId\":\"x\",\"status\":\"MAYBE\"}";
    assertEquals(400, deliver(invalid, signature(invalid)).status());
    assertEquals(80, patron().path("balanceDkk").asInt());
    assertEquals(0, patron().path("payments").size());

    String cancel = callbackBody(sessionId, "CANCELLED", 80);
    Answer cancelled = deliver(cancel, signature(cancel));
    assertEquals("CANCELLED", cancelled.body().path("status").asText());
    assertEquals("PAYMENT_SESSION_CLOSED", deliver(body, signature(body)).code());
    assertEquals(80, patron().path("balanceDkk").asInt(), "nothing was paid");
  }

  @Test
  void R36_nothingOwedIsRefusedAndATokenOpensOnlyItsOwnPatronsSession() {
    assertEquals(
        "NOTHING_OWED",
        api().terminal(agency).post("/api/v1/patrons/" + card + "/payment-sessions", "{}").code());
    String other = Api.unique("C");
    assertEquals(201, api().registerPatron(other, agency).status());
    assertEquals(
        "PATRON_NOT_FOUND",
        api().as(token()).post("/api/v1/patrons/" + other + "/payment-sessions", "{}").code());
  }
}
