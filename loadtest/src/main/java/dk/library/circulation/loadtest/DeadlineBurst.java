package dk.library.circulation.loadtest;

import dk.library.circulation.loadtest.GatlingSteps.PeakStep;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * R30 at national scale: many loans fall due the same day. The loans are made through the API (the
 * benchmark agencies' policy has a reminder schedule), then the server starts again with its clock
 * {@link #CLOCK_OFFSET} ahead (library.clock-offset), so every loan's due-soon reminder and first
 * overdue notice are due at once. The deadline keeper works through the patrons at its pace while a
 * national-peak step runs beside it; the step's p99 is set against the same rate's step on a server
 * just started without the clock moved (a fresh JVM's tail, not the warm one of the peak's steps).
 */
final class DeadlineBurst {

  /** Past the due date (28 days) and the first overdue notice (1 day after it). */
  static final String CLOCK_OFFSET = "29d";

  private static final int LENDERS = 32;

  /** Longer than the keeper's rescan: no notice for this long, nothing due, and it is done. */
  private static final Duration QUIET = Duration.ofSeconds(75);

  record Result(
      Lent loans,
      double deadlinesHandled,
      double noticesRecorded,
      double seconds,
      PeakStep beside,
      double paceBeside,
      PeakStep without) {

    double noticesPerSecond() {
      return seconds > 0 ? noticesRecorded / seconds : 0;
    }
  }

  /** The copies tried from the top of the item range, how many were lent, and in how long. */
  record Lent(int attempted, int lent, double seconds) {

    double perSecond() {
      return seconds > 0 ? lent / seconds : 0;
    }
  }

  private DeadlineBurst() {}

  /** Lends up to {@code loans} copies from the top of the item range, several at a time. */
  static Lent lend(Harness h, int loans) throws Exception {
    Population population = h.options.population();
    Instant begin = Instant.now();
    AtomicInteger lent = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(LENDERS);
    try {
      List<Future<?>> lenders = new ArrayList<>();
      for (int t = 0; t < LENDERS; t++) {
        int lender = t;
        lenders.add(
            pool.submit(
                () -> {
                  Random random = new Random(30 + lender);
                  for (int k = lender; k < loans; k += LENDERS) {
                    int item = population.items() - 1 - k;
                    String json =
                        ("{\"transactionId\":\"burst-%d\",\"cardNumber\":\"%s\",\"pin\":\"1234\","
                                + "\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\"}")
                            .formatted(
                                k,
                                population.borrowerFor(item, random),
                                population.barcode(item),
                                population.agencyOfItem(item));
                    HttpResponse<String> answer = h.post(h.terminalKey, "/api/v1/checkouts", json);
                    if (answer.statusCode() == 201) {
                      lent.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> lender : lenders) {
        lender.get();
      }
    } finally {
      pool.shutdown();
    }
    Lent result =
        new Lent(loans, lent.get(), Duration.between(begin, Instant.now()).toMillis() / 1000.0);
    System.out.printf(
        "deadline burst: %d loans made in %.0f s (%.0f/s)%n",
        result.lent(), result.seconds(), result.perSecond());
    return result;
  }

  /** The national-peak step at {@code rate} on a server just started, nothing due yet. */
  static PeakStep stepWithout(Harness h, GatlingSteps gatling, Lent loans, double rate)
      throws Exception {
    return step(h, gatling, loans, rate, "before-deadlines");
  }

  /** The step leaves the burst's copies alone: they are on loan. */
  private static PeakStep step(
      Harness h, GatlingSteps gatling, Lent loans, double rate, String name) throws Exception {
    return gatling.gatling(
        "NationalPeak",
        h.base,
        name,
        rate,
        h.options.peakStepSeconds(),
        List.of("-DshelfItems=" + (h.options.population().items() - loans.attempted())));
  }

  /**
   * On a server started with the clock moved: a peak step at {@code rate} beside the keeper (and
   * the keeper's pace at its end), then waits until the keeper has nothing due (at most an hour).
   */
  static Result measure(Harness h, GatlingSteps gatling, Lent loans, double rate, PeakStep without)
      throws Exception {
    Instant begin = Instant.now();
    double handledBefore = handled(h);
    double noticesBefore = notices(h);
    PeakStep beside = step(h, gatling, loans, rate, "beside-deadlines");
    double paceBeside = Costs.Meter.sum(metrics(h), "circulation_deadlines_pace");
    Instant end = begin;
    Instant giveUp = begin.plus(Duration.ofHours(1));
    double lastNotices = -1;
    while (Instant.now().isBefore(giveUp)) {
      double now = notices(h);
      // A deadline whose patron could not be woken is read again when the rounds start from the
      // beginning (library.deadlines.rescan-every, 1 minute): done only after a quiet rescan.
      if (now == lastNotices && due(h) == 0 && Instant.now().isAfter(end.plus(QUIET))) {
        break;
      }
      if (now != lastNotices) {
        end = Instant.now();
      }
      lastNotices = now;
      Thread.sleep(5_000); // the keeper's rounds have no event to await from outside
    }
    Result result =
        new Result(
            loans,
            handled(h) - handledBefore,
            notices(h) - noticesBefore,
            Duration.between(begin, end).toMillis() / 1000.0,
            beside,
            paceBeside,
            without);
    System.out.printf(
        "deadline burst: %.0f patrons' deadlines, %.0f notices in %.0f s (%.0f/s); peak at %.1f/s"
            + " beside it p99 %.0f ms, the keeper at %.0f/s then%n",
        result.deadlinesHandled(),
        result.noticesRecorded(),
        result.seconds(),
        result.noticesPerSecond(),
        rate,
        beside.p99(),
        paceBeside);
    return result;
  }

  private static String metrics(Harness h) throws Exception {
    return h.get(h.operatorKey, "/metrics").body();
  }

  private static double handled(Harness h) throws Exception {
    return Costs.Meter.sum(metrics(h), "circulation_deadlines_handled_total");
  }

  private static double due(Harness h) throws Exception {
    return Costs.Meter.sum(metrics(h), "circulation_deadlines_due");
  }

  /** Reminder notices recorded (the patron's NoticeRecorded events). */
  private static double notices(Harness h) throws Exception {
    double total = 0;
    for (String line : metrics(h).split("\n")) {
      if (line.startsWith("circulation_entity_events_total{")
          && line.contains("event=\"NoticeRecorded\"")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
