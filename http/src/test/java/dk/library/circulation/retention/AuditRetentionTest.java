package dk.library.circulation.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * R40 for the audit trail, over HTTP with the real deadline keeper, read back from Cassandra
 * itself: a day's staff actions (masked: a card's last four digits) are kept 180 days after the day
 * and then erased whole, journal and snapshots. The node restarts between the stages.
 */
class AuditRetentionTest {

  /** A day no other test's clock starts on: the day's whole trail is erased. */
  final TestClock clock = new TestClock(Instant.parse("2026-01-05T09:00:00Z"));

  final String agency = Api.unique("DK-");
  final String card = Api.unique("C");

  private int day = 0;

  private void toDay(int days) {
    clock.advance(Duration.ofDays(days - day));
    day = days;
  }

  private static boolean stored(KeyspaceScan scan) {
    return scan.rows().stream().anyMatch(row -> row.contains("AuditTrail|2026-01-05"));
  }

  @Test
  void R40_aDaysAuditTrailIsErasedWholeOnTheHundredAndEightyFirstDay() {
    Api api;
    try (CirculationServer server = TestServers.start(clock)) {
      api = new Api(server.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      assertEquals(201, api.registerPatron(card, agency).status());
    }
    String masked = "*".repeat(card.length() - 4) + card.substring(card.length() - 4);

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      Api operator = api.at(server.port());
      toDay(180);
      Answer kept = operator.get("/api/v1/audit/2026-01-05");
      assertEquals(200, kept.status(), kept.body().toString());
      assertTrue(kept.body().toString().contains("patron " + masked), kept.body().toString());
      assertFalse(kept.body().toString().contains(card), "masked all along");
      assertTrue(stored(scan), "the trail is in the journal on day 180");

      toDay(181);
      Eventually.await("the day's trail erased", Duration.ofSeconds(30), () -> !stored(scan));
      Answer gone = operator.get("/api/v1/audit/2026-01-05");
      assertEquals(200, gone.status(), gone.body().toString());
      assertEquals(0, gone.body().get("records").size(), gone.body().toString());
      Answer today = operator.get("/api/v1/audit/2026-07-05");
      assertEquals(200, today.status(), "the trail goes on: " + today.body());
    }
  }
}
