package dk.library.circulation.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.KeyspaceScan;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * R40 for money, over HTTP with the real deadline keeper, read back from Cassandra itself: a paid
 * fee is kept 30 days after the balance it was part of was settled, then no table holds it with the
 * patron's card number or name; payments and the claim handed to debt collection (the collection's
 * own rows included) are kept until the agency's number of years after the end of the financial
 * year in which they were settled. The node restarts between the stages.
 */
class PaidFeeRetentionTest {

  static final String POLICY =
      """
      {"loanPeriodDays":14,
       "materialTypes":{"book":{"valueDkk":100,"adminFeeDkk":25}},
       "reminders":{"overdueNotices":[{"afterDays":1,"feeDkk":20}],
                    "debtCollectionAfterDays":2,"debtCollectionMinimumDkk":1},
       "retention":{"paymentRecordYears":1}}
      """;

  final TestClock clock = new TestClock(Instant.parse("2026-12-01T09:00:00Z"));
  final String agency = Api.unique("DK-");
  final String card = Api.unique("C");
  final String copy = Api.unique("X");
  final String checkout = Api.unique("t");
  final String feeReason = "Replacement card " + Api.unique("r");
  final String feePayment = Api.unique("pay-");
  final String claimPayment = Api.unique("pay-");

  private int day = 0;

  private void toDay(int days) {
    clock.advance(Duration.ofDays(days - day));
    day = days;
  }

  private List<String> linked(KeyspaceScan scan, String subject) {
    return scan.linking(subject, card, "Patron " + card);
  }

  private List<String> collectionRows(KeyspaceScan scan) {
    return scan.rows().stream()
        .filter(row -> row.startsWith("debt_collection:"))
        .filter(row -> row.contains(card))
        .toList();
  }

  @Test
  void R40_aPaidFeeGoesAfterThirtyDaysPaymentsAndClaimsAfterTheFinancialYearAndTheirYears() {
    Api api;
    try (CirculationServer server = TestServers.start(clock)) {
      api = new Api(server.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      Answer policy = api.put("/api/v1/agencies/" + agency + "/policy", POLICY);
      assertEquals(200, policy.status(), policy.body().toString());
      JsonNode retention =
          api.get("/api/v1/agencies/" + agency + "/policy").body().path("policy").path("retention");
      assertEquals(30, retention.path("paidFeesDays").asInt(), retention.toString());
      assertEquals(365, retention.path("paidCompensationDays").asInt(), retention.toString());
      assertEquals(1, retention.path("paymentRecordYears").asInt(), retention.toString());

      assertEquals(201, api.registerPatron(card, agency).status());
      assertEquals(201, api.registerItem(copy, agency).status());
      Answer lent = api.checkout(checkout, card, copy, agency);
      assertEquals(201, lent.status(), lent.body().toString());
      Api staff = api.staff(agency);
      Answer charged =
          staff.post(
              "/api/v1/patrons/" + card + "/fees",
              "{\"feeId\":\"%s\",\"amountDkk\":35,\"reason\":\"%s\",\"agencyId\":\"%s\"}"
                  .formatted(Api.unique("fee-"), feeReason, agency));
      assertEquals(200, charged.status(), charged.body().toString());
      assertEquals(200, pay(staff, feePayment, 35).status());
    }

    try (CirculationServer server = TestServers.start(clock)) {
      Api at = api.at(server.port());
      Api staff = at.staff(agency);
      toDay(15);
      Eventually.await(
          "the overdue notice sent",
          Duration.ofSeconds(30),
          () ->
              staff
                  .get("/api/v1/patrons/" + card + "/notices")
                  .body()
                  .toString()
                  .contains("sentAt"));
      toDay(16);
      Eventually.await(
          "the overdue fee handed to debt collection",
          Duration.ofSeconds(30),
          () -> staff.get("/api/v1/patrons/" + card).body().path("claims").size() == 1);
      Answer damaged =
          staff.post(
              "/api/v1/patrons/" + card + "/lost-items",
              "{\"barcode\":\"%s\",\"condition\":\"damaged\"}".formatted(copy));
      assertEquals(200, damaged.status(), damaged.body().toString());
      Answer returned = at.returnItem(Api.unique("r"), copy, agency, "main");
      assertEquals(200, returned.status(), returned.body().toString());
      int owed = staff.get("/api/v1/patrons/" + card).body().path("balanceDkk").asInt();
      assertEquals(20 + 125, owed, "the overdue fee and the damaged copy's compensation");
      Answer paid = pay(staff, claimPayment, owed);
      assertEquals(200, paid.status(), paid.body().toString());
      assertEquals(0, paid.body().path("balanceDkk").asInt());
    }

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      toDay(29);
      assertFalse(linked(scan, feeReason).isEmpty(), "the paid fee is kept on day 29 of 30");
      toDay(30);
      Eventually.await(
          "the paid fee forgotten everywhere",
          Duration.ofSeconds(30),
          () -> linked(scan, feeReason).isEmpty());
      assertFalse(linked(scan, feePayment).isEmpty(), "its payment is an accounting record");
      JsonNode patron = api.at(server.port()).staff(agency).get("/api/v1/patrons/" + card).body();
      assertEquals(0, patron.path("balanceDkk").asInt(), patron.toString());
      assertEquals(2, patron.path("fees").size(), "the fees settled later are kept");

      // The overdue notice was sent on day 15, on its own: nothing else of it ends on day 45.
      toDay(44);
      assertFalse(linked(scan, "loan-overdue").isEmpty(), "the sent notice is kept on day 29");
      toDay(45);
      Eventually.await(
          "the sent notice forgotten everywhere",
          Duration.ofSeconds(30),
          () -> linked(scan, "loan-overdue").isEmpty());
    }

    String compensation = "damaged-" + checkout;
    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      // The compensation was settled on day 16 (2026-12-17): it is kept 365 days.
      clock.advance(Duration.between(clock.instant(), Instant.parse("2027-12-16T09:00:00Z")));
      assertFalse(linked(scan, compensation).isEmpty(), "paid compensation is kept a year");
      clock.advance(Duration.ofDays(1));
      Eventually.await(
          "the paid compensation forgotten everywhere",
          Duration.ofSeconds(60),
          () -> linked(scan, compensation).isEmpty());
    }

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      // Settled in 2026: the financial year ended with 2026, one year more is 2027.
      clock.advance(Duration.between(clock.instant(), Instant.parse("2027-12-31T09:00:00Z")));
      assertFalse(linked(scan, claimPayment).isEmpty(), "kept on the last day of 2027");
      assertFalse(collectionRows(scan).isEmpty(), "the collection's rows too");
      clock.advance(Duration.ofDays(1));
      Eventually.await(
          "the payments and the claim forgotten everywhere",
          Duration.ofSeconds(60),
          () ->
              linked(scan, claimPayment).isEmpty()
                  && linked(scan, feePayment).isEmpty()
                  && collectionRows(scan).isEmpty());
      JsonNode patron = api.at(server.port()).staff(agency).get("/api/v1/patrons/" + card).body();
      assertEquals(0, patron.path("balanceDkk").asInt(), patron.toString());
      assertTrue(patron.path("fees").isEmpty(), patron.toString());
      assertTrue(patron.path("claims").isEmpty(), patron.toString());
    }
  }

  private Answer pay(Api staff, String paymentId, int amount) {
    return staff.post(
        "/api/v1/patrons/" + card + "/payments",
        "{\"paymentId\":\"%s\",\"amountDkk\":%d}".formatted(paymentId, amount));
  }
}
