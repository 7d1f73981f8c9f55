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
 * rate (the journal's physical write limit here) and the HTTP limit of a trivial Pekko HTTP
 * endpoint, under the loop's clients and under the national peak's Gatling injection.
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

  /**
   * The HTTP limit: the same clients, two small JSON POSTs per iteration like a checkout and a
   * return, against {@link TrivialEndpoint} in its own JVM with the server's heap.
   */
  /** The HTTP limit twice: under the loop's clients and under the national peak's injection. */
  record HttpLimits(double loop, List<PeakStep> gatling) {
    double gatlingRate() {
      return highestHeld(gatling, 0);
    }
  }

  HttpLimits httpLimits() throws Exception {
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
    String savedBase = h.base;
    h.base = "http://127.0.0.1:" + port;
    try {
      h.awaitAnswer(
          endpoint,
          HttpRequest.newBuilder(URI.create(h.base + "/echo"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{}"))
              .build(),
          201,
          "trivial-endpoint.log");
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
    Path results = h.options.work().resolve("gatling").resolve("HttpLimit");
    Process gatling =
        this.gatling.process(
            "HttpLimit",
            h.base,
            results,
            HTTP_LIMIT_START_RATE,
            seconds,
            // A level past the limit fails its requests after 5 s instead of queueing them for
            // Gatling's default minute, so the run ends soon after it.
            List.of("-Dlevels=" + levels, "-Dgatling.http.requestTimeout=5000"));
    gatling.waitFor(levels * seconds + 600L, TimeUnit.SECONDS);
    Path report = GatlingSteps.report(results);
    String stats = Files.readString(report.resolveSibling("js").resolve("stats.js"));
    List<PeakStep> steps = new ArrayList<>();
    for (int k = 0; k < levels; k++) {
      double rate = HTTP_LIMIT_START_RATE * Math.pow(HttpLimit.FACTOR, k);
      PeakStep step = GatlingSteps.step(stats, HttpLimit.level(rate), rate, report);
      steps.add(step);
      System.out.printf(
          "HttpLimit at %.0f/s: %d requests, %d failed, p99 %.0f ms%n",
          rate, step.requests(), step.failed(), step.p99());
      if (!step.holds()) {
        break;
      }
    }
    return steps;
  }
}
