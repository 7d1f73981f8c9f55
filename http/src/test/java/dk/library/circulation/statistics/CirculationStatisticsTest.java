package dk.library.circulation.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.KeyspaceScan;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * R42 over HTTP: loans, returns, renewals and holds are counted per agency, branch, material type
 * and day, served to operators and the agency's staff, kept across a restart; the statistics table
 * holds no card number, name or barcode.
 */
class CirculationStatisticsTest {

  final TestClock clock = new TestClock(Instant.parse("2026-03-02T09:00:00Z"));
  final String agency = Api.unique("DK-");
  final String card = Api.unique("C");
  final String other = Api.unique("C");
  final String book = Api.unique("X");
  final String film = Api.unique("X");

  private static long count(JsonNode statistics, String day, String kind, String type) {
    long total = 0;
    for (JsonNode c : statistics.path("counts")) {
      if (c.path("day").asText().equals(day)
          && c.path("kind").asText().equals(kind)
          && c.path("materialType").asText().equals(type)
          && c.path("branchId").asText().equals("main")) {
        total += c.path("count").asLong();
      }
    }
    return total;
  }

  private String period() {
    return "/api/v1/agencies/" + agency + "/statistics?from=2026-03-01&to=2026-03-31";
  }

  @Test
  void R42_transactionsAreCountedByAgencyBranchMaterialTypeAndDayWithNoPatronInTheStore() {
    Api api;
    try (CirculationServer server = TestServers.start(clock)) {
      api = new Api(server.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      Answer policy =
          api.put(
              "/api/v1/agencies/" + agency + "/policy",
              "{\"loanPeriodDays\":28,\"maxRenewals\":2,\"materialTypes\":{\"book\":{},\"dvd\":{}}}");
      assertEquals(200, policy.status(), policy.body().toString());
      assertEquals(201, api.registerPatron(card, agency).status());
      assertEquals(201, api.registerPatron(other, agency).status());
      assertEquals(201, api.registerItem(book, agency, "book").status());
      assertEquals(201, api.registerItem(film, agency, "dvd").status());
      assertEquals(201, api.checkout(Api.unique("t"), card, book, agency).status());
      assertEquals(201, api.checkout(Api.unique("t"), other, film, agency).status());
      Answer placed =
          api.staff(agency)
              .post(
                  "/api/v1/holds",
                  "{\"holdId\":\"%s\",\"cardNumber\":\"%s\",\"agencyId\":\"%s\",\"titleId\":\"T-%s\",\"pickupBranchId\":\"main\"}"
                      .formatted(Api.unique("h"), card, agency, film));
      assertEquals(201, placed.status(), placed.body().toString());
      clock.advance(Duration.ofDays(10));
      Answer renewed =
          api.terminal(agency)
              .post(
                  "/api/v1/renewals",
                  "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcodes\":[\"%s\"]}"
                      .formatted(card, book));
      assertEquals(200, renewed.status(), renewed.body().toString());
      assertEquals(200, api.returnItem(Api.unique("r"), book, agency, "main").status());

      JsonNode statistics = api.get(period()).body();
      assertEquals(1, count(statistics, "2026-03-02", "LOAN", "book"), statistics.toString());
      assertEquals(1, count(statistics, "2026-03-02", "LOAN", "dvd"));
      assertEquals(1, count(statistics, "2026-03-02", "HOLD", "any"));
      assertEquals(1, count(statistics, "2026-03-12", "RENEWAL", "book"));
      assertEquals(1, count(statistics, "2026-03-12", "RETURN", "book"));
      assertEquals(200, api.staff(agency).get(period()).status(), "the agency's own staff");

      String otherAgency = Api.unique("DK-");
      assertEquals(201, api.createAgency(otherAgency, 10, 2).status());
      Answer outside = api.staff(otherAgency).get(period());
      assertEquals(403, outside.status(), outside.body().toString());
      Answer backwards =
          api.get("/api/v1/agencies/" + agency + "/statistics?from=2026-03-31&to=2026-03-01");
      assertEquals(400, backwards.status(), backwards.body().toString());
      Answer tooLong =
          api.get("/api/v1/agencies/" + agency + "/statistics?from=2026-01-01&to=2027-06-01");
      assertEquals(400, tooLong.status(), tooLong.body().toString());
    }

    // Stopping the node wrote its counts: the new one serves them from the table alone.
    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      JsonNode statistics = api.at(server.port()).get(period()).body();
      assertEquals(1, count(statistics, "2026-03-12", "RETURN", "book"), statistics.toString());
      assertEquals(1, count(statistics, "2026-03-02", "LOAN", "dvd"));
      List<String> rows =
          scan.rows().stream()
              .filter(r -> r.startsWith("statistics") && r.contains(agency))
              .toList();
      assertEquals(5, rows.size(), rows.toString());
      for (String identifier : List.of(card, other, "Patron " + card, book, film)) {
        assertFalse(
            rows.stream().anyMatch(r -> r.contains(identifier)), identifier + " in " + rows);
      }
      assertTrue(rows.stream().allMatch(r -> r.contains("branch_id=main")), rows.toString());
    }
  }
}
