package dk.library.circulation.loadtest;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed loop: concurrent clients check items out and return them, every request succeeding by
 * construction; only the time after the warm-up counts.
 */
final class CheckoutLoop {

  private final Harness h;

  CheckoutLoop(Harness h) {
    this.h = h;
  }

  record Run(
      long checkouts,
      long returns,
      long errors,
      long retries,
      double seconds,
      long[] latenciesNanos,
      double serverCores,
      double cassandraCores,
      Costs costs) {
    double checkoutRate() {
      return checkouts / seconds;
    }

    double returnRate() {
      return returns / seconds;
    }

    double percentileMs(double p) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, index)] / 1e6;
    }
  }

  /** How the loop's clients reach the desk: the HTTP API, or SIP2 as self-service machines. */
  interface Lane {
    /** One client's own connection(s), opened in its thread. */
    Client open() throws Exception;
  }

  /** One client: each call answers null when the transaction went through, else why not. */
  interface Client extends AutoCloseable {
    String checkout(long transaction, String card, int item) throws Exception;

    String giveBack(long transaction, int item) throws Exception;
  }

  /**
   * The HTTP API's self-service routes; a 503 is retried with the same transaction id, as a
   * self-service machine does.
   */
  Lane http(AtomicLong retries) {
    Population population = h.options.population();
    return () ->
        new Client() {
          @Override
          public String checkout(long tx, String card, int item) {
            String checkout =
                "{\"transactionId\":\"co-"
                    + tx
                    + "\",\"cardNumber\":\""
                    + card
                    + "\",\"pin\":\"1234\",\"barcode\":\""
                    + population.barcode(item)
                    + "\",\"agencyId\":\""
                    + population.agencyOfItem(item)
                    + "\",\"branchId\":\"main\"}";
            return post("/api/v1/checkouts", checkout, 201);
          }

          @Override
          public String giveBack(long tx, int item) {
            String giveBack =
                "{\"transactionId\":\"re-"
                    + tx
                    + "\",\"barcode\":\""
                    + population.barcode(item)
                    + "\",\"agencyId\":\""
                    + population.agencyOfItem(item)
                    + "\",\"branchId\":\"main\"}";
            return post("/api/v1/returns", giveBack, 200);
          }

          private String post(String path, String json, int expected) {
            HttpResponse<String> answer = h.post(h.terminalKey, path, json);
            for (int attempt = 1; answer.statusCode() == 503 && attempt <= 3; attempt++) {
              retries.incrementAndGet();
              answer = h.post(h.terminalKey, path, json);
            }
            return answer.statusCode() == expected
                ? null
                : answer.statusCode() + " " + answer.body();
          }

          @Override
          public void close() {}
        };
  }

  /**
   * Each client takes an item off the shelf, checks it out to a random patron of its agency,
   * returns it and puts it back: every transaction succeeds by construction. The shelf starts at
   * {@code firstItem}, so a second loop takes items the first left asleep. Only the time after the
   * warm-up counts.
   */
  Run checkoutLoop(Lane lane, AtomicLong retries, int firstItem, long serverPid, long cassandraPid)
      throws Exception {
    ConcurrentLinkedQueue<Integer> shelf = new ConcurrentLinkedQueue<>();
    Population population = h.options.population();
    for (int i = 0; i < population.items(); i++) {
      shelf.add((firstItem + i) % population.items());
    }
    AtomicLong transactions = new AtomicLong();
    AtomicLong checkouts = new AtomicLong();
    AtomicLong returns = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(h.options.warmupSeconds());
    long end = measureFrom + TimeUnit.SECONDS.toNanos(h.options.seconds());
    ExecutorService pool = Executors.newFixedThreadPool(h.options.clients());
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < h.options.clients(); c++) {
      futures.add(
          pool.submit(
              () -> {
                Random random = new Random();
                long[] latencies = new long[1 << 16];
                int n = 0;
                try (Client client = lane.open()) {
                  while (System.nanoTime() < end) {
                    Integer item = shelf.poll();
                    if (item == null) {
                      continue;
                    }
                    long tx = transactions.incrementAndGet();
                    long t0 = System.nanoTime();
                    String failed = client.checkout(tx, population.borrowerFor(item, random), item);
                    long t1 = System.nanoTime();
                    boolean measured = t0 >= measureFrom && t1 <= end;
                    if (failed != null) {
                      errors.incrementAndGet();
                      System.out.println("checkout failed: " + failed);
                      shelf.add(item);
                      continue;
                    }
                    if (measured) {
                      checkouts.incrementAndGet();
                      if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                      }
                      latencies[n++] = t1 - t0;
                    }
                    String notBack = client.giveBack(tx, item);
                    if (notBack != null) {
                      errors.incrementAndGet();
                      System.out.println("return failed: " + notBack);
                    } else if (System.nanoTime() <= end && t0 >= measureFrom) {
                      returns.incrementAndGet();
                    }
                    shelf.add(item);
                  }
                }
                return Arrays.copyOf(latencies, n);
              }));
    }
    while (System.nanoTime() < measureFrom) {
      Thread.sleep(10); // waiting for a moment in time
    }
    long serverTicks = Harness.cpuTicks(serverPid);
    long cassandraTicks = Harness.cpuTicks(cassandraPid);
    Costs.Sample before = h.meter.sample();
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> f : futures) {
      all.add(f.get());
    }
    Costs costs = before.until(h.meter.sample());
    double serverCores = (Harness.cpuTicks(serverPid) - serverTicks) / 100.0 / h.options.seconds();
    double cassandraCores =
        (Harness.cpuTicks(cassandraPid) - cassandraTicks) / 100.0 / h.options.seconds();
    pool.shutdown();
    long[] latencies = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Run(
        checkouts.get(),
        returns.get(),
        errors.get(),
        retries.get(),
        h.options.seconds(),
        latencies,
        serverCores,
        cassandraCores,
        costs);
  }
}
