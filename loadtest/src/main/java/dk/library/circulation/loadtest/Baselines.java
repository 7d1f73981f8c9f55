package dk.library.circulation.loadtest;

import static dk.library.circulation.loadtest.GatlingSteps.highestHeld;
import static dk.library.circulation.loadtest.Summary.rate;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dk.library.circulation.loadtest.GatlingSteps.PeakStep;
import dk.library.circulation.loadtest.gatling.HttpLimit;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baselines every figure is reported against, measured in the same run: Cassandra's raw insert
 * rate (the journal's physical write limit here), the HTTP limit of a trivial Pekko HTTP endpoint
 * under the loop's clients and under the national peak's Gatling injection, and the machine's
 * floor: that endpoint's latency at the national peak's own rates.
 */
final class Baselines {

  private final Harness h;
  private final GatlingSteps gatling;

  Baselines(Harness h, GatlingSteps gatling) {
    this.h = h;
    this.gatling = gatling;
  }

  /**
   * Async prepared inserts of ~200-byte rows, 256 in flight: the journal's physical limit. A fresh
   * node spends its first minute compiling (C2), so only the rate after the warm-up counts.
   */
  static double rawInsertRate(int port, int warmupSeconds, int seconds) throws Exception {
    try (CqlSession session = Harness.session(port)) {
      session.execute(
          "CREATE KEYSPACE IF NOT EXISTS raw_baseline WITH replication = {'class':"
              + " 'SimpleStrategy', 'replication_factor': 1}");
      session.execute(
          "CREATE TABLE IF NOT EXISTS raw_baseline.rows (pk text, ck bigint, payload blob, PRIMARY"
              + " KEY (pk, ck))");
      PreparedStatement insert =
          session.prepare("INSERT INTO raw_baseline.rows (pk, ck, payload) VALUES (?, ?, ?)");
      byte[] payload = new byte[200];
      new Random(1).nextBytes(payload);
      Semaphore inFlight = new Semaphore(256);
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
      long counted = 0;
      long i = 0;
      long startCount = -1;
      while (System.nanoTime() < end) {
        if (startCount < 0 && System.nanoTime() >= warmupEnd) {
          startCount = done.get();
        }
        inFlight.acquire();
        session
            .executeAsync(insert.bind("p" + (i % 10_000), i, ByteBuffer.wrap(payload)))
            .whenComplete(
                (rs, error) -> {
                  if (error == null) {
                    done.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                  }
                  inFlight.release();
                });
        i++;
      }
      counted = done.get() - Math.max(startCount, 0);
      inFlight.acquire(256);
      if (failed.get() > 0) {
        System.out.println("raw baseline: " + failed.get() + " inserts failed");
      }
      return counted / (double) seconds;
    }
  }

  /** The HTTP limit twice: under the loop's clients and under the national peak's injection. */
  record HttpLimits(double loop, List<PeakStep> gatling) {
    double gatlingRate() {
      return highestHeld(gatling, 0);
    }
  }

  /**
   * The HTTP limit: the same clients, two small JSON POSTs per iteration like a checkout and a
   * return, against {@link TrivialEndpoint}; then the Gatling levels ({@link #httpLimitLevels}).
   */
  HttpLimits httpLimits() throws Exception {
    String savedBase = h.base;
    Process endpoint = trivialEndpoint();
    try {
      AtomicLong requests = new AtomicLong();
      long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(h.options.warmupSeconds());
      long end = measureFrom + TimeUnit.SECONDS.toNanos(h.options.seconds());
      String body =
          "{\"transactionId\":\"co-1\",\"cardNumber\":\"9000000001\",\"pin\":\"1234\","
              + "\"barcode\":\"B1\",\"agencyId\":\"DK-BENCH-01\",\"branchId\":\"main\"}";
      ExecutorService pool = Executors.newFixedThreadPool(h.options.clients());
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < h.options.clients(); c++) {
        futures.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    int okCount = 0;
                    for (int i = 0; i < 2; i++) {
                      okCount += h.post(h.operatorKey, "/echo", body).statusCode() == 201 ? 1 : 0;
                    }
                    if (t0 >= measureFrom && System.nanoTime() <= end) {
                      requests.addAndGet(okCount);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      double loop = requests.get() / (double) h.options.seconds();
      return new HttpLimits(loop, httpLimitLevels());
    } finally {
      h.base = savedBase;
      endpoint.destroy();
      endpoint.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * {@link TrivialEndpoint} in its own JVM with the server's heap, answering; {@code h.base} points
   * at it until the caller puts it back.
   */
  private Process trivialEndpoint() throws Exception {
    int port = Harness.freePort();
    Process endpoint =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g",
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                TrivialEndpoint.class.getName(),
                String.valueOf(port))
            .redirectErrorStream(true)
            .redirectOutput(h.options.work().resolve("trivial-endpoint.log").toFile())
            .start();
    h.base = "http://127.0.0.1:" + port;
    h.awaitAnswer(
        endpoint,
        HttpRequest.newBuilder(URI.create(h.base + "/echo"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        201,
        "trivial-endpoint.log");
    return endpoint;
  }

  /** The requests the floor measures at its lowest rate (more at the higher ones). */
  static final int FLOOR_REQUESTS = 500;

  /**
   * The machine's floor: the trivial endpoint under the national peak's injection at each rate the
   * peak's search visited, lowest first, in one Gatling run whose load generator is first warmed at
   * {@value #HTTP_LIMIT_START_RATE}/s, beside the serving server and Cassandra, idle. At a few
   * requests a second every thread a request wakes has gone idle, and on this machine a woken idle
   * core answers late: the floor is the latency of one HTTP round trip that does nothing, the part
   * of a peak step's p99 no change to the server can take away.
   */
  List<PeakStep> floor(List<PeakStep> peak) throws Exception {
    double lowest = peak.stream().mapToDouble(PeakStep::rate).min().orElseThrow();
    double highest = peak.stream().mapToDouble(PeakStep::rate).max().orElseThrow();
    int levels = (int) Math.round(Math.log(highest / lowest) / Math.log(HttpLimit.FACTOR)) + 1;
    int seconds = h.options.quick() ? 10 : (int) Math.ceil(FLOOR_REQUESTS / lowest);
    String savedBase = h.base;
    Process endpoint = trivialEndpoint();
    try {
      return httpLimitRun(
          "Floor",
          lowest,
          levels,
          seconds,
          List.of("-DwarmUpRate=" + HTTP_LIMIT_START_RATE, "-DwarmUpSeconds=10"),
          false);
    } finally {
      h.base = savedBase;
      endpoint.destroy();
      endpoint.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Where the HTTP limit's search starts: far below what the trivial endpoint carries. */
  private static final double HTTP_LIMIT_START_RATE = 500;

  /**
   * The HttpLimit simulation: all its levels in one Gatling run (a JVM and a report per step would
   * take minutes at these rates), each level read from the report by its requests' name, up to the
   * first that misses p99 <= 50 ms or has errors.
   */
  private List<PeakStep> httpLimitLevels() throws Exception {
    // Up to 500/s x1.5^8, about 12,800/s: with the in-run warm-up 8,543/s held, so the limit lies
    // above it; levels past the first miss would only queue behind it, for minutes.
    int levels = 9;
    // Shorter levels in the quick run: ten of them with Gatling's report take minutes otherwise.
    int seconds = h.options.quick() ? 3 : 10;
    return httpLimitRun(
        "HttpLimit",
        HTTP_LIMIT_START_RATE,
        levels,
        seconds,
        // A level past the limit fails its requests after 5 s instead of queueing them for
        // Gatling's default minute, so the run ends soon after it.
        List.of("-Dgatling.http.requestTimeout=5000"),
        true);
  }

  /**
   * One run of the HttpLimit simulation: {@code levels} levels rising x{@value HttpLimit#FACTOR}
   * from {@code start}, each read from the report by its requests' name; up to the first that
   * misses p99 <= 50 ms or has errors when {@code untilMiss}.
   */
  private List<PeakStep> httpLimitRun(
      String name, double start, int levels, int seconds, List<String> extra, boolean untilMiss)
      throws Exception {
    Path results = h.options.work().resolve("gatling").resolve(name);
    List<String> properties = new ArrayList<>(extra);
    properties.add("-Dlevels=" + levels);
    Process run = gatling.process("HttpLimit", h.base, results, start, seconds, properties);
    run.waitFor(levels * seconds + 600L, TimeUnit.SECONDS);
    Path report = GatlingSteps.report(results);
    String stats = Files.readString(report.resolveSibling("js").resolve("stats.js"));
    List<PeakStep> steps = new ArrayList<>();
    for (int k = 0; k < levels; k++) {
      double rate = start * Math.pow(HttpLimit.FACTOR, k);
      PeakStep step = GatlingSteps.step(stats, HttpLimit.level(rate), rate, report);
      steps.add(step);
      System.out.printf(
          "%s at %s/s: %d requests, %d failed, p50 / p95 / p99 %.0f / %.0f / %.0f ms%n",
          name, rate(rate), step.requests(), step.failed(), step.p50(), step.p95(), step.p99());
      if (untilMiss && !step.holds()) {
        break;
      }
    }
    return steps;
  }
}
