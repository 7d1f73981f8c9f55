package dk.library.circulation.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.KeyspaceScan;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * R40 for the records that name a patron by its own id, over HTTP with the real deadline keeper,
 * read back from Cassandra itself: an interlibrary request that ended, and an online payment the
 * patron began but never finished, are kept 30 days, then no table holds the title asked for or the
 * payment with the patron's card number or name, and the patron has forgotten the request's id. The
 * node restarts between the stages.
 */
class RequestAndSessionRetentionTest {

  final TestClock clock = new TestClock(Instant.parse("2026-11-25T09:00:00Z"));
  final String agency = Api.unique("DK-");
  final String lender = Api.unique("DK-");
  final String card = Api.unique("C");
  final String requestId = Api.unique("ill-");
  final String wanted = Api.unique("X");

  private int day = 0;

  private void toDay(int days) {
    clock.advance(Duration.ofDays(days - day));
    day = days;
  }

  private static boolean gone(KeyspaceScan scan, String subject, String card) {
    return scan.linking(subject, card, "Patron " + card).isEmpty();
  }

  @Test
  void R40_anEndedRequestAndAnUnfinishedPaymentAreErasedThirtyDaysOn() {
    Api api;
    String sessionId;
    try (CirculationServer server = TestServers.start(clock)) {
      api = new Api(server.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      assertEquals(201, api.createAgency(lender, 10, 2).status());
      assertEquals(201, api.registerPatron(card, agency).status());
      assertEquals(201, api.registerItem(wanted, lender).status());
      Api staff = api.staff(agency);
      Answer requested =
          staff.post(
              "/api/v1/interlibrary-requests",
              """
              {"requestId":"%s","cardNumber":"%s","agencyId":"%s","pickupBranchId":"main",
               "titleId":"T-%s","lenders":["%s"]}
              """
                  .formatted(requestId, card, agency, wanted, lender));
      assertEquals(201, requested.status(), requested.body().toString());
      Answer cancelled = staff.delete("/api/v1/interlibrary-requests/" + requestId);
      assertEquals(200, cancelled.status(), cancelled.body().toString());

      Answer fee =
          staff.post(
              "/api/v1/patrons/" + card + "/fees",
              "{\"feeId\":\"f1\",\"amountDkk\":20,\"reason\":\"lost case\",\"agencyId\":\"%s\"}"
                  .formatted(agency));
      assertEquals(200, fee.status(), fee.body().toString());
      Answer login =
          api.terminal(agency)
              .post(
                  "/api/v1/patron-sessions",
                  "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card));
      assertEquals(201, login.status(), login.body().toString());
      Answer opened =
          api.as(login.body().path("token").asText())
              .post("/api/v1/patrons/" + card + "/payment-sessions", "{}");
      assertEquals(201, opened.status(), opened.body().toString());
      sessionId = opened.body().path("sessionId").asText();
    }

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      toDay(29);
      assertFalse(gone(scan, wanted, card), "the ended request is kept on day 29 of 30");
      assertFalse(gone(scan, requestId, card), "the patron names the request on day 29 of 30");
      assertFalse(gone(scan, sessionId, card), "the unfinished payment is kept on day 29 of 30");
      toDay(30);
      Eventually.await(
          "the request and the payment session forgotten everywhere",
          Duration.ofSeconds(30),
          () ->
              gone(scan, wanted, card)
                  && gone(scan, sessionId, card)
                  && gone(scan, requestId, card));
      Api staff = api.at(server.port()).staff(agency);
      assertEquals(404, staff.get("/api/v1/interlibrary-requests/" + requestId).status());
      assertEquals(
          20, staff.get("/api/v1/patrons/" + card).body().path("balanceDkk").asInt(), "still owed");
    }
  }
}
