package dk.library.circulation.console;

import dk.library.circulation.http.ApiMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The last hour of the server's own figures for the operator console, sampled every few seconds
 * from the meters /metrics exposes, so the console needs no Prometheus. Each sample turns the
 * counters' and histograms' growth since the previous one into rates and percentiles; the ring
 * keeps {@code keep / interval} samples (720 for an hour every 5 s, about 1 MiB).
 */
public final class MetricsHistory {

  private final MeterRegistry registry;
  private final Clock clock;
  private final int capacity;
  private final ArrayDeque<Sample> ring;
  private Totals previous;

  public MetricsHistory(MeterRegistry registry, Clock clock, Duration interval, Duration keep) {
    this.registry = registry;
    this.clock = clock;
    this.capacity = (int) Math.max(1, keep.toMillis() / interval.toMillis());
    this.ring = new ArrayDeque<>(capacity);
  }

  /** Takes one sample; the first call only sets the starting point. */
  public void sample() {
    Totals now = totals();
    Sample sample = previous == null ? null : between(previous, now);
    synchronized (ring) {
      previous = now;
      if (sample != null) {
        if (ring.size() == capacity) {
          ring.removeFirst();
        }
        ring.addLast(sample);
      }
    }
  }

  /** The samples taken after {@code sinceMillis} (epoch), oldest first. */
  public List<Sample> since(long sinceMillis) {
    synchronized (ring) {
      return ring.stream().filter(s -> s.at() > sinceMillis).toList();
    }
  }

  /** Cumulative readings at one moment; a sample is the difference of two. */
  private record Totals(
      long atMillis,
      Map<String, Double> requestsByKind,
      Histogram requests,
      Map<String, Double> refusals,
      Map<String, Double> wakes,
      Map<String, Double> journal,
      Histogram cassandra,
      double cassandraErrors,
      double gcPauseMillis,
      double deadlinesHandled,
      double noticesRecorded,
      double noticesSent) {}

  private Totals totals() {
    Map<String, Double> byKind = new HashMap<>();
    Histogram requests = new Histogram();
    for (Timer timer : registry.find("http.server.requests").timers()) {
      String route = timer.getId().getTag("route");
      if (route == null || ApiMetrics.operatorsOwn(route)) {
        continue;
      }
      byKind.merge(kindOfRoute(route), (double) timer.count(), Double::sum);
      requests.add(timer);
    }
    for (Timer timer : registry.find("circulation.sip2.requests").timers()) {
      byKind.merge(
          kindOfSipCommand(timer.getId().getTag("command")), (double) timer.count(), Double::sum);
      requests.add(timer);
    }
    Histogram cassandra = new Histogram();
    registry.find("cassandra.session.cql-requests").timers().forEach(cassandra::add);
    double errors = 0;
    for (Meter meter : registry.getMeters()) {
      String name = meter.getId().getName();
      if ((name.startsWith("cassandra.nodes.errors.")
              || name.equals("cassandra.session.cql-client-timeouts"))
          && meter instanceof Counter counter) {
        errors += counter.count();
      }
    }
    double gcPauses = 0;
    for (Timer pause : registry.find("jvm.gc.pause").timers()) {
      gcPauses += pause.totalTime(TimeUnit.MILLISECONDS);
    }
    return new Totals(
        clock.millis(),
        byKind,
        requests,
        countersByTag("circulation.refusals", "code"),
        timerCountsByTag("circulation.entity.recovery", "entity"),
        countersByTag("circulation.journal.requests", "kind"),
        cassandra,
        errors,
        gcPauses,
        counter("circulation.deadlines.handled"),
        eventCount("NoticeRecorded"),
        eventCount("NoticeSent"));
  }

  private Sample between(Totals before, Totals after) {
    double seconds = Math.max(0.001, (after.atMillis() - before.atMillis()) / 1000.0);
    Histogram requests = after.requests().minus(before.requests());
    double noticesWaiting = after.noticesRecorded() - after.noticesSent();
    return new Sample(
        after.atMillis(),
        rates(before.requestsByKind(), after.requestsByKind(), seconds),
        requests.percentile(0.50),
        requests.percentile(0.99),
        rates(before.refusals(), after.refusals(), seconds),
        rates(before.wakes(), after.wakes(), seconds),
        gaugesByTag("circulation.entity.live", "entity"),
        rates(before.journal(), after.journal(), seconds),
        after.cassandra().minus(before.cassandra()).percentile(0.99),
        (after.cassandraErrors() - before.cassandraErrors()) / seconds,
        mebibytes(sumOfGauges("jvm.memory.used", "area", "heap")),
        mebibytes(Runtime.getRuntime().maxMemory()),
        (after.gcPauseMillis() - before.gcPauseMillis()) / seconds,
        registry.find("jvm.gc.pause").timers().stream()
            .mapToDouble(t -> t.max(TimeUnit.MILLISECONDS))
            .max()
            .orElse(0),
        (after.deadlinesHandled() - before.deadlinesHandled()) / seconds,
        (long) gauge("circulation.deadlines.due"),
        gauge("circulation.deadlines.lag.millis") / 1000.0,
        (long) gauge("circulation.deadlines.pace"),
        Math.max(0, (long) noticesWaiting),
        (after.noticesSent() - before.noticesSent()) / seconds);
  }

  static String kindOfRoute(String route) {
    if (route.equals("/api/v1/checkouts")) {
      return "checkout";
    } else if (route.equals("/api/v1/returns")) {
      return "return";
    } else if (route.equals("/api/v1/renewals")) {
      return "renewal";
    } else if (route.equals("/api/v1/patron-status")) {
      return "status";
    } else if (route.contains("/holds")) {
      return "hold";
    }
    return "other";
  }

  /** SIP2 checkout (11), checkin (09), renew and renew all (29, 65), patron status and info. */
  static String kindOfSipCommand(String command) {
    return switch (command == null ? "" : command) {
      case "11" -> "checkout";
      case "09" -> "return";
      case "29", "65" -> "renewal";
      case "23", "63" -> "status";
      default -> "other";
    };
  }

  private static Map<String, Double> rates(
      Map<String, Double> before, Map<String, Double> after, double seconds) {
    Map<String, Double> rates = new TreeMap<>();
    after.forEach(
        (key, count) -> {
          double grown = count - before.getOrDefault(key, 0.0);
          if (grown > 0) {
            rates.put(key, grown / seconds);
          }
        });
    return rates;
  }

  private Map<String, Double> countersByTag(String name, String tag) {
    Map<String, Double> counts = new HashMap<>();
    for (Counter counter : registry.find(name).counters()) {
      counts.merge(counter.getId().getTag(tag), counter.count(), Double::sum);
    }
    return counts;
  }

  private Map<String, Double> timerCountsByTag(String name, String tag) {
    Map<String, Double> counts = new HashMap<>();
    for (Timer timer : registry.find(name).timers()) {
      counts.merge(timer.getId().getTag(tag), (double) timer.count(), Double::sum);
    }
    return counts;
  }

  private Map<String, Long> gaugesByTag(String name, String tag) {
    Map<String, Long> values = new TreeMap<>();
    for (Gauge gauge : registry.find(name).gauges()) {
      values.merge(gauge.getId().getTag(tag), (long) gauge.value(), Long::sum);
    }
    return values;
  }

  private double sumOfGauges(String name, String tag, String value) {
    return registry.find(name).tag(tag, value).gauges().stream().mapToDouble(Gauge::value).sum();
  }

  private double gauge(String name) {
    return registry.find(name).gauges().stream().mapToDouble(Gauge::value).sum();
  }

  private double counter(String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private double eventCount(String event) {
    return registry.find("circulation.entity.events").tag("event", event).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static long mebibytes(double bytes) {
    return Math.round(bytes / (1024 * 1024));
  }

  /**
   * Cumulative counts at each bucket's upper bound (milliseconds) over several timers; the
   * difference of two is the distribution of what happened in between.
   */
  private static final class Histogram {
    private final TreeMap<Double, Double> atMost = new TreeMap<>();
    private double count;

    void add(Timer timer) {
      var snapshot = timer.takeSnapshot();
      count += snapshot.count();
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        atMost.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
      }
    }

    Histogram minus(Histogram earlier) {
      Histogram difference = new Histogram();
      difference.count = count - earlier.count;
      atMost.forEach(
          (bound, n) -> difference.atMost.put(bound, n - earlier.atMost.getOrDefault(bound, 0.0)));
      return difference;
    }

    /**
     * The bucket bound at which the share {@code q} of the counts is reached, interpolated within
     * the bucket; null without counts or buckets.
     */
    Double percentile(double q) {
      if (count <= 0 || atMost.isEmpty()) {
        return null;
      }
      double wanted = q * count;
      double lowerBound = 0;
      double lowerCount = 0;
      for (Map.Entry<Double, Double> bucket : atMost.entrySet()) {
        if (bucket.getValue() >= wanted) {
          double inBucket = bucket.getValue() - lowerCount;
          double share = inBucket <= 0 ? 1 : (wanted - lowerCount) / inBucket;
          return lowerBound + share * (bucket.getKey() - lowerBound);
        }
        lowerBound = bucket.getKey();
        lowerCount = bucket.getValue();
      }
      // Beyond the largest bucket: report its bound, a floor on the true value.
      return atMost.lastKey();
    }
  }
}
