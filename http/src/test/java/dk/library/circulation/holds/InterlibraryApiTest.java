package dk.library.circulation.holds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * R29 over HTTP: a request walks the lenders' rota; the lender's own rules decide (R23, its charge,
 * its loan period); the copy is collected and returned at the borrowing branch; ISO 18626 statuses
 * throughout.
 */
class InterlibraryApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  static final Duration WITHIN = Duration.ofSeconds(20);
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  String borrower;
  String lacking;
  String restrictive;
  String lender;
  String title;
  String copy;
  String patron;

  @BeforeEach
  void agencies() {
    borrower = agency("{\"loanPeriodDays\":28,\"maxLoans\":10,\"maxRenewals\":2}");
    lacking = agency("{\"loanPeriodDays\":28,\"maxLoans\":10,\"maxRenewals\":2}");
    restrictive =
        agency(
            "{\"loanPeriodDays\":28,\"maxLoans\":10,\"maxRenewals\":2,"
                + "\"materialTypes\":{\"book\":{\"interlibraryLoan\":false}}}");
    lender =
        agency(
            "{\"loanPeriodDays\":14,\"maxLoans\":10,\"maxRenewals\":2,"
                + "\"materialTypes\":{\"book\":{},\"rare\":{\"interlibraryLoan\":false}}}");
    title = Api.unique("T");
    registerCopy(restrictive, "book");
    copy = registerCopy(lender, "book");
    patron = Api.unique("C");
    assertEquals(201, api().registerPatron(patron, borrower).status());
  }

  @Test
  void R29_aRequestGoesToTheFirstLenderThatMaySupplyAndIsLentOnTheLendersTerms() {
    Answer requested = request("ill-1", List.of(lacking, restrictive, lender));
    assertEquals(201, requested.status(), requested.body().toString());
    assertEquals("RequestReceived", requested.body().get("status").asText());
    assertEquals(lender, requested.body().get("lender").asText());
    assertEquals(
        List.of("RequestReceived", "Unfilled", "RequestReceived", "Unfilled", "RequestReceived"),
        statuses(requested.body()));
    assertTrue(
        requested.body().at("/history/3/note").asText().contains("R23"),
        "the restrictive agency's own rules refused: " + requested.body());

    assertEquals(
        "ExpectToSupply",
        answer("ill-1", lender, "ExpectToSupply", null).body().get("status").asText());
    Answer willSupply = answer("ill-1", lender, "WillSupply", copy, 30);
    assertEquals(200, willSupply.status(), willSupply.body().toString());
    assertEquals("WillSupply", willSupply.body().get("status").asText());
    assertEquals(14, willSupply.body().get("loanPeriodDays").asInt());

    Answer received =
        api()
            .staff(borrower)
            .post(
                "/api/v1/items/" + copy + "/arrival",
                "{\"agencyId\":\"%s\",\"branchId\":\"main\"}".formatted(borrower));
    assertEquals(200, received.status(), received.body().toString());
    assertTrue(received.body().at("/interlibraryRequest/atPickup").asBoolean());
    Eventually.await(
        "the patron is told the copy is ready",
        WITHIN,
        () -> noticeTemplates(patron).contains("ill-ready"));

    Answer lent = api().checkout(Api.unique("t"), patron, copy, borrower);
    assertEquals(201, lent.status(), lent.body().toString());
    assertEquals(today().plusDays(14).toString(), lent.body().get("dueDate").asText());
    awaitStatus("ill-1", "Loaned");
    JsonNode fees = api().staff(borrower).get("/api/v1/patrons/" + patron).body().get("fees");
    assertEquals(30, fees.get(0).get("amountDkk").asInt(), fees.toString());
    assertEquals("INTERLIBRARY_LOAN", fees.get(0).get("kind").asText());

    Answer recalled =
        api()
            .staff(lender)
            .post(
                "/api/v1/interlibrary-requests/ill-1/recall",
                "{\"agencyId\":\"%s\"}".formatted(lender));
    assertEquals("Recalled", recalled.body().get("status").asText(), recalled.body().toString());
    Answer returned = api().returnItem(Api.unique("r"), copy, borrower, "main");
    assertEquals(200, returned.status(), returned.body().toString());
    assertEquals(lender, returned.body().get("ownerAgencyId").asText());
    JsonNode done = awaitStatus("ill-1", "LoanCompleted");
    assertEquals(
        List.of(
            "RequestReceived",
            "Unfilled",
            "RequestReceived",
            "Unfilled",
            "RequestReceived",
            "ExpectToSupply",
            "WillSupply",
            "Loaned",
            "Recalled",
            "LoanCompleted"),
        statuses(done));
    assertTrue(noticeTemplates(patron).contains("ill-recalled"));
  }

  @Test
  void R29_whenEveryLenderRefusesTheRequestEndsUnfilledAndThePatronIsTold() {
    Answer requested = request("ill-2", List.of(lacking));
    assertEquals("Unfilled", requested.body().get("status").asText(), requested.body().toString());
    Eventually.await(
        "the patron is told", WITHIN, () -> noticeTemplates(patron).contains("ill-unfilled"));

    Answer again = request("ill-3", List.of(lender));
    assertEquals("RequestReceived", again.body().get("status").asText());
    Answer refused = answer("ill-3", lender, "Unfilled", null);
    assertEquals("Unfilled", refused.body().get("status").asText());
    Answer late = answer("ill-3", lender, "WillSupply", copy, 0);
    assertEquals("INTERLIBRARY_STATUS_NOT_ALLOWED", late.code());
  }

  @Test
  void R23_aLenderCannotSendMaterialItsPolicyKeepsFromInterlibraryLoan() {
    String rare = registerCopy(lender, "rare");
    assertEquals(201, request("ill-4", List.of(lender)).status());
    Answer refused = answer("ill-4", lender, "WillSupply", rare, 0);
    assertEquals(422, refused.status());
    assertEquals("NOT_FOR_INTERLIBRARY_LOAN", refused.code());
    assertEquals("RequestReceived", read("ill-4").get("status").asText(), "nothing changed");
  }

  @Test
  void R29_onlyTheCurrentLendersStaffAnswer_andATitleHeldLocallyIsReservedInstead() {
    assertEquals(201, request("ill-5", List.of(restrictive, lender)).status());
    Answer outside =
        api()
            .staff(borrower)
            .post(
                "/api/v1/interlibrary-requests/ill-5/answers",
                "{\"agencyId\":\"%s\",\"status\":\"Unfilled\"}".formatted(lender));
    assertEquals(403, outside.status());
    assertEquals("OUTSIDE_AGENCY_SCOPE", outside.code());

    String local = Api.unique("T");
    registerCopy(borrower, "book", local);
    Answer held =
        api()
            .staff(borrower)
            .post("/api/v1/interlibrary-requests", requestJson("ill-6", local, List.of(lender)));
    assertEquals("TITLE_HELD_LOCALLY", held.code());
    Answer badRota = request("ill-7", List.of(borrower));
    assertEquals(400, badRota.status());
  }

  @Test
  void R29_aLoanPastItsDueDateBecomesOverdue() {
    assertEquals(201, request("ill-8", List.of(lender)).status());
    assertEquals(200, answer("ill-8", lender, "WillSupply", copy, 0).status());
    assertEquals(201, api().checkout(Api.unique("t"), patron, copy, borrower).status());
    awaitStatus("ill-8", "Loaned");
    clock.advance(Duration.ofDays(16));
    awaitStatus("ill-8", "Overdue");
  }

  @Test
  void R29_theBorrowerCancelsBeforeTheLoanAndTheCopyIsFreeAgain() {
    assertEquals(201, request("ill-9", List.of(lender)).status());
    assertEquals(200, answer("ill-9", lender, "WillSupply", copy, 0).status());
    Answer cancelled = api().staff(borrower).delete("/api/v1/interlibrary-requests/ill-9");
    assertEquals("Cancelled", cancelled.body().get("status").asText(), cancelled.body().toString());
    JsonNode item = api().staff(lender).get("/api/v1/items/" + copy).body();
    assertTrue(!item.hasNonNull("heldFor"), item.toString());
  }

  @Test
  void R29_worklistsShowEachSideItsRequestsByStatusOldestFirstPagedWithoutWakingThem() {
    List<String> ids = List.of(Api.unique("w1-"), Api.unique("w2-"), Api.unique("w3-"));
    for (String id : ids) {
      assertEquals(201, request(id, List.of(lacking, lender)).status());
      clock.advance(Duration.ofMinutes(1));
    }
    Eventually.await(
        "the borrower's list has the three",
        WITHIN,
        () -> worklist(borrower, "borrowing", "RequestReceived", null, 50).size() == 3);
    List<String> firstPage = new ArrayList<>();
    JsonNode page = worklistPage(borrower, "borrowing", "RequestReceived", null, 2);
    page.get("requests").forEach(r -> firstPage.add(r.get("requestId").asText()));
    assertEquals(ids.subList(0, 2), firstPage, "oldest first");
    JsonNode second =
        worklistPage(borrower, "borrowing", "RequestReceived", page.get("next").asText(), 2);
    assertEquals(ids.get(2), second.at("/requests/0/requestId").asText());
    assertTrue(!second.hasNonNull("next"), second.toString());

    assertEquals(ids, worklist(lender, "lending", "RequestReceived", null, 50));
    assertEquals(List.of(), worklist(lacking, "lending", "RequestReceived", null, 50));

    assertEquals(200, answer(ids.get(0), lender, "WillSupply", copy, 0).status());
    Eventually.await(
        "the answered request moved to WillSupply on both sides",
        WITHIN,
        () ->
            worklist(borrower, "borrowing", "WillSupply", null, 50).equals(ids.subList(0, 1))
                && worklist(lender, "lending", "RequestReceived", null, 50)
                    .equals(ids.subList(1, 3)));

    JsonNode own =
        api().staff(borrower).get("/api/v1/patrons/" + patron + "/interlibrary-requests").body();
    assertEquals(ids, own.findValuesAsText("requestId"));
    assertEquals("WillSupply", own.at("/requests/0/status").asText());

    Answer badStatus =
        api()
            .staff(borrower)
            .get("/api/v1/interlibrary-worklists?agencyId=" + borrower + "&status=Lost&limit=0");
    assertEquals(400, badStatus.status());
    assertEquals(2, badStatus.body().get("errors").size(), badStatus.body().toString());
    Answer badCursor =
        api()
            .staff(borrower)
            .get("/api/v1/interlibrary-worklists?agencyId=" + borrower + "&after=x");
    assertEquals(400, badCursor.status());
    Answer otherAgency =
        api().staff(lacking).get("/api/v1/interlibrary-worklists?agencyId=" + borrower);
    assertEquals(403, otherAgency.status());
  }

  private JsonNode worklistPage(
      String agency, String side, String status, String after, int limit) {
    Answer answer =
        api()
            .staff(agency)
            .get(
                "/api/v1/interlibrary-worklists?agencyId=%s&side=%s&status=%s&limit=%d%s"
                    .formatted(
                        agency, side, status, limit, after == null ? "" : "&after=" + after));
    assertEquals(200, answer.status(), answer.body().toString());
    return answer.body();
  }

  private List<String> worklist(
      String agency, String side, String status, String after, int limit) {
    return worklistPage(agency, side, status, after, limit).findValuesAsText("requestId");
  }

  // Helpers

  private String agency(String policy) {
    String id = Api.unique("DK-");
    Answer created =
        api()
            .post(
                "/api/v1/agencies",
                """
                {"agencyId":"%s","name":"Library %s",
                 "branches":[{"branchId":"main","name":"Main"}],"policy":%s}
                """
                    .formatted(id, id, policy));
    assertEquals(201, created.status(), created.body().toString());
    api().enrol(id);
    return id;
  }

  private String registerCopy(String agency, String type) {
    return registerCopy(agency, type, title);
  }

  private String registerCopy(String agency, String type, String titleId) {
    String barcode = Api.unique("B");
    Answer registered =
        api()
            .staff(agency)
            .post(
                "/api/v1/items",
                """
                {"barcode":"%s","titleId":"%s","title":"Rare Book","agencyId":"%s",
                 "materialType":"%s","branchId":"main"}
                """
                    .formatted(barcode, titleId, agency, type));
    assertEquals(201, registered.status(), registered.body().toString());
    return barcode;
  }

  private String requestJson(String requestId, String titleId, List<String> lenders) {
    return """
           {"requestId":"%s","cardNumber":"%s","agencyId":"%s","pickupBranchId":"main",
            "titleId":"%s","lenders":[%s]}
           """
        .formatted(
            requestId,
            patron,
            borrower,
            titleId,
            String.join(",", lenders.stream().map(l -> "\"" + l + "\"").toList()));
  }

  private Answer request(String requestId, List<String> lenders) {
    return api()
        .staff(borrower)
        .post("/api/v1/interlibrary-requests", requestJson(requestId, title, lenders));
  }

  private Answer answer(String requestId, String agency, String status, String barcode) {
    return answer(requestId, agency, status, barcode, null);
  }

  private Answer answer(
      String requestId, String agency, String status, String barcode, Integer charge) {
    return api()
        .staff(agency)
        .post(
            "/api/v1/interlibrary-requests/" + requestId + "/answers",
            "{\"agencyId\":\"%s\",\"status\":\"%s\"%s%s}"
                .formatted(
                    agency,
                    status,
                    barcode == null ? "" : ",\"barcode\":\"" + barcode + "\"",
                    charge == null ? "" : ",\"chargeDkk\":" + charge));
  }

  private JsonNode read(String requestId) {
    return api().staff(borrower).get("/api/v1/interlibrary-requests/" + requestId).body();
  }

  private JsonNode awaitStatus(String requestId, String status) {
    Eventually.await(
        requestId + " is " + status,
        WITHIN,
        () -> status.equals(read(requestId).path("status").asText()));
    return read(requestId);
  }

  private static List<String> statuses(JsonNode request) {
    List<String> statuses = new ArrayList<>();
    request.get("history").forEach(h -> statuses.add(h.get("status").asText()));
    return statuses;
  }

  private List<String> noticeTemplates(String card) {
    return api()
        .staff(borrower)
        .get("/api/v1/patrons/" + card + "/notices")
        .body()
        .findValuesAsText("templateKey");
  }

  private static LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneId.of("Europe/Copenhagen"));
  }
}
