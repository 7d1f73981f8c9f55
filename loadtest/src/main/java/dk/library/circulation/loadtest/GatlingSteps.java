package dk.library.circulation.loadtest;

import static dk.library.circulation.loadtest.Summary.rate;

import dk.library.circulation.loadtest.gatling.CirculationMix;
import dk.library.circulation.loadtest.gatling.HttpLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Gatling simulations in their own JVMs: the national-peak search, the soak, and the reading of
 * each run's report.
 */
final class GatlingSteps {

  private final Harness h;

  GatlingSteps(Harness h) {
    this.h = h;
  }

  /** One rate of the national-peak search and what Gatling measured at it. */
  record PeakStep(
      double rate,
      long checkouts,
      long interlibrary,
      long requests,
      long failed,
      double p50,
      double p95,
      double p99,
      String report,
      Costs costs,
      List<RequestFigures> byRequest) {
    boolean holds() {
      return requests > 0 && failed == 0 && p99 <= 50;
    }

    PeakStep withCosts(Costs measured) {
      return new PeakStep(
          rate,
          checkouts,
          interlibrary,
          requests,
          failed,
          p50,
          p95,
          p99,
          report,
          measured,
          byRequest);
    }

    /** Interlibrary transactions a second: their share of the measured arrivals at the rate. */
    double interlibraryPerSecond() {
      return requests == 0 ? 0 : rate * interlibrary / requests;
    }
  }

  /**
   * The Gatling simulation {@code NationalPeak} in its own JVM at rising arrival rates (x1.5 each
   * step) until a step misses p99 <= 50 ms or has errors; if the start rate already misses, at
   * falling rates (/1.5 each) until one holds, so the run still finds the rate that does. Each step
   * writes its HTML report and warms up at its rate before it measures (the simulation's warm-up
   * group).
   */
  List<PeakStep> nationalPeak() throws Exception {
    List<PeakStep> steps = new ArrayList<>();
    double rate = h.options.peakStartRate();
    for (int i = 0; i < h.options.peakSteps(); i++) {
      PeakStep step = peakStep(steps.size() + 1, rate);
      steps.add(step);
      if (!step.holds()) {
        break;
      }
      rate *= HttpLimit.FACTOR;
    }
    rate = h.options.peakStartRate();
    for (int i = 0; i < h.options.peakStepsDown() && highestHeld(steps, 0) == 0; i++) {
      rate /= HttpLimit.FACTOR;
      steps.add(peakStep(steps.size() + 1, rate));
    }
    return steps;
  }

  private PeakStep peakStep(int number, double rate) throws Exception {
    Costs.Sample before = h.meter.sample();
    int seconds =
        Math.max(h.options.peakStepSeconds(), (int) Math.ceil(h.options.peakStepRequests() / rate));
    PeakStep step =
        gatling("NationalPeak", h.base, "step-" + number, rate, seconds)
            .withCosts(before.until(h.meter.sample()));
    System.out.printf(
        "national peak at %.1f/s: %d requests, %d failed, p99 %.0f ms%n",
        rate, step.requests(), step.failed(), step.p99());
    return step;
  }

  /** The highest rate of a search that held, else {@code otherwise}. */
  static double highestHeld(List<PeakStep> steps, double otherwise) {
    return steps.stream()
        .filter(PeakStep::holds)
        .mapToDouble(PeakStep::rate)
        .max()
        .orElse(otherwise);
  }

  /**
   * The soak: the same mix at a fixed rate for longer, with the server's memory before and after.
   */
  Soak soak(long serverPid, double rate) throws Exception {
    long before = Harness.rssKib(serverPid);
    PeakStep step = gatling("Soak", h.base, "soak", rate, h.options.soakSeconds());
    return new Soak(step, h.options.soakSeconds(), before, Harness.rssKib(serverPid));
  }

  record Soak(PeakStep step, int seconds, long rssBeforeKib, long rssAfterKib) {}

  /** One run of a simulation in its own JVM at {@code rate} arrivals/s against {@code url}. */
  PeakStep gatling(String simulation, String url, String name, double rate, int seconds)
      throws Exception {
    return gatling(simulation, url, name, rate, seconds, List.of());
  }

  /** As above, with {@code extra} system properties for the simulation. */
  PeakStep gatling(
      String simulation, String url, String name, double rate, int seconds, List<String> extra)
      throws Exception {
    Path results = h.options.work().resolve("gatling").resolve(simulation).resolve(name);
    Process gatling = process(simulation, url, results, rate, seconds, extra);
    // The soak's simulation ramps up for 10 s before its fixed rate.
    gatling.waitFor(seconds + 310L, TimeUnit.SECONDS);
    Path report = report(results);
    return step(
        Files.readString(report.resolveSibling("js").resolve("stats.js")),
        CirculationMix.MEASURED,
        rate,
        report);
  }

  Process process(
      String simulation, String url, Path results, double rate, int seconds, List<String> extra)
      throws IOException {
    Files.createDirectories(results);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // Gatling's log writer reads String internals.
    command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    command.add("-DbaseUrl=" + url);
    command.add("-DterminalKey=" + (h.terminalKey == null ? h.operatorKey : h.terminalKey));
    command.add("-DstaffKey=" + h.staffKey);
    command.addAll(h.options.population().systemProperties());
    command.add("-Drate=" + rate);
    command.add("-Dseconds=" + seconds);
    command.add("-DwarmUpSeconds=" + (h.options.quick() ? 5 : 10));
    command.addAll(extra);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.gatling.app.Gatling",
            "-s",
            "dk.library.circulation.loadtest.gatling." + simulation,
            "-rf",
            results.toString()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(results.resolve("gatling.log").toFile())
        .start();
  }

  /** The HTML report a Gatling run wrote under {@code results}. */
  static Path report(Path results) throws IOException {
    try (Stream<Path> files = Files.walk(results)) {
      return files
          .filter(p -> p.getFileName().toString().equals("index.html"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no Gatling report in " + results + "; see its gatling.log"));
    }
  }

  /** One request name of the mix in a step: how many were measured and their percentiles. */
  record RequestFigures(String name, long requests, double p50, double p95, double p99) {}

  /** The mix's interlibrary requests by name ({@code CirculationMix}, R29). */
  static final List<String> INTERLIBRARY =
      List.of("ill request", "ill answer", "ill arrival", "ill checkout", "ill return");

  /** Every request name of the mix's transactions ({@code CirculationMix}), the common first. */
  static final List<String> REQUESTS =
      Stream.concat(
              Stream.of("checkout", "return", "renewal", "patron status", "hold"),
              INTERLIBRARY.stream())
          .toList();

  /**
   * A step's figures from its Gatling report ({@code js/stats.js}), for the requests or the group
   * (the mix's transactions) named {@code measured}; its checkouts are the requests named {@code
   * checkout} in that group.
   */
  static PeakStep step(String stats, String measured, double rate, Path report) {
    int group = stats.indexOf("name: \"" + measured + "\"");
    long interlibrary = 0;
    for (String name : INTERLIBRARY) {
      interlibrary +=
          group < 0 ? 0 : (long) figure(stats.substring(group), name, "numberOfRequests", "total");
    }
    List<RequestFigures> byRequest = new ArrayList<>();
    if (group >= 0) {
      String measuredStats = stats.substring(group);
      for (String name : REQUESTS) {
        long count = (long) figure(measuredStats, name, "numberOfRequests", "total");
        if (count > 0) {
          byRequest.add(
              new RequestFigures(
                  name,
                  count,
                  figure(measuredStats, name, "percentiles1", "total"),
                  figure(measuredStats, name, "percentiles3", "total"),
                  figure(measuredStats, name, "percentiles4", "total")));
        }
      }
    }
    return new PeakStep(
        rate,
        group < 0
            ? 0
            : (long) figure(stats.substring(group), "checkout", "numberOfRequests", "total"),
        interlibrary,
        (long) figure(stats, measured, "numberOfRequests", "total"),
        (long) figure(stats, measured, "numberOfRequests", "ko"),
        figure(stats, measured, "percentiles1", "total"),
        figure(stats, measured, "percentiles3", "total"),
        figure(stats, measured, "percentiles4", "total"),
        report.toString(),
        null,
        byRequest);
  }

  /**
   * One figure of one request name in Gatling's stats.js ({@code percentiles1/3/4} are its 50th,
   * 95th and 99th percentiles); 0 when the name or the figure is absent ("-").
   */
  private static double figure(String stats, String name, String figure, String column) {
    Matcher value =
        Pattern.compile(
                "\"name\": \""
                    + Pattern.quote(name)
                    + "\",[\\s\\S]*?\""
                    + figure
                    + "\": \\{[^}]*?\""
                    + column
                    + "\": \"([^\"]*)\"")
            .matcher(stats);
    if (!value.find()) {
      return 0;
    }
    String text = value.group(1).replace(",", "").trim();
    return text.equals("-") || text.isEmpty() ? 0 : Double.parseDouble(text);
  }
}
