package dk.library.circulation.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After the due date over HTTP, with the real deadline keeper and Cassandra's deadline index: the
 * injected clock moves a loan from checkout through its due-soon reminder, three overdue notices,
 * loss and charge, the exclusion's warning and its taking effect, the staff lifting it, the lost
 * copy turning up, the other's claim handed to debt collection, exported and paid; the node
 * restarts between the stages and no notice is recorded twice.
 */
class AfterDueApiTest {

  static final String POLICY =
      """
{"loanPeriodDays":28,"maxLoans":10,"maxRenewals":2,
 "materialTypes":{"book":{"valueDkk":300,"adminFeeDkk":50}},
 "reminders":{"dueSoonDays":3,
              "overdueNotices":[{"afterDays":1,"feeDkk":20},{"afterDays":14,"feeDkk":40},
                                {"afterDays":28,"feeDkk":60}],
              "lostAfterDays":35,"debtCollectionAfterDays":70,"debtCollectionMinimumDkk":100},
 "exclusion":{"afterLostLoans":2}}
""";

  final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  final String agency = Api.unique("DK-");
  final String card = Api.unique("C");

  /** Moves the clock to {@code days} after the checkout day, 09:00 UTC. */
  private int day = 0;

  private void toDay(int days) {
    clock.advance(Duration.ofDays(days - day));
    day = days;
  }

  private static List<String> templates(Api staff, String card) {
    return staff.get("/api/v1/patrons/" + card + "/notices").body().findValuesAsText("templateKey");
  }

  private static long count(List<String> templates, String template) {
    return templates.stream().filter(template::equals).count();
  }

  private void awaitNotices(Api staff, String template, long expected) {
    Eventually.await(
        expected + " x " + template,
        Duration.ofSeconds(30),
        () -> count(templates(staff, card), template) >= expected);
    assertEquals(expected, count(templates(staff, card), template), template + " recorded once");
  }

  @Test
  void R30_R31_R33_R34_R35_R37_fromCheckoutThroughExclusionToDebtCollectionAndPayment() {
    Api api;
    String first = Api.unique("X");
    String second = Api.unique("X");
    try (CirculationServer server = TestServers.start(clock)) {
      api = new Api(server.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      Answer policy = api.put("/api/v1/agencies/" + agency + "/policy", POLICY);
      assertEquals(200, policy.status(), policy.body().toString());
      assertEquals(201, api.registerPatron(card, agency).status());
      for (String barcode : List.of(first, second)) {
        assertEquals(201, api.registerItem(barcode, agency).status());
      }
      assertEquals(201, api.checkout(Api.unique("t"), card, first, agency).status());
      assertEquals(201, api.checkout(Api.unique("t"), card, second, agency).status());
      // The patron records a loan in the checkout's last step, after the receipt went out.
      Api staff = api.staff(agency);
      Eventually.await(
          "both loans recorded",
          Duration.ofSeconds(20),
          () -> staff.get("/api/v1/patrons/" + card).body().path("loans").size() == 2);
      JsonNode loan = staff.get("/api/v1/patrons/" + card).body().path("loans").get(0);
      assertEquals(35, loan.path("terms").path("reminders").path("lostAfterDays").asInt());
      assertEquals(350, loan.path("terms").path("lostChargeDkk").asInt());

      toDay(25);
      awaitNotices(api.staff(agency), "loan-due-soon", 2);
    }

    try (CirculationServer server = TestServers.start(clock)) {
      Api staff = api.at(server.port()).staff(agency);
      toDay(29);
      awaitNotices(staff, "loan-overdue", 2);
      toDay(42);
      awaitNotices(staff, "loan-overdue", 4);
      toDay(56);
      awaitNotices(staff, "loan-overdue", 6);
      assertEquals(240, staff.get("/api/v1/patrons/" + card).body().path("balanceDkk").asInt());

      toDay(63);
      awaitNotices(staff, "loan-lost", 2);
      awaitNotices(staff, "exclusion-announced", 1);
      JsonNode patron = staff.get("/api/v1/patrons/" + card).body();
      assertEquals(240 + 700, patron.path("balanceDkk").asInt());
      assertTrue(patron.path("loans").get(0).has("lostAt"), patron.toString());
      assertEquals("2027-01-31", patron.path("exclusion").path("effectiveOn").asText());
      assertFalse(patron.path("exclusion").has("inForceSince"), "not before its date (R33)");
      Answer renewal =
          api.at(server.port())
              .terminal(agency)
              .post(
                  "/api/v1/renewals",
                  "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcodes\":[\"%s\"]}"
                      .formatted(card, first));
      assertEquals("FEES_OWED", renewal.code(), renewal.body().toString());
    }

    try (CirculationServer server = TestServers.start(clock)) {
      Api at = api.at(server.port());
      Api staff = at.staff(agency);
      toDay(70);
      awaitNotices(staff, "exclusion-in-force", 1);
      JsonNode patron = staff.get("/api/v1/patrons/" + card).body();
      assertTrue(
          patron.path("blocks").findValuesAsText("code").contains("PATRON_EXCLUDED"),
          patron.toString());

      Answer lifted = staff.delete("/api/v1/patrons/" + card + "/exclusion");
      assertEquals(200, lifted.status(), lifted.body().toString());
      assertFalse(lifted.body().has("exclusion"));

      Answer returned = at.returnItem(Api.unique("r"), first, agency, "main");
      assertEquals(200, returned.status(), returned.body().toString());
      Eventually.await(
          "the lost copy's charge is reversed (R37)",
          Duration.ofSeconds(20),
          () -> staff.get("/api/v1/patrons/" + card).body().path("balanceDkk").asInt() == 590);
      assertEquals(1, staff.get("/api/v1/patrons/" + card).body().path("loans").size());
      assertEquals(1, count(templates(staff, card), "exclusion-announced"));

      toDay(98);
      awaitNotices(staff, "claim-handed-over", 1);
      String ledger =
          "/api/v1/agencies/" + agency + "/debt-collection?from=2027-02-01&to=2027-03-31";
      JsonNode handed = staff.get(ledger).body().path("entries");
      assertEquals(1, handed.size(), handed.toString());
      assertEquals("HANDED_OVER", handed.get(0).path("kind").asText());
      assertEquals(590, handed.get(0).path("amountDkk").asInt());
      assertEquals(card, handed.get(0).path("cardNumber").asText());
      String third = Api.unique("X");
      assertEquals(201, at.registerItem(third, agency).status());
      assertEquals(
          "WITH_DEBT_COLLECTION", at.checkout(Api.unique("t"), card, third, agency).code());

      Answer paid =
          staff.post(
              "/api/v1/patrons/" + card + "/payments",
              "{\"paymentId\":\"desk-1\",\"amountDkk\":590}");
      assertEquals(200, paid.status(), paid.body().toString());
      JsonNode entries = staff.get(ledger).body().path("entries");
      assertEquals(List.of("HANDED_OVER", "PAID"), entries.findValuesAsText("kind"));
      assertEquals(590, entries.get(1).path("amountDkk").asInt());
      assertEquals(0, paid.body().path("blocks").size(), paid.body().toString());
      assertEquals(201, at.checkout(Api.unique("t"), card, third, agency).status());
    }
  }

  @Test
  void R30_R35_aScheduleOutOfOrderOrAnExportWithBadDatesIsRefusedNamingTheField() {
    try (CirculationServer server = TestServers.start(clock)) {
      Api api = new Api(server.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      Answer refused =
          api.put(
              "/api/v1/agencies/" + agency + "/policy",
              """
              {"loanPeriodDays":28,
               "reminders":{"overdueNotices":[{"afterDays":14},{"afterDays":7}],"lostAfterDays":5}}
              """);
      assertEquals(400, refused.status(), refused.body().toString());
      String problem = refused.body().toString();
      assertTrue(problem.contains("overdueNotices[1].afterDays"), problem);
      assertTrue(problem.contains("reminders.lostAfterDays"), problem);
      JsonNode current = api.get("/api/v1/agencies/" + agency + "/policy").body();
      assertFalse(current.path("policy").has("reminders"), current.toString());

      Answer badDates =
          api.staff(agency)
              .get("/api/v1/agencies/" + agency + "/debt-collection?from=soon&to=2026-11-01");
      assertEquals(400, badDates.status(), badDates.body().toString());
      assertEquals(List.of("from"), badDates.body().path("errors").findValuesAsText("field"));
      Answer backwards =
          api.staff(agency)
              .get("/api/v1/agencies/" + agency + "/debt-collection?from=2026-12-01&to=2026-11-01");
      assertEquals(List.of("to"), backwards.body().path("errors").findValuesAsText("field"));
    }
  }
}
