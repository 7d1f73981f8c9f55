package dk.library.circulation.loadtest;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 24's worklists at the national population: staff pages of every agency's interlibrary
 * requests, borrowing and lending side, under the statuses the national peak's loans passed
 * through, one read at a time after the peak. A list is one index read: it should wake no request
 * (the cost row's wakes per transaction) and answer in a few milliseconds.
 */
final class WorklistReads {

  private static final List<String> STATUSES =
      List.of("RequestReceived", "WillSupply", "Loaned", "LoanCompleted", "Cancelled");

  record Result(int reads, long rows, long[] latenciesNanos, Costs costs) {
    double percentileMs(double p) {
      int index = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, index)] / 1e6;
    }

    String report() {
      return String.format(
              "%nInterlibrary worklists (issue 24): %d pages of up to 50 read one at a time, %d"
                  + " rows; p50 / p99 %.1f / %.1f ms%n%n",
              reads, rows, percentileMs(50), percentileMs(99))
          + Costs.header()
          + "\n"
          + costs.row("worklist pages")
          + "\n";
    }
  }

  private WorklistReads() {}

  static Result measure(Harness h, int reads) throws Exception {
    Population population = h.options.population();
    long[] latencies = new long[reads];
    long rows = 0;
    Costs.Sample before = h.meter.sample();
    for (int i = 0; i < reads; i++) {
      String path =
          "/api/v1/interlibrary-worklists?agencyId=%s&side=%s&status=%s"
              .formatted(
                  population.agencyId(i % population.agencies()),
                  (i / population.agencies()) % 2 == 0 ? "borrowing" : "lending",
                  STATUSES.get((i / population.agencies() / 2) % STATUSES.size()));
      long start = System.nanoTime();
      HttpResponse<String> page = h.get(h.staffKey, path);
      latencies[i] = System.nanoTime() - start;
      Harness.expect(200, page);
      rows += page.body().split("\"requestId\"", -1).length - 1;
    }
    Costs costs = before.until(h.meter.sample());
    Arrays.sort(latencies);
    Result result = new Result(reads, rows, latencies, costs);
    System.out.printf(
        "worklists: %d pages, %d rows, p50 %.1f ms, p99 %.1f ms%n",
        reads, rows, result.percentileMs(50), result.percentileMs(99));
    return result;
  }
}
