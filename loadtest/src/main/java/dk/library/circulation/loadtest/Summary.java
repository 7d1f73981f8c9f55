package dk.library.circulation.loadtest;

import static dk.library.circulation.loadtest.GatlingSteps.highestHeld;

import dk.library.circulation.cassandra.LocalCassandra;
import dk.library.circulation.loadtest.Baselines.HttpLimits;
import dk.library.circulation.loadtest.CheckoutLoop.Run;
import dk.library.circulation.loadtest.GatlingSteps.PeakStep;
import dk.library.circulation.loadtest.GatlingSteps.Soak;
import dk.library.circulation.loadtest.LibraryLoad.Import;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The run's summary: the figures, ratios to the baselines, cost per transaction, the peak tables;
 * written under {@code loadtest/target/benchmark} and, for a full run, into docs/benchmarks.md.
 */
final class Summary {

  private final Harness h;

  Summary(Harness h) {
    this.h = h;
  }

  void write(
      LocalCassandra node,
      Duration serverStart,
      Import setup,
      double rawInserts,
      HttpLimits httpLimit,
      Run run,
      Run sip,
      Duration settling,
      long serverRssIdle,
      long serverRss,
      long cassandraRss,
      List<PeakStep> peak,
      List<PeakStep> floor,
      Soak soak,
      DoorEntries.Result door,
      WorklistReads.Result worklists,
      DeadlineBurst.Result burst,
      HeapPerEntity heap)
      throws IOException {
    Population population = h.options.population();
    // Counted by the server while the loop was measured (all events, of every entity).
    double eventsPerSecond = run.costs().events() / run.seconds();
    double peakRate = highestHeld(peak, 0);
    double peakCheckouts =
        peak.stream()
            .filter(PeakStep::holds)
            .mapToDouble(s -> s.checkouts() / (double) h.options.peakStepSeconds())
            .max()
            .orElse(0);
    String summary =
        String.join(
            "\n",
            "| figure | value |",
            "|---|---|",
            "| Cassandra start (to CQL answering) | " + node.startDuration().toMillis() + " ms |",
            "| server start (process start to /health) | " + serverStart.toMillis() + " ms |",
            "| population: "
                + population.agencies()
                + " agencies, "
                + population.patrons()
                + " patrons, "
                + population.items()
                + " items, bulk import (POST /api/v1/imports) | "
                + setup.took().toSeconds()
                + " s ("
                + Math.round(setup.rate())
                + " records/s) |",
            "| compaction settling after the load, before serving (no task for 5 s) | "
                + setup.compaction().toSeconds()
                + " s |",
            "| raw Cassandra inserts (baseline, "
                + h.options.rawSeconds()
                + " s after "
                + h.options.rawWarmupSeconds()
                + " s warm-up) | "
                + Math.round(rawInserts)
                + " /s |",
            "| HTTP limit: trivial Pekko HTTP endpoint, the loop's clients (baseline) | "
                + Math.round(httpLimit.loop())
                + " requests/s |",
            "| HTTP limit: the same endpoint under the national peak's Gatling injection"
                + " (baseline; highest rate with p99 <= 50 ms, no errors) | "
                + Math.round(httpLimit.gatlingRate())
                + " requests/s |",
            "| checkouts over HTTP ("
                + h.options.clients()
                + " clients, checkout + return loop, "
                + h.options.seconds()
                + " s after "
                + h.options.warmupSeconds()
                + " s warm-up) | "
                + Math.round(run.checkoutRate())
                + " /s |",
            "| returns in the same loop | " + Math.round(run.returnRate()) + " /s |",
            "| checkout latency p50 / p95 / p99 | "
                + fmt(run.percentileMs(50))
                + " / "
                + fmt(run.percentileMs(95))
                + " / "
                + fmt(run.percentileMs(99))
                + " ms |",
            "| errors (after retries) / 503s retried with the same transaction id | "
                + run.errors()
                + " / "
                + run.retries()
                + " |",
            "| checkouts over SIP2 (the same loop from SIP2 machines: one connection per client"
                + " and agency; 11 checkout + 09 checkin) | "
                + Math.round(sip.checkoutRate())
                + " /s |",
            "| SIP2 checkout latency p50 / p95 / p99 | "
                + fmt(sip.percentileMs(50))
                + " / "
                + fmt(sip.percentileMs(95))
                + " / "
                + fmt(sip.percentileMs(99))
                + " ms |",
            "| SIP2 errors | " + sip.errors() + " |",
            "| open library (R45): door entries for random patrons, one at a time after the soak;"
                + " opened / entries, latency p50 / p99 / max | "
                + door.opened()
                + " / "
                + door.entries()
                + ", "
                + fmt(door.percentileMs(50))
                + " / "
                + fmt(door.percentileMs(99))
                + " / "
                + fmt(door.maxMs())
                + " ms |",
            String.join("\n", burstRows(burst)),
            "| events persisted (counted by the server) | " + Math.round(eventsPerSecond) + " /s |",
            "| server settling after the loop, before the national peak (under 0.1 core for 5 s) | "
                + settling.toSeconds()
                + " s |",
            "| national peak: highest arrival rate with p99 <= 50 ms and no errors | "
                + (peakRate > 0 ? rate(peakRate) + " /s" : "none of the steps")
                + " |",
            "| CPU used while measuring the loop: server / Cassandra | "
                + String.format("%.2f / %.2f", run.serverCores(), run.cassandraCores())
                + " cores (of 2) |",
            "| RSS server idle / after load | "
                + serverRssIdle / 1024
                + " / "
                + serverRss / 1024
                + " MiB |",
            "| RSS Cassandra after load | " + cassandraRss / 1024 + " MiB |",
            "| the machine's page-out of idle memory (kernel DAMON, set by the host) | "
                + Harness.pageOut()
                + " |",
            "| heap per live entity after the soak (after a full GC, against the idle server) | "
                + heap.row()
                + " |",
            "",
            "Ratios to the baselines of this run:",
            "",
            "| ratio | value |",
            "|---|---|",
            "| events persisted/s (loop) / raw inserts/s | "
                + String.format("%.3f", eventsPerSecond / rawInserts)
                + " |",
            "| checkouts/s (loop) / HTTP-limit requests/s (loop's clients) | "
                + String.format("%.3f", run.checkoutRate() / httpLimit.loop())
                + " |",
            "| (checkouts + returns)/s (loop) / HTTP-limit requests/s (loop's clients) | "
                + String.format("%.3f", (run.checkoutRate() + run.returnRate()) / httpLimit.loop())
                + " |",
            "| checkouts/s over SIP2 / over HTTP (the two loops) | "
                + String.format("%.3f", sip.checkoutRate() / run.checkoutRate())
                + " |",
            "| server CPU per transaction over SIP2 / over HTTP (the two loops) | "
                + String.format(
                    "%.3f",
                    sip.costs().serverCpuMsPerTransaction()
                        / run.costs().serverCpuMsPerTransaction())
                + " |",
            "| national-peak arrivals/s / HTTP-limit arrivals/s (both Gatling, p99 <= 50 ms) | "
                + String.format("%.3f", peakRate / httpLimit.gatlingRate())
                + " |",
            "| national-peak checkouts/s / HTTP-limit requests/s (Gatling) | "
                + String.format("%.3f", peakCheckouts / httpLimit.gatlingRate())
                + " |",
            "");
    summary +=
        "\n\nCost per transaction (one API request) from the server's /metrics and /proc:\n\n"
            + Costs.header()
            + "\n"
            + run.costs().row("checkout + return loop")
            + "\n"
            + sip.costs().row("the same loop over SIP2")
            + "\n"
            + peakCostsAndSteps(peak)
            + "\n"
            + peakTable(
                "HTTP limit (Gatling, the same injection, trivial endpoint)", httpLimit.gatling())
            + "\n"
            + floorTable(peak, floor)
            + String.format(
                "%nSoak (Gatling `Soak`): %s arrivals/s for %d s: %d requests, %d failed, p50 /"
                    + " p95 / p99 %.0f / %.0f / %.0f ms, %.2f interlibrary transactions/s; server"
                    + " RSS %d -> %d MiB%n",
                rate(soak.step().rate()),
                soak.seconds(),
                soak.step().requests(),
                soak.step().failed(),
                soak.step().p50(),
                soak.step().p95(),
                soak.step().p99(),
                soak.step().interlibraryPerSecond(),
                soak.rssBeforeKib() / 1024,
                soak.rssAfterKib() / 1024)
            + worklists.report();
    System.out.println(summary);
    Files.writeString(h.options.work().resolve("summary.md"), summary);
    System.out.println("Written to " + h.options.work().resolve("summary.md"));
    // A quick run is a smoke test: its figures stay under target/, the docs keep the full run's.
    if (!h.options.quick()) {
      writeIntoDocs(summary);
    }
  }

  /**
   * The figures of {@code --peak}: the loop, the server's settling, the steps and their costs, and
   * the machine's floor at the steps' rates.
   */
  static String peakReport(Run loop, Duration settling, List<PeakStep> peak, List<PeakStep> floor) {
    return String.format(
            "loop: %d checkouts/s (p99 %s ms); server quiet %d s after it; the machine's page-out"
                + " of idle memory: %s%n%n",
            Math.round(loop.checkoutRate()),
            fmt(loop.percentileMs(99)),
            settling.toSeconds(),
            Harness.pageOut())
        + Costs.header()
        + "\n"
        + loop.costs().row("checkout + return loop")
        + "\n"
        + peakCostsAndSteps(peak)
        + "\n"
        + floorTable(peak, floor);
  }

  /**
   * The trivial endpoint's latency at each rate of the peak ({@code Baselines.floor}) beside the
   * peak step's: what a round trip costs on this machine at that rate, and what the server adds.
   */
  static String floorTable(List<PeakStep> peak, List<PeakStep> floor) {
    StringBuilder table =
        new StringBuilder(
            "The machine's floor at the peak's rates (Gatling, the same injection, the trivial"
                + " endpoint in its own JVM beside the idle server, the load generator warmed at"
                + " 500/s first):\n\n"
                + "| arrivals/s | requests | floor p50 / p95 / p99 ms | peak step p50 / p95 / p99"
                + " ms | peak p99 - floor p99 |\n"
                + "|---|---|---|---|---|\n");
    for (PeakStep f : floor) {
      PeakStep step =
          peak.stream()
              .filter(s -> Math.abs(s.rate() - f.rate()) < 0.01 * f.rate())
              .findFirst()
              .orElse(null);
      table.append(
          String.format(
              "| %s | %d | %.0f / %.0f / %.0f | %s | %s |%n",
              rate(f.rate()),
              f.requests(),
              f.p50(),
              f.p95(),
              f.p99(),
              step == null
                  ? "-"
                  : String.format("%.0f / %.0f / %.0f", step.p50(), step.p95(), step.p99()),
              step == null ? "-" : String.format("%.0f ms", step.p99() - f.p99())));
    }
    return table.toString();
  }

  /** The peak steps' rows of the cost table, then the table of the steps themselves. */
  private static String peakCostsAndSteps(List<PeakStep> peak) {
    return peak.stream()
            .filter(s -> s.costs() != null)
            .map(s -> s.costs().row("national peak at " + rate(s.rate()) + "/s"))
            .collect(java.util.stream.Collectors.joining("\n"))
        + "\n\n"
        + peakTable(
            "National peak (Gatling, open model, mix 42.75/28.5/9.5/9.5/4.75 and 5 interlibrary)",
            peak)
        + "\n"
        + requestTable(peak);
  }

  /**
   * Each request of the mix in each step (Gatling's figures per request name): which requests make
   * a step's tail.
   */
  static String requestTable(List<PeakStep> peak) {
    StringBuilder table =
        new StringBuilder(
            "National peak per request (each step's measured requests by name; n, p50 / p95 / p99"
                + " ms):\n\n| request |");
    StringBuilder rule = new StringBuilder("|---|");
    for (PeakStep s : peak) {
      table.append(' ').append(rate(s.rate())).append("/s |");
      rule.append("---|");
    }
    table.append('\n').append(rule).append('\n');
    for (String name : GatlingSteps.REQUESTS) {
      StringBuilder row = new StringBuilder("| " + name + " |");
      boolean any = false;
      for (PeakStep s : peak) {
        GatlingSteps.RequestFigures f =
            s.byRequest().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
        any |= f != null;
        row.append(
            f == null
                ? " - |"
                : String.format(
                    " %d, %.0f / %.0f / %.0f |", f.requests(), f.p50(), f.p95(), f.p99()));
      }
      if (any) {
        table.append(row).append('\n');
      }
    }
    return table.toString();
  }

  private static final String LATEST_START = "<!-- latest run: written by bin/benchmark -->";

  private static final String LATEST_END = "<!-- end of latest run -->";

  /**
   * Puts the summary into docs/benchmarks.md between its markers (appended the first time), so the
   * figures of the last run are in the repository's docs; the sections above it keep the history.
   */
  private void writeIntoDocs(String summary) throws IOException {
    Path docs = Path.of("docs", "benchmarks.md");
    if (!Files.exists(docs)) {
      return;
    }
    String text = Files.readString(docs);
    String section =
        LATEST_START
            + "\n## Latest run ("
            + LocalDate.now()
            + ", "
            + (h.options.quick() ? "quick" : "full")
            + ")\n\n"
            + summary
            + "\n"
            + LATEST_END;
    int start = text.indexOf(LATEST_START);
    int end = text.indexOf(LATEST_END);
    String updated =
        start >= 0 && end > start
            ? text.substring(0, start) + section + text.substring(end + LATEST_END.length())
            : text.stripTrailing() + "\n\n" + section + "\n";
    Files.writeString(docs, updated);
    System.out.println("Written into " + docs);
  }

  /**
   * Heap after a full GC and the live entities, against the same taken when the server had just
   * started ({@code idle}): the entities' share of the heap is the difference, per entity the
   * difference divided by the entities that became live.
   */
  record HeapPerEntity(double heapUsedBytes, double liveEntities, HeapPerEntity idle) {
    double bytesPerEntity() {
      double entities = liveEntities - (idle == null ? 0 : idle.liveEntities());
      double heap = heapUsedBytes - (idle == null ? 0 : idle.heapUsedBytes());
      return entities > 0 ? heap / entities : Double.NaN;
    }

    String row() {
      return String.format(
          "%.0f MiB with %.0f entities live, %.0f MiB at start with %.0f: %.2f KiB per entity",
          heapUsedBytes / (1024 * 1024),
          liveEntities,
          idle == null ? 0 : idle.heapUsedBytes() / (1024 * 1024),
          idle == null ? 0 : idle.liveEntities(),
          bytesPerEntity() / 1024);
    }
  }

  HeapPerEntity heapPerEntity(long serverPid, HeapPerEntity idle) throws Exception {
    Process gc =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(serverPid),
                "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gc.waitFor(60, TimeUnit.SECONDS);
    Costs.Sample sample = h.meter.sample();
    return new HeapPerEntity(sample.heapUsedBytes(), sample.liveEntities(), idle);
  }

  /**
   * Keeps the server's {@code /metrics} at the end of the run beside the summary: where the time
   * went (entity recovery and command latency, journal requests, GC) for whoever reads the figures.
   */
  void saveMetrics() throws Exception {
    HttpResponse<Path> metrics =
        h.http.send(
            HttpRequest.newBuilder(URI.create(h.base + "/metrics"))
                .header("Authorization", "Bearer " + h.operatorKey)
                .build(),
            HttpResponse.BodyHandlers.ofFile(h.options.work().resolve("metrics.txt")));
    Harness.expect(200, metrics);
  }

  private static String peakTable(String title, List<PeakStep> steps) {
    StringBuilder table =
        new StringBuilder(
            title
                + ":\n\n"
                + "| arrivals/s | requests | failed | p50 / p95 / p99 ms | p99 <= 50 ms, no errors"
                + " | interlibrary transactions/s |\n"
                + "|---|---|---|---|---|---|\n");
    for (PeakStep s : steps) {
      table.append(
          String.format(
              "| %s | %d | %d | %.0f / %.0f / %.0f | %s | %.2f |%n",
              rate(s.rate()),
              s.requests(),
              s.failed(),
              s.p50(),
              s.p95(),
              s.p99(),
              s.holds() ? "yes" : "no",
              s.interlibraryPerSecond()));
    }
    return table.toString();
  }

  /** An arrival rate as the tables show it: whole above 100/s, else to a tenth (13.3/s). */
  static String rate(double perSecond) {
    return perSecond >= 100 || perSecond == Math.rint(perSecond)
        ? String.format("%.0f", perSecond)
        : String.format("%.1f", perSecond);
  }

  /** The burst's rows of the summary table ({@link DeadlineBurst}). */
  static List<String> burstRows(DeadlineBurst.Result burst) {
    return List.of(
        "| deadline burst (R30): loans made through the API for it, in s (loans/s) | "
            + burst.loans().lent()
            + ", "
            + Math.round(burst.loans().seconds())
            + " s ("
            + Math.round(burst.loans().perSecond())
            + " /s) |",
        "| deadline burst (R30): loans due the same day, patrons woken, notices recorded, in s"
            + " (notices/s) | "
            + burst.loans().lent()
            + ", "
            + Math.round(burst.deadlinesHandled())
            + ", "
            + Math.round(burst.noticesRecorded())
            + ", "
            + Math.round(burst.seconds())
            + " s ("
            + Math.round(burst.noticesPerSecond())
            + " /s) |",
        "| national peak at the held rate beside the burst: p99 (without it: the same step on a"
            + " server just started, nothing due) | "
            + fmt(burst.beside().p99())
            + " ms, "
            + burst.beside().failed()
            + " failed ("
            + fmt(burst.without().p99())
            + " ms); the keeper's pace at the step's end "
            + Math.round(burst.paceBeside())
            + " /s |");
  }

  private static String fmt(double ms) {
    return String.format("%.1f", ms);
  }
}
