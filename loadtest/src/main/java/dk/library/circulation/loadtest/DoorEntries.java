package dk.library.circulation.loadtest;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Random;

/**
 * R45 at the national population: an open library's door controller sends card + PIN for random
 * patrons, one entry at a time as a door does, nearly all of them patrons no request has woken
 * since the server started. The door must answer in well under a second.
 */
final class DoorEntries {

  record Result(int entries, int opened, long[] latenciesNanos) {
    double percentileMs(double p) {
      int index = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, index)] / 1e6;
    }

    double maxMs() {
      return latenciesNanos[latenciesNanos.length - 1] / 1e6;
    }
  }

  private DoorEntries() {}

  static Result measure(Harness h, int entries) {
    Population population = h.options.population();
    String doorKey = h.registerClient("door");
    Random random = new Random(45);
    long[] latencies = new long[entries];
    int opened = 0;
    for (int i = 0; i < entries; i++) {
      int patron = random.nextInt(population.patrons());
      String json =
          "{\"agencyId\":\"%s\",\"branchId\":\"main\",\"cardNumber\":\"%s\",\"pin\":\"%s\"}"
              .formatted(
                  population.agencyId(patron % population.agencies()),
                  population.card(patron),
                  Population.PIN);
      long start = System.nanoTime();
      HttpResponse<String> answer = h.post(doorKey, "/api/v1/door-entries", json);
      latencies[i] = System.nanoTime() - start;
      if (answer.statusCode() == 201) {
        opened++;
      }
    }
    Arrays.sort(latencies);
    Result result = new Result(entries, opened, latencies);
    System.out.printf(
        "door entries: %d, opened %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        entries, opened, result.percentileMs(50), result.percentileMs(99), result.maxMs());
    return result;
  }
}
