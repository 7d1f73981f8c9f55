package dk.library.circulation.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Journal;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-agency policy as data, and the fees and blocks the patron's account carries, over HTTP. */
class PolicyAndFeesApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  static Journal journal;

  String agency;
  String card;

  @BeforeAll
  static void start() {
    journal = new Journal();
  }

  @AfterAll
  static void stop() {
    journal.close();
  }

  @BeforeEach
  void library() {
    agency = Api.unique("DK-");
    card = Api.unique("C");
    assertEquals(201, api().createAgency(agency, 10, 2).status());
    assertEquals(201, api().registerPatron(card, agency).status());
  }

  @Test
  void R16_aPolicyChangeAppliesToNewCheckoutsWhileEarlierLoansKeepTheirDueDates() {
    String first = item("book");
    assertEquals(201, api().checkout("t1", card, first, agency).status());
    Answer changed = putPolicy("{\"loanPeriodDays\":14,\"maxLoans\":10,\"maxRenewals\":2}");
    assertEquals(200, changed.status(), changed.body().toString());
    assertEquals(2, changed.body().get("version").asInt());
    String second = item("book");
    Answer receipt = api().checkout("t2", card, second, agency);
    assertEquals(today().plusDays(14).toString(), receipt.body().get("dueDate").asText());
    JsonNode loans = api().staff(agency).get("/api/v1/patrons/" + card).body().get("loans");
    assertEquals(today().plusDays(28).toString(), loan(loans, first).get("dueDate").asText());

    JsonNode versions =
        api().staff(agency).get("/api/v1/agencies/" + agency + "/policy/versions").body();
    assertEquals(2, versions.get("versions").size());
    assertEquals(28, versions.get("versions").get(0).get("policy").get("loanPeriodDays").asInt());
    assertEquals("bootstrap-operator", versions.get("versions").get(1).get("changedBy").asText());
    assertEquals(
        14,
        api()
            .terminal(agency)
            .get("/api/v1/agencies/" + agency)
            .body()
            .at("/policy/loanPeriodDays")
            .asInt());
    assertTrue(
        api().get("/api/v1/audit/" + today()).body().toString().contains("CHANGE_POLICY"),
        "policy changes are audited");
  }

  @Test
  void anInvalidPolicyIsRefusedWithEveryProblemAndPersistsNothing() {
    long before = journal.events("Policy", agency);
    Answer fields =
        putPolicy("{\"loanPeriodDays\":-1,\"maxRenewals\":-2,\"materialTypes\":{\"Book\":{}}}");
    assertEquals(400, fields.status());
    String errors = fields.body().get("errors").toString();
    assertTrue(errors.contains("loanPeriodDays") && errors.contains("maxRenewals"), errors);
    assertTrue(errors.contains("materialTypes.Book"), errors);
    Answer unknownType =
        putPolicy(
            "{\"loanPeriodDays\":28,\"overdueFees\":{\"vinyl\":{\"perDayDkk\":5,\"capDkk\":50}}}");
    assertEquals(400, unknownType.status());
    assertTrue(
        unknownType.body().toString().contains("unknown material types are refused"),
        unknownType.body().toString());
    assertEquals(before, journal.events("Policy", agency));
  }

  @Test
  void R16_R20_R23_R24_materialTypesSetLoanPeriodsExpressLoansAndWhatStaysInTheLibrary() {
    assertEquals(
        200,
        putPolicy(
                """
                {"loanPeriodDays":28,"maxLoans":10,"maxRenewals":2,
                 "materialTypes":{"book":{},"dvd":{"loanPeriodDays":7,"express":true},
                                  "reference":{"homeLoan":false}}}
                """)
            .status());
    String dvd = item("dvd");
    Answer receipt = api().checkout("t1", card, dvd, agency);
    assertEquals(today().plusDays(7).toString(), receipt.body().get("dueDate").asText());
    expect(renew(dvd), 422, "EXPRESS_LOAN_NOT_RENEWABLE");
    expect(api().checkout("t2", card, item("reference"), agency), 422, "NOT_FOR_HOME_LOAN");
    expect(api().registerItem(Api.unique("X"), agency, "vinyl"), 422, "UNKNOWN_MATERIAL_TYPE");

    String book = item("book");
    Answer damaged =
        api()
            .terminal(agency)
            .post(
                "/api/v1/checkouts",
                "{\"transactionId\":\"t3\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\",\"damageNote\":\"Coffee stain on p. 12\"}"
                    .formatted(card, book, agency));
    assertEquals(201, damaged.status(), damaged.body().toString());
    JsonNode damage = api().staff(agency).get("/api/v1/items/" + book).body().get("damage");
    assertEquals("Coffee stain on p. 12", damage.get(0).get("note").asText());
    assertEquals("t3", damage.get(0).get("checkoutId").asText());
  }

  @Test
  void R21_R6_aPatronCategoryHasItsOwnLoanLimit() {
    putPolicy(
        "{\"loanPeriodDays\":28,\"maxLoans\":10,\"patronCategories\":{\"child\":{\"maxLoans\":1,\"maxReservations\":2}}}");
    String child = Api.unique("C");
    Answer registered =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"Child\",\"homeAgencyId\":\"%s\",\"category\":\"child\"}"
                    .formatted(child, agency));
    assertEquals("child", registered.body().get("category").asText());
    assertEquals(201, api().checkout("t1", child, item("book"), agency).status());
    expect(api().checkout("t2", child, item("book"), agency), 422, "LOAN_LIMIT_REACHED");
    expect(
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"X\",\"homeAgencyId\":\"%s\",\"category\":\"martian\"}"
                    .formatted(Api.unique("C"), agency)),
        422,
        "UNKNOWN_PATRON_CATEGORY");
  }

  @Test
  void R30_R32_aLateReturnIsChargedAndOwing200BlocksUntilEverythingIsPaid() {
    putPolicy(
        "{\"loanPeriodDays\":28,\"maxLoans\":10,\"overdueFees\":{\"book\":{\"perDayDkk\":10,\"capDkk\":250}}}");
    String book = item("book");
    assertEquals(201, api().checkout("t1", card, book, agency).status());
    clock.advance(Duration.ofDays(28 + 21));
    assertEquals(200, api().returnItem("r1", book, agency, "main").status());
    JsonNode status = api().staff(agency).get("/api/v1/patrons/" + card).body();
    assertEquals(210, status.get("balanceDkk").asInt());
    assertEquals("OVERDUE", status.get("fees").get(0).get("kind").asText());
    assertEquals("FEES_OWED", status.get("blocks").get(0).get("code").asText());
    expect(api().checkout("t2", card, item("book"), agency), 422, "FEES_OWED");

    assertEquals(200, pay("p1", 100).status());
    expect(api().checkout("t2", card, item("book"), agency), 422, "FEES_OWED");
    expect(pay("p2", 111), 422, "PAYMENT_EXCEEDS_BALANCE");
    Answer paidUp = pay("p2", 110);
    assertEquals(0, paidUp.body().get("balanceDkk").asInt());
    assertEquals(0, paidUp.body().get("blocks").size());
    assertEquals(201, api().checkout("t3", card, item("book"), agency).status());
  }

  @Test
  void R46_aSuspendedPatronBorrowsNothingUntilStaffLiftTheSuspension() {
    String until = today().plusDays(7).toString();
    Answer suspended =
        api()
            .staff(agency)
            .put(
                "/api/v1/patrons/" + card + "/suspension",
                "{\"until\":\"%s\",\"reason\":\"Broke the house rules\"}".formatted(until));
    assertEquals(200, suspended.status(), suspended.body().toString());
    assertEquals("PATRON_SUSPENDED", suspended.body().get("blocks").get(0).get("code").asText());
    expect(api().checkout("t1", card, item("book"), agency), 422, "PATRON_SUSPENDED");
    assertEquals(
        200, api().staff(agency).delete("/api/v1/patrons/" + card + "/suspension").status());
    assertEquals(201, api().checkout("t2", card, item("book"), agency).status());
  }

  @Test
  void
      R31_R24_aLostOrDamagedCopyIsChargedItsReplacementLicenceAndAdministrationButNotForDamageSeenAtCheckout() {
    putPolicy(
        """
        {"loanPeriodDays":28,"maxLoans":10,
         "materialTypes":{"book":{"valueDkk":300,"adminFeeDkk":50},
                          "dvd":{"valueDkk":150,"licenceDkk":200,"adminFeeDkk":50}}}
        """);
    // Damage first: once 400 DKK is owed, the patron may not borrow (R32).
    String book = item("book");
    Answer noted =
        api()
            .terminal(agency)
            .post(
                "/api/v1/checkouts",
                "{\"transactionId\":\"t2\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\",\"damageNote\":\"Torn cover\"}"
                    .formatted(card, book, agency));
    assertEquals(201, noted.status(), noted.body().toString());
    expect(lostItem(book, "damaged"), 422, "DAMAGE_RECORDED_AT_CHECKOUT");
    String dvd = item("dvd");
    assertEquals(201, api().checkout("t1", card, dvd, agency).status());
    Answer lost = lostItem(dvd, "lost");
    assertEquals(200, lost.status(), lost.body().toString());
    assertEquals(400, lost.body().get("balanceDkk").asInt());
    assertEquals("LOST_OR_DAMAGED", lost.body().get("fees").get(0).get("kind").asText());
    assertEquals(400, lostItem(dvd, "lost").body().get("balanceDkk").asInt(), "charged once");

    expect(lostItem(item("book"), "lost"), 404, "LOAN_NOT_FOUND");
  }

  private Answer lostItem(String barcode, String condition) {
    return api()
        .staff(agency)
        .post(
            "/api/v1/patrons/" + card + "/lost-items",
            "{\"barcode\":\"%s\",\"condition\":\"%s\"}".formatted(barcode, condition));
  }

  private Answer putPolicy(String json) {
    return api().put("/api/v1/agencies/" + agency + "/policy", json);
  }

  private String item(String materialType) {
    String barcode = Api.unique("X");
    Answer answer = api().registerItem(barcode, agency, materialType);
    assertEquals(201, answer.status(), answer.body().toString());
    return barcode;
  }

  private Answer renew(String barcode) {
    return api()
        .terminal(agency)
        .post(
            "/api/v1/renewals",
            "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcodes\":[\"%s\"]}"
                .formatted(card, barcode));
  }

  private Answer pay(String paymentId, int amount) {
    return api()
        .staff(agency)
        .post(
            "/api/v1/patrons/" + card + "/payments",
            "{\"paymentId\":\"%s\",\"amountDkk\":%d}".formatted(paymentId, amount));
  }

  private static JsonNode loan(JsonNode loans, String barcode) {
    for (JsonNode loan : loans) {
      if (loan.get("barcode").asText().equals(barcode)) {
        return loan;
      }
    }
    throw new AssertionError("no loan of " + barcode + " in " + loans);
  }

  private static LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneId.of("Europe/Copenhagen"));
  }

  private static void expect(Answer answer, int status, String code) {
    assertEquals(status, answer.status(), answer.body().toString());
    assertEquals(code, answer.code(), answer.body().toString());
    assertFalse(answer.body().path("detail").asText().isBlank());
  }
}
