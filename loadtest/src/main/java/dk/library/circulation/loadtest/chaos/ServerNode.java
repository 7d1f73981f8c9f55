package dk.library.circulation.loadtest.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server node of the campaign: the real server ({@code dk.library.circulation.server.Main}) in
 * a process of its own, on fixed ports so a restarted node comes back where it was, and the faults
 * the campaign gives it: kill -9, SIGTERM, SIGSTOP and SIGCONT.
 */
final class ServerNode {

  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final int httpPort;
  final int clusterPort;
  final int managementPort;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path log;
  private Process process;

  ServerNode(
      String name,
      int httpPort,
      int clusterPort,
      int managementPort,
      String serverClasspath,
      Map<String, String> environment,
      Path log) {
    this.name = name;
    this.httpPort = httpPort;
    this.clusterPort = clusterPort;
    this.managementPort = managementPort;
    this.environment = environment;
    this.log = log;
    this.command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xms384m", "-Xmx512m", "-XX:+UseZGC"));
    // The machines share two clients; the campaign is about faults, not the rate limits.
    for (String role : List.of("terminal", "staff", "operator")) {
      command.add("-Dlibrary.security.requests-per-second." + role + "=100000");
    }
    command.addAll(List.of("-cp", serverClasspath, "dk.library.circulation.server.Main"));
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** Starts the process (a fresh incarnation after a kill); its output is appended to the log. */
  void start() throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    builder.environment().put("LIBRARY_HTTP_PORT", String.valueOf(httpPort));
    builder.environment().put("LIBRARY_CLUSTER_PORT", String.valueOf(clusterPort));
    builder.environment().put("LIBRARY_MANAGEMENT_PORT", String.valueOf(managementPort));
    process = builder.start();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** kill -9: no shutdown hook, no leave; the cluster finds out by itself. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: a graceful leave; true if the process ended within the time. */
  boolean terminate(Duration within) throws InterruptedException {
    process.destroy();
    return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether the process ends by itself within the time (a node the cluster downed). */
  boolean exited(Duration within) throws InterruptedException {
    return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGSTOP or SIGCONT: a node that stops answering without going (a partition, a long pause). */
  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
    }
  }

  Integer exitValue() {
    return process.isAlive() ? null : process.exitValue();
  }

  /** Until the readiness probe passes: a cluster member Up, shard regions registered, API bound. */
  void awaitReady(Duration within) throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      if (!alive()) {
        throw new IllegalStateException("node " + name + " exited; see " + log.toAbsolutePath());
      }
      if (ready()) {
        return;
      }
      Thread.sleep(200); // polling another process's port
    }
    throw new IllegalStateException(
        "node " + name + " not ready within " + within + "; see " + log.toAbsolutePath());
  }

  boolean ready() {
    try {
      HttpRequest probe =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/ready"))
              .timeout(Duration.ofSeconds(2))
              .build();
      return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The members the node's management port reports Up (empty when it does not answer). */
  String members() {
    try {
      HttpRequest members =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + managementPort + "/cluster/members"))
              .timeout(Duration.ofSeconds(2))
              .build();
      return http.send(members, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  @Override
  public String toString() {
    return name + " (http " + httpPort + ", cluster " + clusterPort + ")";
  }
}
