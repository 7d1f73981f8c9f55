package dk.library.circulation.console;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * What the operator console shows, as configured under {@code library.console}: the sampled history
 * of the server's figures, the cluster's state and the load-test runs.
 */
public record OperatorConsole(
    MetricsHistory history, ClusterView cluster, BenchmarkRuns runs, Duration interval) {

  /** Starts sampling every {@code sample-interval} on the actor system's scheduler. */
  public static OperatorConsole start(
      ActorSystem<?> system,
      Config console,
      MeterRegistry registry,
      List<EntityTypeKey<?>> entityTypes,
      Duration askTimeout,
      Clock clock) {
    Duration interval = console.getDuration("sample-interval");
    // Rates are per second of real time, whatever the injected clock says.
    MetricsHistory history =
        new MetricsHistory(registry, Clock.systemUTC(), interval, console.getDuration("keep"));
    history.sample();
    system
        .scheduler()
        .scheduleAtFixedRate(interval, interval, history::sample, system.executionContext());
    return new OperatorConsole(
        history,
        new ClusterView(system, entityTypes, askTimeout),
        new BenchmarkRuns(
            Path.of(console.getString("results-folder")),
            clock,
            console.getDuration("report-link-ttl")),
        interval);
  }
}
