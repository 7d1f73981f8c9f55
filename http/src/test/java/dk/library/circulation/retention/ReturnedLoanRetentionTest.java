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
 * R40 over HTTP with the real deadline keeper, read back from Cassandra itself: a returned loan is
 * kept with the patron and the copy until its agency's window ends (30 days at one agency, 50 at
 * the other), then no table of the keyspace holds the copy together with its borrower's card
 * number, name or patron id. The node restarts between the stages; the patron and the copy go on
 * serving from the snapshots that replaced their erased events.
 */
class ReturnedLoanRetentionTest {

  final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  final String thirtyDays = Api.unique("DK-");
  final String fiftyDays = Api.unique("DK-");
  final String card30 = Api.unique("C");
  final String card50 = Api.unique("C");
  final String copy30 = Api.unique("X");
  final String copy50 = Api.unique("X");

  private int day = 0;

  /** Moves the clock to {@code days} after the return, an hour past the return's time of day. */
  private void toDay(int days) {
    clock.advance(Duration.ofDays(days - day).plusHours(day == 0 ? 1 : 0));
    day = days;
  }

  /** Rows of any table holding the copy with its borrower's card number or name. */
  private static List<String> linked(KeyspaceScan scan, String copy, String card) {
    return scan.linking(copy, card, "Patron " + card);
  }

  @Test
  void R40_aReturnedLoanIsForgottenByPatronAndCopyWhenItsAgencysWindowEnds() {
    Api api;
    try (CirculationServer server = TestServers.start(clock)) {
      api = new Api(server.port());
      assertEquals(201, api.createAgency(thirtyDays, 10, 2).status());
      assertEquals(201, api.createAgency(fiftyDays, 10, 2).status());
      Answer policy =
          api.put(
              "/api/v1/agencies/" + fiftyDays + "/policy",
              "{\"loanPeriodDays\":28,\"retention\":{\"returnedLoansDays\":50}}");
      assertEquals(200, policy.status(), policy.body().toString());
      assertEquals(
          30,
          api.get("/api/v1/agencies/" + thirtyDays + "/policy")
              .body()
              .path("policy")
              .path("retention")
              .path("returnedLoansDays")
              .asInt(),
          "the default window");
      lendAndReturn(api, thirtyDays, card30, copy30);
      lendAndReturn(api, fiftyDays, card50, copy50);
    }

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      Api staff = api.at(server.port()).staff(thirtyDays);
      toDay(29);
      // The keeper has nothing due yet: both loans are still on record, with and at the copy.
      assertFalse(linked(scan, copy30, card30).isEmpty(), "kept on day 29 of 30");
      assertFalse(linked(scan, copy50, card50).isEmpty(), "kept on day 29 of 50");

      toDay(30);
      Eventually.await(
          "the 30-day loan forgotten everywhere",
          Duration.ofSeconds(30),
          () -> linked(scan, copy30, card30).isEmpty());
      assertFalse(linked(scan, copy50, card50).isEmpty(), "the 50-day loan is kept on day 30");
      JsonNode patron = staff.get("/api/v1/patrons/" + card30).body();
      assertEquals(card30, patron.path("cardNumber").asText(), patron.toString());
      assertEquals(0, patron.path("loans").size());
      Answer item = staff.get("/api/v1/items/" + copy30);
      assertEquals(200, item.status(), item.body().toString());
      assertTrue(item.body().path("loan").isMissingNode() || item.body().path("loan").isNull());
      assertEquals(
          1, item.body().path("timesLent").asInt(), "who borrowed it goes, not that it was lent");
    }

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      Api at = api.at(server.port());
      toDay(49);
      assertFalse(linked(scan, copy50, card50).isEmpty(), "kept on day 49 of 50");
      toDay(50);
      Eventually.await(
          "the 50-day loan forgotten everywhere",
          Duration.ofSeconds(30),
          () -> linked(scan, copy50, card50).isEmpty());
      // Patron and copy woke from the snapshots that replaced their erased events: both serve.
      Answer again = at.checkout(Api.unique("t"), card30, copy30, thirtyDays);
      assertEquals(201, again.status(), again.body().toString());
      Answer back = at.returnItem(Api.unique("r"), copy30, thirtyDays, "main");
      assertEquals(200, back.status(), back.body().toString());
    }
  }

  private static void lendAndReturn(Api api, String agency, String card, String copy) {
    assertEquals(201, api.registerPatron(card, agency).status());
    assertEquals(201, api.registerItem(copy, agency).status());
    Answer lent = api.checkout(Api.unique("t"), card, copy, agency);
    assertEquals(201, lent.status(), lent.body().toString());
    Answer returned = api.returnItem(Api.unique("r"), copy, agency, "main");
    assertEquals(200, returned.status(), returned.body().toString());
    Api staff = api.staff(agency);
    Eventually.await(
        "the return recorded by the patron",
        Duration.ofSeconds(20),
        () -> staff.get("/api/v1/patrons/" + card).body().path("loans").isEmpty());
  }
}
