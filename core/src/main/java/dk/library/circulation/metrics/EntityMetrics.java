package dk.library.circulation.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the entities do, for operators: commands by entity type, command and outcome (refusals by
 * rule code) with their latency, events persisted, recovery times and live entities. Recorded in
 * Micrometer's global registry, to which the server adds its Prometheus registry; without one (unit
 * tests) nothing is kept.
 */
public final class EntityMetrics {

  private static final Map<String, AtomicInteger> LIVE = new ConcurrentHashMap<>();

  private static final Map<String, AtomicLong> DEADLINE_GAUGES = new ConcurrentHashMap<>();

  private EntityMetrics() {}

  private static MeterRegistry registry() {
    return Metrics.globalRegistry;
  }

  /**
   * Meters by name and tags, built once: building a meter and finding it in the global registry on
   * every command cost more than recording into it.
   */
  private static final Map<List<String>, Timer> TIMERS = new ConcurrentHashMap<>();

  private static final Map<List<String>, Counter> COUNTERS = new ConcurrentHashMap<>();

  /** One command asked of an entity and its answer: {@code code} is the refusal's rule code. */
  public static void command(String entityType, String command, String code, long nanos) {
    TIMERS
        .computeIfAbsent(
            List.of("commands", entityType, command, code == null ? "" : code),
            key ->
                Timer.builder("circulation.entity.commands")
                    .description(
                        "Commands asked of entities, by type, command and outcome, with latency")
                    .tag("entity", entityType)
                    .tag("command", command)
                    .tag("outcome", code == null ? "accepted" : "rejected")
                    .tag("code", code == null ? "none" : code)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry()))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A command that got no answer in time (or failed). */
  public static void commandFailed(String entityType, String command) {
    Counter.builder("circulation.entity.command.failures")
        .description("Commands asked of entities that timed out or failed")
        .tag("entity", entityType)
        .tag("command", command)
        .register(registry())
        .increment();
  }

  static void eventPersisted(String entityType, String event) {
    COUNTERS
        .computeIfAbsent(
            List.of("events", entityType, event),
            key ->
                Counter.builder("circulation.entity.events")
                    .description("Events persisted, by entity type and event")
                    .tag("entity", entityType)
                    .tag("event", event)
                    .register(registry()))
        .increment();
  }

  /** An event an initial load wrote into a journal for the entity (docs/architecture.md). */
  public static void eventLoaded(String entityType, String event) {
    Counter.builder("circulation.initial.load.events")
        .description("Events an initial load wrote into journals, by entity type and event")
        .tag("entity", entityType)
        .tag("event", event)
        .register(registry())
        .increment();
  }

  static void recovered(String entityType, long nanos) {
    TIMERS
        .computeIfAbsent(
            List.of("recovery", entityType),
            key ->
                Timer.builder("circulation.entity.recovery")
                    .description(
                        "Time from an entity's start to the end of its recovery from the journal")
                    .tag("entity", entityType)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry()))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * One request the journal or snapshot store sent to Cassandra, by kind: a recovery's event read
   * ({@code replay}), a snapshot load, a write batch and its rows. Cassandra requests per entity
   * woken are (replay + snapshot-load) / the recovery timer's count.
   */
  public static void journalRequest(String kind, int rows) {
    COUNTERS
        .computeIfAbsent(
            List.of("journal", kind),
            key ->
                Counter.builder("circulation.journal.requests")
                    .description("Cassandra requests of the journal and snapshot store, by kind")
                    .tag("kind", kind)
                    .register(registry()))
        .increment();
    if (rows > 0) {
      COUNTERS
          .computeIfAbsent(
              List.of("journal-rows", kind),
              key ->
                  Counter.builder("circulation.journal.rows")
                      .description("Rows the journal's requests carried, by kind")
                      .tag("kind", kind)
                      .register(registry()))
          .increment(rows);
    }
  }

  /** The live entities of a type on this node, as the sharding region last reported them. */
  static void live(String entityType, int count) {
    LIVE.computeIfAbsent(
            entityType,
            type -> {
              AtomicInteger value = new AtomicInteger();
              Gauge.builder("circulation.entity.live", value, AtomicInteger::get)
                  .description("Live (started, not passivated) entities on this node, by type")
                  .tag("entity", type)
                  .register(registry());
              return value;
            })
        .set(count);
  }

  /**
   * The deadline keeper's last round: the deadlines due then (at most one round's batch) and how
   * long the oldest of them had waited, its backlog as the operator console shows it.
   */
  public static void deadlinesDue(int due, Duration oldestWaited) {
    deadlineGauge("circulation.deadlines.due", "Deadlines due at the keeper's last round").set(due);
    deadlineGauge(
            "circulation.deadlines.lag.millis",
            "How long the oldest deadline due at the keeper's last round had waited")
        .set(Math.max(0, oldestWaited.toMillis()));
  }

  /** The keeper's current rate of waking targets, as it yields to the serving path. */
  public static void deadlinePace(double perSecond) {
    deadlineGauge(
            "circulation.deadlines.pace",
            "Targets the deadline keeper wakes per second now (lower while serving is slow)")
        .set(Math.round(perSecond));
  }

  /** Deadlines whose target has handled them. */
  public static void deadlinesHandled(int handled) {
    COUNTERS
        .computeIfAbsent(
            List.of("deadlines-handled"),
            key ->
                Counter.builder("circulation.deadlines.handled")
                    .description("Deadlines the keeper handed to their targets and removed")
                    .register(registry()))
        .increment(handled);
  }

  private static AtomicLong deadlineGauge(String name, String description) {
    return DEADLINE_GAUGES.computeIfAbsent(
        name,
        key -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(name, value, AtomicLong::get).description(description).register(registry());
          return value;
        });
  }
}
