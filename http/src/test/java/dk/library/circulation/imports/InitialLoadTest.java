package dk.library.circulation.imports;

import static dk.library.circulation.imports.ImportApiTest.importLines;
import static dk.library.circulation.imports.ImportApiTest.last;
import static dk.library.circulation.imports.ImportApiTest.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.patron.Patron;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.KeyspaceScan;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An initial load: a server in initial-load mode writes the imported records straight into the
 * journals of entities that do not run; a server in serving mode then recovers them as their own.
 */
class InitialLoadTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));

  @Test
  void
      R12_R38_aLoadWritesWhatTheEntitiesThenServe_takenNumbersAreRefused_andASecondRunChangesNothing() {
    String agency = Api.unique("DK-");
    String takenBarcode = Api.unique("B");
    String takenCard = Api.unique("C");
    Api api;
    // Registered while serving, before the load: the load must see them as their entities would.
    try (CirculationServer serving = TestServers.start(clock)) {
      api = new Api(serving.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      assertEquals(201, api.registerItem(takenBarcode, agency).status());
      assertEquals(201, api.registerPatron(takenCard, agency).status());
    }
    List<String> cards = new ArrayList<>();
    List<String> barcodes = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      cards.add(Api.unique("C"));
      lines.add(patronLine(cards.get(i), agency));
    }
    for (int i = 0; i < 30; i++) {
      barcodes.add(Api.unique("B"));
      lines.add(itemLine(barcodes.get(i), "T-" + (i % 6), agency));
    }
    // The same copy as registered before: harmless; the same barcode for another title: refused.
    lines.add(itemLine(takenBarcode, "T-" + takenBarcode, agency));
    lines.add(itemLine(takenBarcode, "T-other", agency));
    // The same card number twice in one file: the second is the existing patron.
    lines.add(patronLine(cards.get(3), agency));
    lines.add(patronLine(takenCard, agency));
    lines.add(patronLine(Api.unique("C"), Api.unique("DK-")));
    // R14: a CPR given beside the card finds the same patron, as through the entities.
    String withCpr = Api.unique("C");
    String cpr = String.valueOf(1_000_000_000L + Math.floorMod(System.nanoTime(), 8_999_999_999L));
    lines.add(
        patronLine(withCpr, agency).replace("{\"type\"", "{\"cpr\":\"" + cpr + "\",\"type\""));

    try (CirculationServer loading = TestServers.startInitialLoad(clock)) {
      api = api.at(loading.port());
      List<JsonNode> first = importLines(api.staff(agency), lines.toArray(String[]::new));
      JsonNode done = last(first).get("done");
      assertEquals(42, done.get("imported").asInt(), first.toString());
      assertEquals(2, done.get("existing").asInt(), first.toString());
      assertEquals(2, done.get("failed").asInt(), first.toString());
      assertEquals(
          List.of("ITEM_ALREADY_REGISTERED", "OUTSIDE_AGENCY_SCOPE"),
          problems(first).stream().map(p -> p.at("/problem/code").asText()).sorted().toList());

      List<JsonNode> second = importLines(api.staff(agency), lines.toArray(String[]::new));
      JsonNode again = last(second).get("done");
      assertEquals(31, again.get("imported").asInt(), "the items again, unchanged: " + second);
      assertEquals(13, again.get("existing").asInt(), "every patron now exists: " + second);
      assertEquals(2, again.get("failed").asInt(), second.toString());

      String scrape = api.text("/metrics");
      assertTrue(
          scrape.contains(
              "circulation_initial_load_events_total{entity=\"Item\",event=\"ItemRegistered\"}"),
          "the events a load writes are counted");
      Api.Answer refused = api.staff(agency).get("/api/v1/items/" + barcodes.get(0));
      assertEquals(503, refused.status());
      assertEquals("INITIAL_LOAD_UNDER_WAY", refused.code());
    }

    try (CirculationServer serving = TestServers.start(clock)) {
      api = api.at(serving.port());
      JsonNode item = api.staff(agency).get("/api/v1/items/" + barcodes.get(7)).body();
      assertEquals("T-1", item.at("/item/titleId").asText(), item.toString());
      for (int t = 0; t < 6; t++) {
        List<String> expected = new ArrayList<>();
        for (int i = t; i < 30; i += 6) {
          expected.add(barcodes.get(i));
        }
        assertEquals(
            expected.stream().sorted().toList(),
            ImportApiTest.copiesOnRecord(api, agency, t),
            "title T-" + t + " lists each of its copies once, after two runs");
      }
      try (KeyspaceScan scan = new KeyspaceScan()) {
        String idle = "target=" + Patron.deadlineTarget(cards.get(5)) + ",";
        assertTrue(
            scan.rows().stream().anyMatch(r -> r.startsWith("deadlines:") && r.contains(idle)),
            "R38: a loaded patron who never acts has the idle account's notice indexed");
      }
      assertEquals(
          201, api.checkout(Api.unique("t"), cards.get(3), barcodes.get(12), agency).status());
      Api.Answer byCpr = api.checkout(Api.unique("t"), cpr, barcodes.get(13), agency);
      assertEquals(201, byCpr.status(), byCpr.body().toString());
      assertEquals(
          1,
          api.staff(agency).get("/api/v1/patrons/" + withCpr).body().get("loans").size(),
          "the loan by CPR is the card holder's");
      assertEquals(
          "WRONG_PIN",
          api.terminal(agency)
              .post(
                  "/api/v1/patron-status",
                  "{\"cardNumber\":\"%s\",\"pin\":\"9999\"}".formatted(cards.get(4)))
              .code());
      assertEquals(
          "T-" + takenBarcode,
          api.staff(agency)
              .get("/api/v1/items/" + takenBarcode)
              .body()
              .at("/item/titleId")
              .asText());
    }
  }

  @Test
  void aLoadRunsOnlyWhenNoOtherServerDoes_andNoServerServesWhileItRuns() {
    try (CirculationServer serving = TestServers.start(clock)) {
      IllegalStateException refused =
          assertThrows(
              IllegalStateException.class,
              () -> TestServers.start("initial-load", Duration.ofSeconds(1), clock));
      assertTrue(refused.getMessage().contains("must be the only server"), refused.getMessage());
      // The serving server is unharmed by the load that stepped back.
      assertEquals(200, new Api(serving.port()).get("/health").status());
    }
    try (CirculationServer loading = TestServers.startInitialLoad(clock)) {
      IllegalStateException refused =
          assertThrows(
              IllegalStateException.class,
              () -> TestServers.start("serving", Duration.ofSeconds(1), clock));
      assertTrue(refused.getMessage().contains("while an initial load runs"), refused.getMessage());
    }
    // Each stopped server took its entry with it: the next one starts at once.
    try (CirculationServer serving = TestServers.start("serving", Duration.ZERO, clock)) {
      assertEquals(200, new Api(serving.port()).get("/health").status());
    }
  }

  private static String patronLine(String card, String agency) {
    return "{\"type\":\"patron\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"Loaded %s\",\"homeAgencyId\":\"%s\"}"
        .formatted(card, card, agency);
  }

  private static String itemLine(String barcode, String titleId, String agency) {
    return "{\"type\":\"item\",\"barcode\":\"%s\",\"titleId\":\"%s\",\"title\":\"Title %s\",\"agencyId\":\"%s\",\"materialType\":\"book\"}"
        .formatted(barcode, titleId, barcode, agency);
  }
}
