package dk.library.circulation.loadtest;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/benchmark --memory}: wakes every entity of the population and keeps it live (the
 * server runs with a 4 GiB heap, an active-entity limit above the population and a long idle
 * timeout), so heap per live entity is measured with the national population in memory at once: a
 * staff read of every item wakes its item entity (1,000,000 of the national population). Patrons
 * are left out: at the rate this machine wakes entities over HTTP (about 550/s with everything on 2
 * cores) they would add 12 minutes to a run that already takes 40.
 */
final class EveryEntityAwake {

  /** Settings for the server of a memory run: nothing leaves memory while the phase runs. */
  static final String SERVER_HEAP = "4g";

  /**
   * G1, with compressed pointers (ZGC on Java 17 has none): see {@link Harness#serverCollector}.
   */
  static final String SERVER_COLLECTOR = "-XX:+UseG1GC";

  static final String ACTIVE_ENTITY_LIMIT = "2000000";

  static final String IDLE_TIMEOUT_PROPERTY =
      "-Dpekko.cluster.sharding.passivation.library-strategy.idle-entity.timeout=60m";

  private final Harness h;

  EveryEntityAwake(Harness h) {
    this.h = h;
  }

  /** Reads every item with the run's clients; answers how many were read. */
  long wakeAll() throws Exception {
    Population population = h.options.population();
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    int total = population.items();
    ExecutorService pool = Executors.newFixedThreadPool(h.options.clients());
    List<Future<?>> futures = new ArrayList<>();
    long begin = System.nanoTime();
    for (int c = 0; c < h.options.clients(); c++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                  if (get("/api/v1/items/" + population.barcode(i)).statusCode() != 200) {
                    failed.incrementAndGet();
                  }
                  if (i % 100_000 == 0) {
                    System.out.printf(
                        "woken %d of %d in %d s%n",
                        i, total, Duration.ofNanos(System.nanoTime() - begin).toSeconds());
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " reads failed; see server.log");
    }
    return total;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return h.http.send(
        HttpRequest.newBuilder(URI.create(h.base + path))
            .header("Authorization", "Bearer " + h.staffKey)
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
