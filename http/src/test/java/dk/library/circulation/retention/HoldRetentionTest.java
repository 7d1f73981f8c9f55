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
 * R40 for a loan that began as a hold, over HTTP with the real deadline keeper, read back from
 * Cassandra itself: the title remembers the collected hold (whose it was, which copy) only as long
 * as the patron keeps the returned loan; on the day the window ends neither the title, the copy nor
 * the patron holds the copy together with the patron's card number or name. The node restarts
 * between the stages.
 */
class HoldRetentionTest {

  final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  final String agency = Api.unique("DK-");
  final String card = Api.unique("C");
  final String copy = Api.unique("X");
  final String holdId = Api.unique("h");

  private int day = 0;

  private void toDay(int days) {
    clock.advance(Duration.ofDays(days - day));
    day = days;
  }

  private String holdPath() {
    return "/api/v1/agencies/" + agency + "/titles/T-" + copy + "/holds/" + holdId;
  }

  @Test
  void R40_aCollectedHoldIsForgottenByTheTitleWhenTheReturnedLoansWindowEnds() {
    Api api;
    try (CirculationServer server = TestServers.start(clock)) {
      api = new Api(server.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      Api staff = api.staff(agency);
      assertEquals(201, api.registerPatron(card, agency).status());
      assertEquals(201, api.registerItem(copy, agency).status());
      String other = Api.unique("C");
      assertEquals(201, api.registerPatron(other, agency).status());
      assertEquals(201, api.checkout(Api.unique("t"), other, copy, agency).status());
      Answer placed =
          staff.post(
              "/api/v1/holds",
              """
{"holdId":"%s","cardNumber":"%s","agencyId":"%s","titleId":"T-%s","pickupBranchId":"main"}
"""
                  .formatted(holdId, card, agency, copy));
      assertEquals(201, placed.status(), placed.body().toString());
      assertEquals(200, api.returnItem(Api.unique("r"), copy, agency, "main").status());
      Eventually.await(
          "the returned copy is ready for the patron",
          Duration.ofSeconds(20),
          () -> "READY".equals(staff.get(holdPath()).body().path("status").asText()));
      Answer lent = api.checkout(Api.unique("t"), card, copy, agency);
      assertEquals(201, lent.status(), lent.body().toString());
      Eventually.await(
          "the hold collected",
          Duration.ofSeconds(20),
          () -> "COLLECTED".equals(staff.get(holdPath()).body().path("outcome").asText()));
      Answer returned = api.returnItem(Api.unique("r"), copy, agency, "main");
      assertEquals(200, returned.status(), returned.body().toString());
      Eventually.await(
          "the return and the hold's end recorded by the patron",
          Duration.ofSeconds(20),
          () -> {
            var patron = staff.get("/api/v1/patrons/" + card).body();
            return patron.path("loans").isEmpty() && patron.path("holds").isEmpty();
          });
    }

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      Api staff = api.at(server.port()).staff(agency);
      toDay(29);
      assertFalse(
          scan.linking(holdId, card, "Patron " + card).isEmpty(),
          "the title keeps the ended hold on day 29 of 30");
      toDay(30);
      Eventually.await(
          "the hold and the loan forgotten everywhere",
          Duration.ofSeconds(30),
          () ->
              scan.linking(holdId, card, "Patron " + card).isEmpty()
                  && scan.linking(copy, card, "Patron " + card).isEmpty());
      assertEquals(404, staff.get(holdPath()).status(), "the title no longer knows the hold");
      Answer again = api.at(server.port()).checkout(Api.unique("t"), card, copy, agency);
      assertEquals(201, again.status(), "patron, copy and title serve on: " + again.body());
    }
  }
}
