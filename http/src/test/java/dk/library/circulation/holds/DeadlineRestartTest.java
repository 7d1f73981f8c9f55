package dk.library.circulation.holds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The durable deadline mechanism: a pickup deadline that passes while no node is running falls due
 * when the next node starts, with nothing else touching the title.
 */
class DeadlineRestartTest {

  @Test
  void R26_aPickupDeadlineThatPassedWhileTheNodeWasStoppedFallsDueAfterTheRestart() {
    TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
    String agency = Api.unique("DK-");
    String title = Api.unique("T");
    String holdPath;
    String card = Api.unique("C");
    Api api;
    try (CirculationServer first = TestServers.start(clock)) {
      api = new Api(first.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      assertEquals(201, api.registerPatron(card, agency).status());
      Answer copy =
          api.staff(agency)
              .post(
                  "/api/v1/items",
                  """
                  {"barcode":"%s","titleId":"%s","title":"Kept","agencyId":"%s",
                   "materialType":"book","branchId":"main"}
                  """
                      .formatted(Api.unique("B"), title, agency));
      assertEquals(201, copy.status());
      Answer placed =
          api.staff(agency)
              .post(
                  "/api/v1/holds",
                  """
{"holdId":"h1","cardNumber":"%s","agencyId":"%s","titleId":"%s","pickupBranchId":"main"}
"""
                      .formatted(card, agency, title));
      assertEquals(201, placed.status(), placed.body().toString());
      holdPath = "/api/v1/agencies/" + agency + "/titles/" + title + "/holds/h1";
      Api staff = api.staff(agency);
      Eventually.await(
          "the copy on the shelf is held for the hold",
          Duration.ofSeconds(20),
          () -> "READY".equals(staff.get(holdPath).body().path("status").asText()));
    }

    clock.advance(Duration.ofDays(7).plusHours(1));

    try (CirculationServer second = TestServers.start(clock)) {
      Api staff = api.at(second.port()).staff(agency);
      // Only the patron is asked while waiting: the title is woken by the deadline keeper alone.
      Eventually.await(
          "the deadline falls due on the new node and the patron is told",
          Duration.ofSeconds(30),
          () ->
              staff
                  .get("/api/v1/patrons/" + card + "/notices")
                  .body()
                  .findValuesAsText("templateKey")
                  .contains("hold-expired"));
      assertEquals("EXPIRED", staff.get(holdPath).body().path("outcome").asText());
    }
  }
}
