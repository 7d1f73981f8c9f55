package dk.library.circulation.http;

import dk.library.circulation.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's metrics in the Prometheus text format: HTTP requests by method, route template and
 * status class (with a latency histogram), refusals by rule code, the JVM's and the process's own
 * figures, and, through Micrometer's global registry, what the entities record ({@code
 * EntityMetrics}) and the Cassandra driver's session and node metrics (the journal's requests).
 */
public final class ApiMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public ApiMetrics() {
    Metrics.globalRegistry.add(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** Stops receiving the global registry's metrics (a test JVM runs several servers). */
  @Override
  public void close() {
    Metrics.globalRegistry.remove(registry);
  }

  /**
   * The console's own polling and the Prometheus scrape, not the library's traffic: left out of the
   * console's transaction charts and of the serving load the deadline keeper yields to.
   */
  public static boolean operatorsOwn(String route) {
    return route.equals("/metrics")
        || route.equals("/health")
        || route.startsWith("/console")
        || route.startsWith("/api/v1/console");
  }

  /** One timer per method, route and status class, built once (not on every request). */
  private final Map<List<String>, Timer> requests = new ConcurrentHashMap<>();

  void request(String method, String route, int status, long nanos) {
    String statusClass = (status / 100) + "xx";
    requests
        .computeIfAbsent(
            List.of(method, route, statusClass),
            key ->
                Timer.builder("http.server.requests")
                    .description("HTTP requests by method, route template and status class")
                    .tag("method", method)
                    .tag("route", route)
                    .tag("status", statusClass)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private static final Map<List<Object>, Counter> REFUSALS = new ConcurrentHashMap<>();

  void refused(Rejection.Code code) {
    refused("api", code);
  }

  /**
   * A request a library rule refused, by the rule's code and the channel it came by (api, sip2); in
   * the global registry, which every server's registry joins.
   */
  public static void refused(String channel, Rejection.Code code) {
    REFUSALS
        .computeIfAbsent(
            List.of(channel, code),
            key ->
                Counter.builder("circulation.refusals")
                    .description("Requests a library rule refused, by the rule's code and channel")
                    .tag("code", code.name())
                    .tag("channel", channel)
                    .register(Metrics.globalRegistry))
        .increment();
  }

  /** Every meter of the server, the entities' and the driver's included. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
