package dk.library.circulation.holds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Holds, pickup, proxies and notices over HTTP against the real server and Cassandra. */
class HoldsApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  static final Duration WITHIN = Duration.ofSeconds(20);
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  String agency;
  String title;
  String copy;
  String lender;
  String first;
  String second;

  /** One title with one copy, on loan to {@code lender}; two more patrons. */
  @BeforeEach
  void library() {
    agency = Api.unique("DK-");
    Answer created =
        api()
            .post(
                "/api/v1/agencies",
                """
{"agencyId":"%s","name":"Holds Library",
 "branches":[{"branchId":"main","name":"Main"},{"branchId":"north","name":"North"}],
 "policy":{"loanPeriodDays":28,"maxLoans":10,"maxRenewals":5,"maxReservations":2,
   "materialTypes":{"book":{},"reference":{"reservable":false},
                    "reading-room":{"noProxyPickup":true}}}}
"""
                    .formatted(agency));
    assertEquals(201, created.status(), created.body().toString());
    api().enrol(agency);
    title = Api.unique("T");
    copy = registerCopy(title, "book", "main");
    lender = patron();
    first = patron();
    second = patron();
    assertEquals(201, api().checkout(Api.unique("t"), lender, copy, agency).status());
  }

  @Test
  void R25_R26_aReturnedCopyGoesToTheFirstHoldWhoseHolderAloneMayBorrowIt() {
    Answer placed = hold("h1", first, title, "main");
    assertEquals(201, placed.status(), placed.body().toString());
    assertEquals("WAITING", placed.body().get("status").asText());
    assertEquals(1, placed.body().get("position").asInt());
    assertEquals(2, hold("h2", second, title, "main").body().get("position").asInt());
    assertEquals(201, hold("h1", first, title, "main").status(), "the same hold id again");

    assertEquals(200, api().returnItem(Api.unique("r"), copy, agency, "main").status());
    JsonNode ready = awaitStatus("h1", "READY");
    assertEquals(copy, ready.get("barcode").asText());
    assertEquals(
        clock.instant().plus(Duration.ofDays(7)).toString(), ready.get("pickupDeadline").asText());
    assertNotNull(ready.get("pickupNumber"));
    assertEquals(1, holdView("h2").get("position").asInt());

    JsonNode notices = api().staff(agency).get("/api/v1/patrons/" + first + "/notices").body();
    assertEquals("hold-ready", notices.get(0).get("templateKey").asText());
    assertEquals("digital-mailbox", notices.get(0).get("channel").asText());
    Eventually.await(
        "the notice is handed to the sender and written to the notice log",
        WITHIN,
        () ->
            noticeLog().contains(notices.get(0).get("noticeId").asText())
                && !api()
                    .staff(agency)
                    .get("/api/v1/patrons/" + first + "/notices")
                    .body()
                    .get(0)
                    .get("sentAt")
                    .isNull());

    Answer wrongPatron = api().checkout(Api.unique("t"), second, copy, agency);
    assertEquals(409, wrongPatron.status());
    assertEquals("ITEM_HELD_FOR_ANOTHER_PATRON", wrongPatron.code());
    assertEquals(201, api().checkout(Api.unique("t"), first, copy, agency).status());
    Eventually.await(
        "the hold is collected",
        WITHIN,
        () -> "COLLECTED".equals(holdView("h1").path("outcome").asText()));
    assertEquals(1, holdView("h2").get("position").asInt());
  }

  @Test
  void R18_aLoanIsNotRenewedWhileAnotherPatronWaitsForTheTitle() {
    // A day after the checkout, so a renewal moves the due date (R19).
    clock.advance(Duration.ofDays(1));
    Answer before = renew(lender);
    assertTrue(before.body().at("/renewals/0/renewed").asBoolean(), before.body().toString());
    assertEquals(201, hold("h1", first, title, "main").status());
    Answer after = renew(lender);
    assertEquals(false, after.body().at("/renewals/0/renewed").asBoolean());
    assertEquals("TITLE_RESERVED", after.body().at("/renewals/0/refusal/code").asText());
  }

  @Test
  void R21_theReservationLimitCountsEveryHoldUntilItEnds() {
    String other1 = Api.unique("T");
    String other2 = Api.unique("T");
    registerCopy(other1, "book", "main");
    registerCopy(other2, "book", "main");
    assertEquals(201, hold("a", first, title, "main").status());
    assertEquals(201, hold("b", first, other1, "main").status());
    Answer third = hold("c", first, other2, "main");
    assertEquals(422, third.status());
    assertEquals("RESERVATION_LIMIT_REACHED", third.code());

    Answer cancelled =
        api().staff(agency).delete("/api/v1/agencies/" + agency + "/titles/" + title + "/holds/a");
    assertEquals(200, cancelled.status(), cancelled.body().toString());
    assertEquals("CANCELLED", cancelled.body().get("outcome").asText());
    assertEquals(201, hold("c", first, other2, "main").status());
  }

  @Test
  void R23_materialTheAgencyDoesNotLetBeReservedIsRefusedAndNothingCounts() {
    String reference = Api.unique("T");
    registerCopy(reference, "reference", "main");
    Answer refused = hold("r1", first, reference, "main");
    assertEquals(422, refused.status());
    assertEquals("NOT_RESERVABLE", refused.code());
    JsonNode status = api().staff(agency).get("/api/v1/patrons/" + first).body();
    assertEquals(0, status.get("holds").size(), "the refused hold does not count (R21)");
    Answer unknownTitle = hold("r2", first, Api.unique("T"), "main");
    assertEquals("TITLE_NOT_HELD", unknownTitle.code());
  }

  @Test
  void R2_aPatronRegisteredByPhoneCannotReserve() {
    String byPhone = Api.unique("C");
    Answer registered =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons",
                """
{"cardNumber":"%s","pin":"1234","name":"Phone","homeAgencyId":"%s","channel":"phone"}
"""
                    .formatted(byPhone, agency));
    assertEquals(201, registered.status(), registered.body().toString());
    Answer refused = hold("p1", byPhone, title, "main");
    assertEquals("IDENTITY_NOT_VERIFIED", refused.code());
  }

  @Test
  void R27_aCopyReturnedAtAnotherBranchTravelsToThePickupBranchTheHolderChose() {
    assertEquals(201, hold("h1", first, title, "north").status());
    assertEquals(200, api().returnItem(Api.unique("r"), copy, agency, "main").status());
    awaitStatus("h1", "IN_TRANSIT");
    Answer wrongBranch = arrive(copy, "main");
    assertEquals(200, wrongBranch.status(), wrongBranch.body().toString());
    assertEquals("IN_TRANSIT", holdView("h1").get("status").asText());
    Answer received = arrive(copy, "north");
    assertEquals(200, received.status(), received.body().toString());
    assertEquals("READY", received.body().at("/hold/status").asText());
    assertEquals("north", received.body().at("/hold/pickupBranchId").asText());
  }

  @Test
  void R28_aProxyTheHolderNamedOrTheBearerOfTheForwardedNoticeMayCollect() {
    assertEquals(201, hold("h1", first, title, "main").status());
    assertEquals(200, api().returnItem(Api.unique("r"), copy, agency, "main").status());
    awaitStatus("h1", "READY");
    Answer refused = api().checkout(Api.unique("t"), second, copy, agency);
    assertEquals("ITEM_HELD_FOR_ANOTHER_PATRON", refused.code());

    String token = pickupToken(first);
    Answer wrongToken = checkoutWithToken(second, copy, "0".repeat(32));
    assertEquals("ITEM_HELD_FOR_ANOTHER_PATRON", wrongToken.code());
    Answer bearer = checkoutWithToken(second, copy, token);
    assertEquals(201, bearer.status(), bearer.body().toString());

    // A proxy named by the holder, for a second copy on another hold.
    String second2 = registerCopy(title, "book", "main");
    String holder = patron();
    Answer placed = hold("h3", holder, title, "main");
    assertEquals(201, placed.status());
    awaitStatus("h3", "READY");
    assertEquals(second2, holdView("h3").get("barcode").asText());
    assertEquals(
        "ITEM_HELD_FOR_ANOTHER_PATRON",
        api().checkout(Api.unique("t"), lender, second2, agency).code());
    Answer named =
        api()
            .staff(agency)
            .post(
                "/api/v1/agencies/" + agency + "/titles/" + title + "/holds/h3/proxies",
                "{\"cardNumber\":\"%s\",\"proxyCardNumber\":\"%s\"}".formatted(holder, lender));
    assertEquals(200, named.status(), named.body().toString());
    assertEquals(201, api().checkout(Api.unique("t"), lender, second2, agency).status());
  }

  @Test
  void R28_readingRoomMaterialIsNeverCollectedByAProxy() {
    String reading = Api.unique("T");
    String rrCopy = registerCopy(reading, "reading-room", "main");
    assertEquals(201, hold("rr", first, reading, "main").status());
    awaitStatus(reading, "rr", "READY");
    String token = pickupToken(first);
    Answer proxy = checkoutWithToken(second, rrCopy, token);
    assertEquals("ITEM_HELD_FOR_ANOTHER_PATRON", proxy.code());
    assertTrue(proxy.body().get("detail").asText().contains("not by a proxy"));
    assertEquals(201, api().checkout(Api.unique("t"), first, rrCopy, agency).status());
  }

  @Test
  void R26_anUncollectedCopyExpiresAfterSevenDaysAndGoesToTheNextInLine() {
    assertEquals(201, hold("h1", first, title, "main").status());
    assertEquals(201, hold("h2", second, title, "main").status());
    assertEquals(200, api().returnItem(Api.unique("r"), copy, agency, "main").status());
    awaitStatus("h1", "READY");
    clock.advance(Duration.ofDays(6));
    assertEquals("READY", holdView("h1").get("status").asText(), "six days: still waiting");
    clock.advance(Duration.ofDays(1).plusMinutes(1));
    Eventually.await(
        "the first hold expires",
        WITHIN,
        () -> "EXPIRED".equals(holdView("h1").path("outcome").asText()));
    JsonNode next = awaitStatus("h2", "READY");
    assertEquals(copy, next.get("barcode").asText());
    Eventually.await(
        "the first patron is told the hold expired",
        WITHIN,
        () ->
            api()
                .staff(agency)
                .get("/api/v1/patrons/" + first + "/notices")
                .body()
                .findValuesAsText("templateKey")
                .contains("hold-expired"));
    assertEquals(
        0,
        api().staff(agency).get("/api/v1/patrons/" + first).body().get("holds").size(),
        "the expired hold no longer counts (R21)");
  }

  @Test
  void R25_aPatronReservesOnTheWebWithTheirOwnTokenOnly() {
    Answer session =
        api()
            .terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(first));
    assertEquals(201, session.status(), session.body().toString());
    Api web = api().as(session.body().get("token").asText());
    Answer own = web.post("/api/v1/holds", holdJson("w1", first, title, "main"));
    assertEquals(201, own.status(), own.body().toString());
    Answer forAnother = web.post("/api/v1/holds", holdJson("w2", second, title, "main"));
    assertEquals(404, forAnother.status());
    JsonNode mine = web.get("/api/v1/patrons/" + first + "/holds").body();
    assertEquals("w1", mine.get(0).get("holdId").asText());
    assertEquals(
        200, web.delete("/api/v1/agencies/" + agency + "/titles/" + title + "/holds/w1").status());
    assertEquals(0, web.get("/api/v1/patrons/" + first + "/holds").body().size());
  }

  @Test
  void R25_anotherPatronsHoldAnswersAsUnknownWhetherActiveOrEnded() {
    assertEquals(201, hold("o1", first, title, "main").status());
    Answer session =
        api()
            .terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(second));
    Api other = api().as(session.body().get("token").asText());
    String path = "/api/v1/agencies/" + agency + "/titles/" + title + "/holds/o1";
    Answer whileActive = other.delete(path);
    assertEquals(404, whileActive.status(), whileActive.body().toString());
    assertEquals("HOLD_NOT_FOUND", whileActive.body().get("code").asText());
    assertEquals(200, api().staff(agency).delete(path).status(), "staff cancel it: it has ended");
    Answer onceEnded = other.delete(path);
    assertEquals(404, onceEnded.status(), onceEnded.body().toString());
    assertEquals("HOLD_NOT_FOUND", onceEnded.body().get("code").asText());
    assertFalse(onceEnded.body().toString().contains("CANCELLED"), "nothing of the hold shown");
  }

  @Test
  void badHoldRequestsAreRefusedWithTheFieldNamed() {
    Answer bad =
        api()
            .staff(agency)
            .post(
                "/api/v1/holds",
                """
                {"holdId":"x","cardNumber":"%s","agencyId":"%s","titleId":"%s",
                 "pickupBranchId":"main","notInterestedAfter":"2026-02-30"}
                """
                    .formatted(first, agency, title));
    assertEquals(400, bad.status());
    assertTrue(bad.body().toString().contains("notInterestedAfter"), bad.body().toString());
    Answer unknownBranch = hold("x", first, title, "nowhere");
    assertEquals("BRANCH_NOT_FOUND", unknownBranch.code());
    assertEquals(0, api().staff(agency).get("/api/v1/patrons/" + first).body().get("holds").size());
  }

  // Helpers

  private String patron() {
    String card = Api.unique("C");
    assertEquals(201, api().registerPatron(card, agency).status());
    return card;
  }

  private String registerCopy(String titleId, String materialType, String branchId) {
    String barcode = Api.unique("B");
    Answer registered =
        api()
            .staff(agency)
            .post(
                "/api/v1/items",
                """
                {"barcode":"%s","titleId":"%s","title":"Title %s","agencyId":"%s",
                 "materialType":"%s","branchId":"%s"}
                """
                    .formatted(barcode, titleId, titleId, agency, materialType, branchId));
    assertEquals(201, registered.status(), registered.body().toString());
    return barcode;
  }

  private String holdJson(String holdId, String card, String titleId, String pickup) {
    return """
           {"holdId":"%s","cardNumber":"%s","agencyId":"%s","titleId":"%s","pickupBranchId":"%s"}
           """
        .formatted(holdId, card, agency, titleId, pickup);
  }

  private Answer hold(String holdId, String card, String titleId, String pickup) {
    return api().staff(agency).post("/api/v1/holds", holdJson(holdId, card, titleId, pickup));
  }

  private JsonNode holdView(String holdId) {
    return holdView(title, holdId);
  }

  private JsonNode holdView(String titleId, String holdId) {
    return api()
        .staff(agency)
        .get("/api/v1/agencies/" + agency + "/titles/" + titleId + "/holds/" + holdId)
        .body();
  }

  private JsonNode awaitStatus(String holdId, String status) {
    return awaitStatus(title, holdId, status);
  }

  private JsonNode awaitStatus(String titleId, String holdId, String status) {
    Eventually.await(
        "hold " + holdId + " is " + status,
        WITHIN,
        () -> status.equals(holdView(titleId, holdId).path("status").asText()));
    return holdView(titleId, holdId);
  }

  private Answer arrive(String barcode, String branch) {
    return api()
        .staff(agency)
        .post(
            "/api/v1/items/" + barcode + "/arrival",
            "{\"agencyId\":\"%s\",\"branchId\":\"%s\"}".formatted(agency, branch));
  }

  private Answer renew(String card) {
    return api()
        .terminal(agency)
        .post("/api/v1/renewals", "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card));
  }

  /** The pickup code printed on the holder's newest pickup notice (R28). */
  private String pickupToken(String card) {
    JsonNode notices = api().staff(agency).get("/api/v1/patrons/" + card + "/notices").body();
    String token = null;
    for (JsonNode notice : notices) {
      if (notice.get("templateKey").asText().equals("hold-ready")) {
        token = notice.at("/data/pickupToken").asText();
      }
    }
    assertNotNull(token, notices.toString());
    return token;
  }

  private Answer checkoutWithToken(String card, String barcode, String token) {
    return api()
        .terminal(agency)
        .post(
            "/api/v1/checkouts",
            """
            {"transactionId":"%s","cardNumber":"%s","pin":"1234","barcode":"%s","agencyId":"%s",
             "branchId":"main","pickupToken":"%s"}
            """
                .formatted(Api.unique("t"), card, barcode, agency, token));
  }

  private static String noticeLog() {
    try {
      Path log = Path.of("target/notices-test.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
