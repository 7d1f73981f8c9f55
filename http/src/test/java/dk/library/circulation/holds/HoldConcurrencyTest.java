package dk.library.circulation.holds;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Many patrons place and cancel holds while copies are returned and checked out, with the whole
 * node replaced mid-run. Throughout: no copy is held for two holds, no copy held for a patron is
 * lent to anyone else (another patron tries every held copy), no hold waits behind a later one that
 * got a copy; at the end every acknowledged hold is accounted for. (A copy between its return and
 * its offer to the next hold is on the shelf, where a walk-in patron may take it; the next copy
 * returned then goes to the hold.)
 */
class HoldConcurrencyTest {

  static final int COPIES = 3;
  static final int PATRONS = 16;
  static final Duration WITHIN = Duration.ofSeconds(30);

  final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  final Map<String, String> holdOf = new HashMap<>();
  final Set<String> cancelled = new HashSet<>();
  String agency;
  String title;
  List<String> copies = new ArrayList<>();
  List<String> patrons = new ArrayList<>();

  @Test
  void R25_R26_R28_holdsStayConsistentUnderConcurrentUseAndAcrossARestart() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Api api;
    try (CirculationServer first = TestServers.start(clock)) {
      api = new Api(first.port());
      setUp(api);
      AtomicBoolean running = new AtomicBoolean(true);
      Future<?> watcher = pool.submit(() -> watch(api, running));
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < PATRONS; i++) {
        String patron = patrons.get(i);
        String holdId = "hold-" + i;
        holdOf.put(patron, holdId);
        boolean cancels = i % 4 == 3;
        if (cancels) {
          cancelled.add(holdId);
        }
        work.add(
            pool.submit(
                () -> {
                  Answer placed = placeHold(api, holdId, patron);
                  check(placed.status() == 201, "hold placed: " + placed.body());
                  if (cancels) {
                    Answer gone = cancel(api, holdId);
                    check(gone.status() == 200, "hold cancelled: " + gone.body());
                  }
                }));
      }
      // The copies come back while holds are being placed and cancelled.
      for (String copy : copies) {
        work.add(
            pool.submit(
                () ->
                    check(
                        api.returnItem(Api.unique("r"), copy, agency, "main").status() == 200,
                        "copy returned")));
      }
      for (Future<?> f : work) {
        f.get(60, TimeUnit.SECONDS);
      }
      running.set(false);
      watcher.get(60, TimeUnit.SECONDS);
    }

    try (CirculationServer second = TestServers.start(clock)) {
      Api after = api.at(second.port());
      AtomicBoolean running = new AtomicBoolean(true);
      Future<?> watcher = pool.submit(() -> watch(after, running));
      int collected = 0;
      while (collected < PATRONS - cancelled.size()) {
        Eventually.await(
            "a copy is ready for the next holder", WITHIN, () -> !ready(after).isEmpty());
        // Every copy ready now is tried by another patron, all at once, while it is held...
        List<JsonNode> readyNow = ready(after);
        List<Future<?>> intruders = new ArrayList<>();
        for (JsonNode hold : readyNow) {
          String holder = holderOf(hold.get("holdId").asText());
          String copy = hold.get("barcode").asText();
          String intruder = patrons.get((patrons.indexOf(holder) + 1) % PATRONS);
          intruders.add(
              pool.submit(
                  () -> {
                    Answer stolen = after.checkout(Api.unique("t"), intruder, copy, agency);
                    check(
                        stolen.status() != 201, intruder + " took " + copy + " held for " + holder);
                  }));
        }
        for (Future<?> f : intruders) {
          f.get(60, TimeUnit.SECONDS);
        }
        // ...then the holders borrow and return them, all at once.
        List<Future<?>> holders = new ArrayList<>();
        for (JsonNode hold : readyNow) {
          String holder = holderOf(hold.get("holdId").asText());
          String copy = hold.get("barcode").asText();
          holders.add(
              pool.submit(
                  () -> {
                    Answer lent = after.checkout(Api.unique("t"), holder, copy, agency);
                    check(lent.status() == 201, "holder borrows: " + lent.body());
                    check(
                        after.returnItem(Api.unique("r"), copy, agency, "main").status() == 200,
                        "holder returns");
                  }));
          collected++;
        }
        for (Future<?> f : holders) {
          f.get(60, TimeUnit.SECONDS);
        }
      }
      running.set(false);
      watcher.get(60, TimeUnit.SECONDS);

      for (int i = 0; i < PATRONS; i++) {
        String holdId = "hold-" + i;
        JsonNode hold =
            after
                .staff(agency)
                .get("/api/v1/agencies/" + agency + "/titles/" + title + "/holds/" + holdId)
                .body();
        String expected = cancelled.contains(holdId) ? "CANCELLED" : "COLLECTED";
        Eventually.await(
            holdId + " ends " + expected,
            WITHIN,
            () ->
                expected.equals(
                    after
                        .staff(agency)
                        .get("/api/v1/agencies/" + agency + "/titles/" + title + "/holds/" + holdId)
                        .body()
                        .path("outcome")
                        .asText()));
        assertTrue(hold.has("holdId"), holdId + " is known after the restart");
      }
      for (String copy : copies) {
        JsonNode item = after.staff(agency).get("/api/v1/items/" + copy).body();
        assertTrue(!item.hasNonNull("heldFor"), copy + " is held for nobody at the end: " + item);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(violations.isEmpty(), String.join("\n", violations));
  }

  private void setUp(Api api) {
    agency = Api.unique("DK-");
    assertEquals(201, api.createAgency(agency, 10, 2).status());
    title = Api.unique("T");
    String lender = Api.unique("C");
    assertEquals(201, api.registerPatron(lender, agency).status());
    for (int i = 0; i < COPIES; i++) {
      String barcode = Api.unique("B");
      Answer registered =
          api.staff(agency)
              .post(
                  "/api/v1/items",
                  """
                  {"barcode":"%s","titleId":"%s","title":"Popular","agencyId":"%s",
                   "materialType":"book","branchId":"main"}
                  """
                      .formatted(barcode, title, agency));
      assertEquals(201, registered.status());
      copies.add(barcode);
      assertEquals(201, api.checkout(Api.unique("t"), lender, barcode, agency).status());
    }
    for (int i = 0; i < PATRONS; i++) {
      String card = Api.unique("C");
      assertEquals(201, api.registerPatron(card, agency).status());
      patrons.add(card);
    }
  }

  private Answer placeHold(Api api, String holdId, String card) {
    return api.staff(agency)
        .post(
            "/api/v1/holds",
            """
{"holdId":"%s","cardNumber":"%s","agencyId":"%s","titleId":"%s","pickupBranchId":"main"}
"""
                .formatted(holdId, card, agency, title));
  }

  private Answer cancel(Api api, String holdId) {
    return api.staff(agency)
        .delete("/api/v1/agencies/" + agency + "/titles/" + title + "/holds/" + holdId);
  }

  private List<JsonNode> ready(Api api) {
    List<JsonNode> ready = new ArrayList<>();
    for (JsonNode hold : queue(api).get("holds")) {
      if (hold.get("status").asText().equals("READY")) {
        ready.add(hold);
      }
    }
    return ready;
  }

  private JsonNode queue(Api api) {
    return api.staff(agency)
        .get("/api/v1/agencies/" + agency + "/titles/" + title + "/holds")
        .body();
  }

  private String holderOf(String holdId) {
    return holdOf.entrySet().stream()
        .filter(e -> e.getValue().equals(holdId))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  /**
   * Reads the queue over and over: no copy appears under two holds, and no hold waits ahead of a
   * hold that has a copy (queue order).
   */
  private void watch(Api api, AtomicBoolean running) {
    do {
      JsonNode holds = queue(api).get("holds");
      Set<String> held = new HashSet<>();
      boolean waitingSeen = false;
      for (JsonNode hold : holds) {
        String status = hold.get("status").asText();
        if (status.equals("WAITING")) {
          waitingSeen = true;
          continue;
        }
        String copy = hold.get("barcode").asText();
        check(held.add(copy), copy + " held for two holds: " + holds);
        check(
            !waitingSeen || status.equals("OFFERED"),
            "a hold got a copy while an earlier one waits: " + holds);
      }
    } while (running.get());
  }

  private void check(boolean ok, String violation) {
    if (!ok) {
      violations.add(violation);
    }
  }
}
