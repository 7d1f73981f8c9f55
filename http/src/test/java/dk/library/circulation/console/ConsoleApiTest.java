package dk.library.circulation.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator console's data over HTTP: figures, cluster, runs and their signed report links. */
class ConsoleApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-28T10:00:00Z"));
  static final Duration WITHIN = Duration.ofSeconds(20);
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  @Test
  void theFiguresFollowCheckoutsRefusalsAndWakes() {
    long since = System.currentTimeMillis();
    threeCheckoutsAndARefusal(api());

    AtomicReference<JsonNode> samples = new AtomicReference<>();
    Eventually.await(
        "a sample with the checkouts, their latency and the refusal",
        WITHIN,
        () -> {
          samples.set(api().get("/api/v1/console/metrics?since=" + since).body().get("samples"));
          double checkouts = 0;
          double refused = 0;
          boolean latency = false;
          for (JsonNode sample : samples.get()) {
            checkouts += sample.path("transactions").path("checkout").asDouble();
            refused += sample.path("refusals").path("ITEM_NOT_FOUND").asDouble();
            latency |= sample.path("latencyP99Ms").isNumber();
          }
          return checkouts > 0 && refused > 0 && latency;
        });
    JsonNode last = samples.get().get(samples.get().size() - 1);
    assertTrue(last.get("at").asLong() > since);
    assertTrue(last.get("heapUsedMiB").asLong() > 0, last.toString());
    assertTrue(last.get("heapMaxMiB").asLong() >= last.get("heapUsedMiB").asLong());
    Eventually.await(
        "the patron and items counted live",
        WITHIN,
        () -> {
          JsonNode all = api().get("/api/v1/console/metrics?since=" + since).body().get("samples");
          JsonNode live = all.get(all.size() - 1).path("live");
          return live.path("Patron").asLong() > 0 && live.path("Item").asLong() > 0;
        });
  }

  /** Three checkouts at a new agency and one refused ITEM_NOT_FOUND, as a terminal. */
  static void threeCheckoutsAndARefusal(Api api) {
    String agency = Api.unique("DK-");
    api.createAgency(agency, 10, 3);
    String card = Api.unique("C");
    api.registerPatron(card, agency);
    for (int i = 0; i < 3; i++) {
      String barcode = Api.unique("X");
      api.registerItem(barcode, agency);
      assertEquals(201, api.checkout(Api.unique("t"), card, barcode, agency).status());
    }
    assertEquals(404, api.checkout(Api.unique("t"), card, Api.unique("X"), agency).status());
  }

  @Test
  void onlyAnOperatorReadsTheConsolesData() {
    String agency = Api.unique("DK-");
    api().createAgency(agency, 10, 3);
    for (String path : new String[] {"metrics", "cluster", "runs"}) {
      Answer staff = api().staff(agency).get("/api/v1/console/" + path);
      assertEquals(403, staff.status(), path);
      assertEquals("ROLE_NOT_ALLOWED", staff.code());
      assertEquals(401, api().as(null).get("/api/v1/console/" + path).status());
      assertEquals(401, api().as("lck_nobody_wrong").get("/api/v1/console/" + path).status());
    }
    Answer bad = api().get("/api/v1/console/metrics?since=yesterday");
    assertEquals(400, bad.status());
    assertEquals("since", bad.body().at("/errors/0/field").asText(), bad.body().toString());
  }

  @Test
  void thePageIsServedWithoutAKeyAndLoadsNothingFromElsewhere() {
    Answer redirect = api().as(null).get("/console");
    assertEquals(308, redirect.status());
    assertEquals("/console/", redirect.headers().firstValue("Location").orElse(""));
    Answer page = api().as(null).get("/console/");
    assertEquals(200, page.status());
    assertTrue(page.body().asText().contains("Operator API key"));
    assertTrue(
        page.headers()
            .firstValue("Content-Security-Policy")
            .orElse("")
            .contains("default-src 'self'"));
    assertEquals(200, api().as(null).get("/console/lib/uPlot.iife.min.js").status());
    assertEquals("NOT_FOUND", api().as(null).get("/console/application.conf").code());
    assertEquals(401, api().as(null).get("/console/../metrics").status());
  }

  @Test
  void theClusterIsThisNodeWithTheSingletonsAndTheShards() {
    JsonNode view = api().get("/api/v1/console/cluster").body();
    JsonNode members = view.get("members");
    assertEquals(1, members.size(), view.toString());
    assertEquals("Up", members.get(0).get("status").asText());
    assertTrue(members.get(0).get("thisNode").asBoolean());
    assertEquals(members.get(0).get("address").asText(), view.get("singletonHome").asText());
    boolean agencies = false;
    for (JsonNode shards : view.get("shards")) {
      agencies |= shards.get("entityType").asText().equals("Agency");
    }
    assertTrue(agencies, view.toString());
  }

  @Test
  void aRunsReportsOpenOnlyThroughTheirSignedLinkUntilItExpires() {
    RunFixture run = RunFixture.write(Api.unique("run-"), "67.5 /s");
    JsonNode runs = api().get("/api/v1/console/runs").body().get("runs");
    JsonNode found = null;
    for (JsonNode r : runs) {
      if (r.get("folder").asText().equals(run.folder())) {
        found = r;
      }
    }
    assertTrue(found != null, runs.toString());
    assertEquals(
        run.peak,
        found
            .get("figures")
            .get("national peak: highest arrival rate with p99 <= 50 ms and no errors")
            .asText());
    JsonNode report = found.get("reports").get(0);
    assertEquals("gatling/NationalPeak/step-1/nationalpeak-20261128", report.get("name").asText());

    String link = report.get("link").asText();
    Answer opened = api().as(null).get(link);
    assertEquals(200, opened.status());
    assertTrue(opened.body().asText().contains("Gatling report " + run.name));
    assertEquals(200, api().as(null).get(link.replace("index.html", "js/report.js")).status());
    assertEquals(200, api().as(null).get(found.get("summaryLink").asText()).status());

    String tampered = link.replaceFirst("/(\\d+)\\.", "/$1" + "9.");
    assertEquals("REPORT_LINK_INVALID", api().as(null).get(tampered).code());
    String outside = link.replace("index.html", "%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/secret.txt");
    assertEquals(404, api().as(null).get(outside).status());
    assertEquals(
        404, api().as(null).get(link.replace("index.html", "../../../../../secret.txt")).status());

    clock.advance(Duration.ofMinutes(16));
    assertEquals("REPORT_LINK_INVALID", api().as(null).get(link).code());
  }
}
