package dk.library.circulation.loadtest;

import com.datastax.oss.driver.api.core.CqlSession;
import dk.library.circulation.loadtest.CheckoutBenchmark.Options;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The benchmark's hold on what it measures: the server process (started as {@code bin/server}
 * starts it, stopped, its RSS and CPU), its HTTP API with the run's operator, staff and terminal
 * keys, and the cost meter on its {@code /metrics}.
 */
final class Harness {

  private static final Pattern API_KEY = Pattern.compile("\"apiKey\"\\s*:\\s*\"([^\"]+)\"");

  /** A fresh operator key per run, handed to the server process in its environment. */
  final String operatorKey = "benchmark-operator-" + UUID.randomUUID();

  String staffKey;

  String terminalKey;

  /** The SIP2 port of the server started last. */
  int sipPort;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Options options;

  Harness(Options options) {
    this.options = options;
  }

  String base;

  /** The serving server's costs, read from its /metrics and /proc (set once it serves). */
  Costs.Meter meter;

  /** The server's heap: 2 GiB, or {@code BENCHMARK_SERVER_HEAP}. */
  String serverHeap = System.getenv().getOrDefault("BENCHMARK_SERVER_HEAP", "2g");

  /** JVM options and environment a phase needs the server to run with (the memory run's). */
  final List<String> serverOptions = new ArrayList<>();

  /**
   * As bin/server: ZGC, since G1's young pauses (51 ms on average in run 11) were the national
   * peak's p99. The memory run uses G1: ZGC on Java 17 has no compressed pointers, so every entity
   * takes about a third more heap (docs/benchmarks.md, "Memory run").
   */
  String serverCollector = "-XX:+UseZGC";

  final Map<String, String> serverEnvironment = new HashMap<>();

  static void stop(Process server) throws InterruptedException {
    server.destroy();
    if (!server.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the server did not stop within 60 s");
    }
  }

  /** The real server in its own process; {@code mode}: serving or initial-load. */
  Process startServer(int cassandraPort, int httpPort, String mode) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xms" + serverHeap);
    command.add("-Xmx" + serverHeap);
    command.addAll(serverOptions);
    command.add(serverCollector);
    // e.g. BENCHMARK_SERVER_OPTS=-XX:StartFlightRecording=filename=server.jfr to profile the server
    String extra = System.getenv().getOrDefault("BENCHMARK_SERVER_OPTS", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(Arrays.asList(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", options.serverClasspath(), "dk.library.circulation.server.Main"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(options.work().resolve("server.log").toFile()));
    builder.environment().put("LIBRARY_MODE", mode);
    builder.environment().put("LIBRARY_CASSANDRA_MODE", "external");
    builder.environment().put("LIBRARY_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + cassandraPort);
    builder.environment().put("LIBRARY_CASSANDRA_CREATE_SCHEMA", "off");
    builder.environment().put("LIBRARY_HTTP_PORT", String.valueOf(httpPort));
    sipPort = freePort();
    builder.environment().put("LIBRARY_SIP2_PORT", String.valueOf(sipPort));
    builder.environment().put("LIBRARY_CLUSTER_PORT", String.valueOf(freePort()));
    builder.environment().put("LIBRARY_MANAGEMENT_PORT", String.valueOf(freePort()));
    builder.environment().put("LIBRARY_BOOTSTRAP_OPERATOR_KEY", operatorKey);
    builder.environment().putAll(serverEnvironment);
    return builder.start();
  }

  /** Until the server process answers its health check. */
  void awaitHealthy(Process server) throws Exception {
    awaitAnswer(
        server, HttpRequest.newBuilder(URI.create(base + "/health")).build(), 200, "server.log");
  }

  /** Polls a process's HTTP port until the request gets {@code status}, for at most 2 minutes. */
  void awaitAnswer(Process process, HttpRequest request, int status, String log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the process exited; see " + options.work().resolve(log));
      }
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == status) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100); // polling another process's port
    }
    throw new IllegalStateException(
        request.uri()
            + " did not answer "
            + status
            + " within 2 minutes; see "
            + options.work().resolve(log));
  }

  /** Registers a client of every benchmark agency with no practical rate limit; returns its key. */
  String registerClient(String role) {
    return registerClient(
        "benchmark-" + role,
        role,
        IntStream.range(0, options.population().agencies())
            .mapToObj(a -> options.population().agencyId(a))
            .toList());
  }

  /** Registers a client of {@code agencies} with no practical rate limit; returns its key. */
  String registerClient(String clientId, String role, List<String> agencies) {
    HttpResponse<String> registered =
        post(
            operatorKey,
            "/api/v1/clients",
            "{\"clientId\":\""
                + clientId
                + "\",\"name\":\"Benchmark "
                + role
                + "\",\"role\":\""
                + role
                + "\",\"agencies\":["
                + agencies.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(","))
                + "],\"requestsPerSecond\":100000}");
    expect(201, registered);
    Matcher key = API_KEY.matcher(registered.body());
    if (!key.find()) {
      throw new IllegalStateException("no apiKey in " + registered.body());
    }
    return key.group(1);
  }

  /** One GET with a credential. */
  HttpResponse<String> get(String credential, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + credential)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * One POST. A pooled connection the server closed while idle fails before any byte arrives; such
   * a request is sent once more (every request here is idempotent: checkouts and returns by their
   * transaction ids).
   */
  HttpResponse<String> post(String credential, String path, String json) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + credential)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    try {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException closedWhileIdle) {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void expect(int status, HttpResponse<?> response) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          "expected " + status + ", got " + response.statusCode() + ": " + response.body());
    }
  }

  static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** User + system CPU time of a process, in clock ticks (100 per second on Linux). */
  static long cpuTicks(long pid) throws IOException {
    return statField(pid, 14) + statField(pid, 15);
  }

  /** Field {@code number} of /proc/PID/stat, numbered as in proc(5) (14 utime, 15 stime). */
  private static long statField(long pid, int number) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    // The command name (field 2) may hold spaces; field 3 follows its closing parenthesis.
    String[] fromThird = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fromThird[number - 3]);
  }

  /** Major page faults of a process: pages it had to wait for the disk to read back. */
  static long majorFaults(long pid) throws IOException {
    return statField(pid, 12);
  }

  /**
   * Whether the machine pages out memory left idle (a kernel DAMON scheme with the {@code pageout}
   * action, as a VM host may set): file pages idle longer than its minimum age are dropped, so a
   * Cassandra read of data not touched since then waits for the disk.
   */
  static String pageOut() {
    Path kdamonds = Path.of("/sys/kernel/mm/damon/admin/kdamonds");
    List<String> found = new ArrayList<>();
    try (Stream<Path> schemes =
        Files.find(kdamonds, 6, (path, attributes) -> path.endsWith("action"))) {
      for (Path action : schemes.toList()) {
        Path scheme = action.getParent();
        Path context = scheme.getParent().getParent();
        Path kdamond = context.getParent().getParent();
        if (!read(kdamond.resolve("state")).equals("on") || !read(action).equals("pageout")) {
          continue;
        }
        long ageUs =
            Long.parseLong(read(scheme.resolve("access_pattern/age/min")))
                * Long.parseLong(read(context.resolve("monitoring_attrs/intervals/aggr_us")));
        long bytes = Long.parseLong(read(scheme.resolve("quotas/bytes")));
        long perMs = Long.parseLong(read(scheme.resolve("quotas/reset_interval_ms")));
        found.add(
            String.format(
                "on: pages idle %d s or more, up to %d MiB per %d ms",
                ageUs / 1_000_000, bytes >> 20, perMs));
      }
    } catch (IOException | RuntimeException e) {
      return "unknown (" + kdamonds + " not readable)";
    }
    return found.isEmpty() ? "off" : String.join("; ", found);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file).trim();
  }

  /**
   * Waits until a process uses under a tenth of a core for 5 seconds in a row (at most 5 minutes):
   * a server that has just served its first minutes is still compiling its hot code (C2 took one of
   * the two cores for about 90 s in a profiled run), work a long-running server has done.
   */
  static Duration awaitQuiet(long pid) throws IOException, InterruptedException {
    Instant begin = Instant.now();
    Instant deadline = begin.plus(Duration.ofMinutes(5));
    int quiet = 0;
    long ticks = cpuTicks(pid);
    while (quiet < 5 && Instant.now().isBefore(deadline)) {
      Thread.sleep(1_000); // sampling CPU time; there is nothing to await
      long now = cpuTicks(pid);
      quiet = now - ticks < 10 ? quiet + 1 : 0;
      ticks = now;
    }
    return Duration.between(begin, Instant.now());
  }

  static CqlSession session(int port) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", port))
        .withLocalDatacenter("datacenter1")
        .build();
  }

  /**
   * A free port below Linux's ephemeral range (32768-60999): a server started on it again after the
   * initial load cannot find it taken as the source port of some outgoing connection.
   */
  static int freePort() throws IOException {
    java.util.Random random = new java.util.Random();
    for (int tries = 0; tries < 100; tries++) {
      int port = 20_000 + random.nextInt(12_000);
      try (ServerSocket s = new ServerSocket(port)) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port in 20000-31999");
  }
}
