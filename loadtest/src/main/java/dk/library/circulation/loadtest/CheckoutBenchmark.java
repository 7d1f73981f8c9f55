package dk.library.circulation.loadtest;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dk.library.circulation.cassandra.LocalCassandra;
import dk.library.circulation.cassandra.Schema;
import dk.library.circulation.loadtest.gatling.CirculationMix;
import dk.library.circulation.loadtest.gatling.HttpLimit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * First throughput figure of the circulation core, with its baseline from the same run: the raw
 * insert rate of the same Cassandra node (the journal's physical limit on this machine), then
 * checkouts per second through the real server over HTTP from concurrent clients.
 *
 * <p>Everything runs on this machine: a fresh Cassandra node, the server as its own process (as
 * {@code bin/server} runs it), and the client loop in this JVM.
 */
public final class CheckoutBenchmark {

  record Options(
      int warmupSeconds,
      int seconds,
      int clients,
      Population population,
      int rawWarmupSeconds,
      int rawSeconds,
      Path work,
      String serverClasspath,
      double peakStartRate,
      int peakSteps,
      int peakStepsDown,
      int peakStepSeconds,
      int soakSeconds,
      boolean quick) {

    static Options parse(String[] args) {
      boolean quick = Arrays.asList(args).contains("--quick");
      String classpath = null;
      for (int i = 0; i < args.length - 1; i++) {
        if (args[i].equals("--server-classpath")) {
          classpath = args[i + 1];
        }
      }
      Population population = null;
      for (int i = 0; i < args.length - 1; i++) {
        if (args[i].equals("--population")) {
          String[] sizes = args[i + 1].split(",");
          if (sizes.length != 2 || !args[i + 1].matches("[0-9]+,[0-9]+")) {
            throw new IllegalArgumentException(
                "--population takes PATRONS,ITEMS, e.g. 200000,1000000; was " + args[i + 1]);
          }
          population =
              new Population(AGENCIES, Integer.parseInt(sizes[0]), Integer.parseInt(sizes[1]));
        }
      }
      if (population == null) {
        population =
            quick
                ? new Population(AGENCIES, 1_000, 4_000)
                : new Population(AGENCIES, 200_000, 1_000_000);
      }
      if (classpath == null) {
        throw new IllegalArgumentException(
            "--server-classpath CLASSPATH is required (bin/benchmark passes it)");
      }
      Path work = Path.of("loadtest/target/benchmark");
      return quick
          ? new Options(5, 10, 32, population, 10, 5, work, classpath, 20, 2, 0, 10, 20, true)
          : new Options(20, 40, 64, population, 60, 20, work, classpath, 20, 11, 2, 20, 180, false);
    }
  }

  /** The national population has at least ten agencies. */
  static final int AGENCIES = 10;

  private static final Pattern API_KEY = Pattern.compile("\"apiKey\"\\s*:\\s*\"([^\"]+)\"");

  /** A fresh operator key per run, handed to the server process in its environment. */
  private final String operatorKey = "benchmark-operator-" + UUID.randomUUID();

  private String staffKey;
  private String terminalKey;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Options options;
  private String base;

  /** The serving server's costs, read from its /metrics and /proc (set once it serves). */
  private Costs.Meter meter;

  private CheckoutBenchmark(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    new CheckoutBenchmark(Options.parse(args)).run();
  }

  private void run() throws Exception {
    deleteRecursively(options.work());
    try (LocalCassandra node =
        LocalCassandra.start(
                LocalCassandra.Settings.onFreePorts(options.work().resolve("cassandra"), "2g"))
            .stopOnExit()) {
      double rawInserts =
          rawInsertRate(node.nativePort(), options.rawWarmupSeconds(), options.rawSeconds());
      HttpLimits httpLimit = httpLimits();
      try (CqlSession session = session(node.nativePort())) {
        Schema.create(session, Schema.Keyspaces.local("library"));
      }

      int httpPort = freePort();
      base = "http://127.0.0.1:" + httpPort;
      // The population arrives as a library's data does: an initial load, then the server serves.
      Process loader = startServer(node.nativePort(), httpPort, "initial-load");
      Import setup;
      try {
        awaitHealthy(loader);
        setup = setUpLibrary();
      } finally {
        stop(loader);
      }
      setup = setup.settled(awaitCompaction(node.nativePort()));
      Instant serverBegin = Instant.now();
      Process server = startServer(node.nativePort(), httpPort, "serving");
      try {
        awaitHealthy(server);
        Duration serverStart = Duration.between(serverBegin, Instant.now());
        long serverRssIdle = rssKib(server.pid());
        meter = new Costs.Meter(http, base, operatorKey, server.pid(), node.pid());
        Run checkouts = checkoutLoop(server.pid(), node.pid());
        List<PeakStep> peak = nationalPeak();
        Soak soak = soak(server.pid(), highestHeld(peak, options.peakStartRate()));
        HeapPerEntity heap = heapPerEntity(server.pid());
        long serverRss = rssKib(server.pid());
        saveMetrics();
        long cassandraRss = rssKib(node.pid());
        report(
            node,
            serverStart,
            setup,
            rawInserts,
            httpLimit,
            checkouts,
            serverRssIdle,
            serverRss,
            cassandraRss,
            peak,
            soak,
            heap);
      } finally {
        stop(server);
      }
    }
  }

  private static void stop(Process server) throws InterruptedException {
    server.destroy();
    if (!server.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the server did not stop within 60 s");
    }
  }

  /**
   * Async prepared inserts of ~200-byte rows, 256 in flight: the journal's physical limit. A fresh
   * node spends its first minute compiling (C2), so only the rate after the warm-up counts.
   */
  private static double rawInsertRate(int port, int warmupSeconds, int seconds) throws Exception {
    try (CqlSession session = session(port)) {
      session.execute(
          "CREATE KEYSPACE IF NOT EXISTS raw_baseline WITH replication = {'class':"
              + " 'SimpleStrategy', 'replication_factor': 1}");
      session.execute(
          "CREATE TABLE IF NOT EXISTS raw_baseline.rows (pk text, ck bigint, payload blob, PRIMARY"
              + " KEY (pk, ck))");
      PreparedStatement insert =
          session.prepare("INSERT INTO raw_baseline.rows (pk, ck, payload) VALUES (?, ?, ?)");
      byte[] payload = new byte[200];
      new Random(1).nextBytes(payload);
      Semaphore inFlight = new Semaphore(256);
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
      long counted = 0;
      long i = 0;
      long startCount = -1;
      while (System.nanoTime() < end) {
        if (startCount < 0 && System.nanoTime() >= warmupEnd) {
          startCount = done.get();
        }
        inFlight.acquire();
        session
            .executeAsync(insert.bind("p" + (i % 10_000), i, ByteBuffer.wrap(payload)))
            .whenComplete(
                (rs, error) -> {
                  if (error == null) {
                    done.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                  }
                  inFlight.release();
                });
        i++;
      }
      counted = done.get() - Math.max(startCount, 0);
      inFlight.acquire(256);
      if (failed.get() > 0) {
        System.out.println("raw baseline: " + failed.get() + " inserts failed");
      }
      return counted / (double) seconds;
    }
  }

  /**
   * The HTTP limit: the same clients, two small JSON POSTs per iteration like a checkout and a
   * return, against {@link TrivialEndpoint} in its own JVM with the server's heap.
   */
  /** The HTTP limit twice: under the loop's clients and under the national peak's injection. */
  record HttpLimits(double loop, List<PeakStep> gatling) {
    double gatlingRate() {
      return highestHeld(gatling, 0);
    }
  }

  private HttpLimits httpLimits() throws Exception {
    int port = freePort();
    Process endpoint =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g",
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                TrivialEndpoint.class.getName(),
                String.valueOf(port))
            .redirectErrorStream(true)
            .redirectOutput(options.work().resolve("trivial-endpoint.log").toFile())
            .start();
    String savedBase = base;
    base = "http://127.0.0.1:" + port;
    try {
      awaitAnswer(
          endpoint,
          HttpRequest.newBuilder(URI.create(base + "/echo"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{}"))
              .build(),
          201,
          "trivial-endpoint.log");
      AtomicLong requests = new AtomicLong();
      long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
      long end = measureFrom + TimeUnit.SECONDS.toNanos(options.seconds());
      String body =
          "{\"transactionId\":\"co-1\",\"cardNumber\":\"9000000001\",\"pin\":\"1234\","
              + "\"barcode\":\"B1\",\"agencyId\":\"DK-BENCH-01\",\"branchId\":\"main\"}";
      ExecutorService pool = Executors.newFixedThreadPool(options.clients());
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < options.clients(); c++) {
        futures.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    int okCount = 0;
                    for (int i = 0; i < 2; i++) {
                      okCount += post(operatorKey, "/echo", body).statusCode() == 201 ? 1 : 0;
                    }
                    if (t0 >= measureFrom && System.nanoTime() <= end) {
                      requests.addAndGet(okCount);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      double loop = requests.get() / (double) options.seconds();
      return new HttpLimits(loop, httpLimitLevels());
    } finally {
      base = savedBase;
      endpoint.destroy();
      endpoint.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The real server in its own process; {@code mode}: serving or initial-load. */
  private Process startServer(int cassandraPort, int httpPort, String mode) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // BENCHMARK_SERVER_HEAP=4g for the run that keeps a million entities live (docs/benchmarks.md)
    String heap = System.getenv().getOrDefault("BENCHMARK_SERVER_HEAP", "2g");
    command.add("-Xms" + heap);
    command.add("-Xmx" + heap);
    // As bin/server: G1 aims at 25 ms pauses (young pauses up to 138 ms with its default 200 ms).
    command.add("-XX:MaxGCPauseMillis=25");
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
    builder.environment().put("LIBRARY_CLUSTER_PORT", String.valueOf(freePort()));
    builder.environment().put("LIBRARY_BOOTSTRAP_OPERATOR_KEY", operatorKey);
    return builder.start();
  }

  /** Until the server process answers its health check. */
  private void awaitHealthy(Process server) throws Exception {
    awaitAnswer(
        server, HttpRequest.newBuilder(URI.create(base + "/health")).build(), 200, "server.log");
  }

  /** Polls a process's HTTP port until the request gets {@code status}, for at most 2 minutes. */
  private void awaitAnswer(Process process, HttpRequest request, int status, String log)
      throws Exception {
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

  /**
   * After a library's first load an operator lets Cassandra's compaction catch up before opening
   * (the load leaves a backlog of small SSTables that every read would otherwise pay for): waits
   * until no compaction has run for 5 s in a row (the node's {@code system_views.sstable_tasks}),
   * at most 10 minutes, and says how long that took.
   */
  private static Duration awaitCompaction(int port) throws InterruptedException {
    Instant begin = Instant.now();
    Instant deadline = begin.plus(Duration.ofMinutes(10));
    int quiet = 0;
    try (CqlSession session = session(port)) {
      while (quiet < 5 && Instant.now().isBefore(deadline)) {
        boolean compacting =
            session.execute("SELECT kind FROM system_views.sstable_tasks").one() != null;
        quiet = compacting ? 0 : quiet + 1;
        Thread.sleep(1_000); // polling the node's task list; it has nothing to await
      }
    }
    Duration took = Duration.between(begin, Instant.now());
    System.out.printf("compaction after the load settled in %d s%n", took.toSeconds());
    return took;
  }

  /**
   * The population's size, how long its bulk import took and how long compaction took to settle
   * after it (null until then).
   */
  record Import(long records, Duration took, Duration compaction) {
    double rate() {
      return records / (took.toMillis() / 1000.0);
    }

    Import settled(Duration after) {
      return new Import(records, took, after);
    }
  }

  /**
   * The operator imports the agencies and registers a staff and a terminal client for all of them;
   * the staff client then imports the patrons and items in one streamed {@code POST
   * /api/v1/imports} from a file.
   */
  private Import setUpLibrary() throws Exception {
    Population population = options.population();
    importFile(
        operatorKey,
        HttpRequest.BodyPublishers.ofString(population.agencyLines()),
        population.agencies());
    staffKey = registerClient("staff");
    terminalKey = registerClient("terminal");
    Path file = options.work().resolve("import.ndjson");
    population.writeImport(file);
    long records = (long) population.patrons() + population.items();
    Instant begin = Instant.now();
    importFile(staffKey, HttpRequest.BodyPublishers.ofFile(file), records);
    Import done = new Import(records, Duration.between(begin, Instant.now()), null);
    System.out.printf(
        "imported %d patrons and %d items in %d s (%.0f records/s)%n",
        population.patrons(), population.items(), done.took().toSeconds(), done.rate());
    return done;
  }

  private void importFile(String credential, HttpRequest.BodyPublisher body, long expected)
      throws Exception {
    HttpResponse<Stream<String>> imported =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/imports"))
                .header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + credential)
                .timeout(Duration.ofHours(12))
                .POST(body)
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    if (imported.statusCode() != 200) {
      throw new IllegalStateException("the import answered " + imported.statusCode());
    }
    String[] last = {""};
    String[] firstProblem = {null};
    try (Stream<String> lines = imported.body()) {
      lines.forEach(
          line -> {
            last[0] = line;
            if (firstProblem[0] == null && line.contains("\"problem\"")) {
              firstProblem[0] = line;
            }
            if (line.startsWith("{\"progress\"")) {
              System.out.println("import " + line);
            }
          });
    }
    if (!last[0].contains("\"imported\":" + expected) || !last[0].contains("\"failed\":0")) {
      throw new IllegalStateException(
          "the import did not register everything: "
              + last[0]
              + "; first problem: "
              + firstProblem[0]);
    }
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

  /**
   * Each client takes an item off the shelf, checks it out to a random patron, returns it and puts
   * it back: every request succeeds by construction. Only the time after the warm-up counts.
   */
  private Run checkoutLoop(long serverPid, long cassandraPid) throws Exception {
    ConcurrentLinkedQueue<Integer> shelf = new ConcurrentLinkedQueue<>();
    Population population = options.population();
    for (int i = 0; i < population.items(); i++) {
      shelf.add(i);
    }
    AtomicLong transactions = new AtomicLong();
    AtomicLong checkouts = new AtomicLong();
    AtomicLong returns = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
    long end = measureFrom + TimeUnit.SECONDS.toNanos(options.seconds());
    ExecutorService pool = Executors.newFixedThreadPool(options.clients());
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < options.clients(); c++) {
      futures.add(
          pool.submit(
              () -> {
                Random random = new Random();
                long[] latencies = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < end) {
                  Integer item = shelf.poll();
                  if (item == null) {
                    continue;
                  }
                  long tx = transactions.incrementAndGet();
                  long t0 = System.nanoTime();
                  String checkout =
                      "{\"transactionId\":\"co-"
                          + tx
                          + "\",\"cardNumber\":\""
                          + population.borrowerFor(item, random)
                          + "\",\"pin\":\"1234\",\"barcode\":\""
                          + population.barcode(item)
                          + "\",\"agencyId\":\""
                          + population.agencyOfItem(item)
                          + "\",\"branchId\":\"main\"}";
                  HttpResponse<String> out = post(terminalKey, "/api/v1/checkouts", checkout);
                  // As a self-service machine does: a 503 is retried with the same transaction id.
                  for (int attempt = 1; out.statusCode() == 503 && attempt <= 3; attempt++) {
                    retries.incrementAndGet();
                    out = post(terminalKey, "/api/v1/checkouts", checkout);
                  }
                  long t1 = System.nanoTime();
                  boolean measured = t0 >= measureFrom && t1 <= end;
                  if (out.statusCode() != 201) {
                    errors.incrementAndGet();
                    System.out.println("checkout failed: " + out.statusCode() + " " + out.body());
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
                  String giveBack =
                      "{\"transactionId\":\"re-"
                          + tx
                          + "\",\"barcode\":\""
                          + population.barcode(item)
                          + "\",\"agencyId\":\""
                          + population.agencyOfItem(item)
                          + "\",\"branchId\":\"main\"}";
                  HttpResponse<String> back = post(terminalKey, "/api/v1/returns", giveBack);
                  for (int attempt = 1; back.statusCode() == 503 && attempt <= 3; attempt++) {
                    retries.incrementAndGet();
                    back = post(terminalKey, "/api/v1/returns", giveBack);
                  }
                  if (back.statusCode() != 200) {
                    errors.incrementAndGet();
                    System.out.println("return failed: " + back.statusCode() + " " + back.body());
                  } else if (System.nanoTime() <= end && t0 >= measureFrom) {
                    returns.incrementAndGet();
                  }
                  shelf.add(item);
                }
                return Arrays.copyOf(latencies, n);
              }));
    }
    while (System.nanoTime() < measureFrom) {
      Thread.sleep(10); // waiting for a moment in time
    }
    long serverTicks = cpuTicks(serverPid);
    long cassandraTicks = cpuTicks(cassandraPid);
    Costs.Sample before = meter.sample();
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> f : futures) {
      all.add(f.get());
    }
    Costs costs = before.until(meter.sample());
    double serverCores = (cpuTicks(serverPid) - serverTicks) / 100.0 / options.seconds();
    double cassandraCores = (cpuTicks(cassandraPid) - cassandraTicks) / 100.0 / options.seconds();
    pool.shutdown();
    long[] latencies = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Run(
        checkouts.get(),
        returns.get(),
        errors.get(),
        retries.get(),
        options.seconds(),
        latencies,
        serverCores,
        cassandraCores,
        costs);
  }

  private void report(
      LocalCassandra node,
      Duration serverStart,
      Import setup,
      double rawInserts,
      HttpLimits httpLimit,
      Run run,
      long serverRssIdle,
      long serverRss,
      long cassandraRss,
      List<PeakStep> peak,
      Soak soak,
      HeapPerEntity heap)
      throws IOException {
    Population population = options.population();
    // Counted by the server while the loop was measured (all events, of every entity).
    double eventsPerSecond = run.costs().events() / run.seconds();
    double peakRate = highestHeld(peak, 0);
    double peakCheckouts =
        peak.stream()
            .filter(PeakStep::holds)
            .mapToDouble(s -> s.checkouts() / (double) options.peakStepSeconds())
            .max()
            .orElse(0);
    String summary =
        String.join(
            "\n",
            "| figure | value |",
            "|---|---|",
            "| Cassandra start (to CQL answering) | " + node.startDuration().toMillis() + " ms |",
            "| server start (process start to /health) | " + serverStart.toMillis() + " ms |",
            "| population: "
                + population.agencies()
                + " agencies, "
                + population.patrons()
                + " patrons, "
                + population.items()
                + " items, bulk import (POST /api/v1/imports) | "
                + setup.took().toSeconds()
                + " s ("
                + Math.round(setup.rate())
                + " records/s) |",
            "| compaction settling after the load, before serving (no task for 5 s) | "
                + setup.compaction().toSeconds()
                + " s |",
            "| raw Cassandra inserts (baseline, "
                + options.rawSeconds()
                + " s after "
                + options.rawWarmupSeconds()
                + " s warm-up) | "
                + Math.round(rawInserts)
                + " /s |",
            "| HTTP limit: trivial Pekko HTTP endpoint, the loop's clients (baseline) | "
                + Math.round(httpLimit.loop())
                + " requests/s |",
            "| HTTP limit: the same endpoint under the national peak's Gatling injection"
                + " (baseline; highest rate with p99 <= 50 ms, no errors) | "
                + Math.round(httpLimit.gatlingRate())
                + " requests/s |",
            "| checkouts over HTTP ("
                + options.clients()
                + " clients, checkout + return loop, "
                + options.seconds()
                + " s after "
                + options.warmupSeconds()
                + " s warm-up) | "
                + Math.round(run.checkoutRate())
                + " /s |",
            "| returns in the same loop | " + Math.round(run.returnRate()) + " /s |",
            "| checkout latency p50 / p95 / p99 | "
                + fmt(run.percentileMs(50))
                + " / "
                + fmt(run.percentileMs(95))
                + " / "
                + fmt(run.percentileMs(99))
                + " ms |",
            "| errors (after retries) / 503s retried with the same transaction id | "
                + run.errors()
                + " / "
                + run.retries()
                + " |",
            "| events persisted (counted by the server) | "
                + Math.round(eventsPerSecond)
                + " /s |",
            "| national peak: highest arrival rate with p99 <= 50 ms and no errors | "
                + (peakRate > 0 ? rate(peakRate) + " /s" : "none of the steps")
                + " |",
            "| CPU used while measuring the loop: server / Cassandra | "
                + String.format("%.2f / %.2f", run.serverCores(), run.cassandraCores())
                + " cores (of 2) |",
            "| RSS server idle / after load | "
                + serverRssIdle / 1024
                + " / "
                + serverRss / 1024
                + " MiB |",
            "| RSS Cassandra after load | " + cassandraRss / 1024 + " MiB |",
            "| heap per live entity after the soak (after a full GC: heap used / live entities) | "
                + heap.row()
                + " |",
            "",
            "Ratios to the baselines of this run:",
            "",
            "| ratio | value |",
            "|---|---|",
            "| events persisted/s (loop) / raw inserts/s | "
                + String.format("%.3f", eventsPerSecond / rawInserts)
                + " |",
            "| checkouts/s (loop) / HTTP-limit requests/s (loop's clients) | "
                + String.format("%.3f", run.checkoutRate() / httpLimit.loop())
                + " |",
            "| (checkouts + returns)/s (loop) / HTTP-limit requests/s (loop's clients) | "
                + String.format("%.3f", (run.checkoutRate() + run.returnRate()) / httpLimit.loop())
                + " |",
            "| national-peak arrivals/s / HTTP-limit arrivals/s (both Gatling, p99 <= 50 ms) | "
                + String.format("%.3f", peakRate / httpLimit.gatlingRate())
                + " |",
            "| national-peak checkouts/s / HTTP-limit requests/s (Gatling) | "
                + String.format("%.3f", peakCheckouts / httpLimit.gatlingRate())
                + " |",
            "");
    summary +=
        "\n\nCost per transaction (one API request) from the server's /metrics and /proc:\n\n"
            + Costs.header()
            + "\n"
            + run.costs().row("checkout + return loop")
            + "\n"
            + peak.stream()
                .filter(s -> s.costs() != null)
                .map(s -> s.costs().row("national peak at " + rate(s.rate()) + "/s"))
                .collect(java.util.stream.Collectors.joining("\n"))
            + "\n\n"
            + peakTable("National peak (Gatling, open model, mix 45/30/10/10/5)", peak)
            + "\n"
            + peakTable(
                "HTTP limit (Gatling, the same injection, trivial endpoint)", httpLimit.gatling())
            + String.format(
                "%nSoak (Gatling `Soak`): %s arrivals/s for %d s: %d requests, %d failed, p50 /"
                    + " p95 / p99 %.0f / %.0f / %.0f ms; server RSS %d -> %d MiB%n",
                rate(soak.step().rate()),
                soak.seconds(),
                soak.step().requests(),
                soak.step().failed(),
                soak.step().p50(),
                soak.step().p95(),
                soak.step().p99(),
                soak.rssBeforeKib() / 1024,
                soak.rssAfterKib() / 1024);
    System.out.println(summary);
    Files.writeString(options.work().resolve("summary.md"), summary);
    System.out.println("Written to " + options.work().resolve("summary.md"));
    // A quick run is a smoke test: its figures stay under target/, the docs keep the full run's.
    if (!options.quick()) {
      writeIntoDocs(summary);
    }
  }

  private static final String LATEST_START = "<!-- latest run: written by bin/benchmark -->";
  private static final String LATEST_END = "<!-- end of latest run -->";

  /**
   * Puts the summary into docs/benchmarks.md between its markers (appended the first time), so the
   * figures of the last run are in the repository's docs; the sections above it keep the history.
   */
  private void writeIntoDocs(String summary) throws IOException {
    Path docs = Path.of("docs", "benchmarks.md");
    if (!Files.exists(docs)) {
      return;
    }
    String text = Files.readString(docs);
    String section =
        LATEST_START
            + "\n## Latest run ("
            + LocalDate.now()
            + ", "
            + (options.quick() ? "quick" : "full")
            + ")\n\n"
            + summary
            + "\n"
            + LATEST_END;
    int start = text.indexOf(LATEST_START);
    int end = text.indexOf(LATEST_END);
    String updated =
        start >= 0 && end > start
            ? text.substring(0, start) + section + text.substring(end + LATEST_END.length())
            : text.stripTrailing() + "\n\n" + section + "\n";
    Files.writeString(docs, updated);
    System.out.println("Written into " + docs);
  }

  /** One rate of the national-peak search and what Gatling measured at it. */
  record PeakStep(
      double rate,
      long checkouts,
      long requests,
      long failed,
      double p50,
      double p95,
      double p99,
      String report,
      Costs costs) {
    boolean holds() {
      return requests > 0 && failed == 0 && p99 <= 50;
    }

    PeakStep withCosts(Costs measured) {
      return new PeakStep(rate, checkouts, requests, failed, p50, p95, p99, report, measured);
    }
  }

  /** Where the HTTP limit's search starts: far below what the trivial endpoint carries. */
  private static final double HTTP_LIMIT_START_RATE = 500;

  /**
   * The Gatling simulation {@code NationalPeak} in its own JVM at rising arrival rates (x1.5 each
   * step) until a step misses p99 <= 50 ms or has errors; if the start rate already misses, at
   * falling rates (/1.5 each) until one holds, so the run still finds the rate that does. Each step
   * writes its HTML report and warms up at its rate before it measures (the simulation's warm-up
   * group).
   */
  private List<PeakStep> nationalPeak() throws Exception {
    List<PeakStep> steps = new ArrayList<>();
    double rate = options.peakStartRate();
    for (int i = 0; i < options.peakSteps(); i++) {
      PeakStep step = peakStep(steps.size() + 1, rate);
      steps.add(step);
      if (!step.holds()) {
        break;
      }
      rate *= HttpLimit.FACTOR;
    }
    rate = options.peakStartRate();
    for (int i = 0; i < options.peakStepsDown() && highestHeld(steps, 0) == 0; i++) {
      rate /= HttpLimit.FACTOR;
      steps.add(peakStep(steps.size() + 1, rate));
    }
    return steps;
  }

  private PeakStep peakStep(int number, double rate) throws Exception {
    Costs.Sample before = meter.sample();
    PeakStep step =
        gatling("NationalPeak", base, "step-" + number, rate, options.peakStepSeconds())
            .withCosts(before.until(meter.sample()));
    System.out.printf(
        "national peak at %.1f/s: %d requests, %d failed, p99 %.0f ms%n",
        rate, step.requests(), step.failed(), step.p99());
    return step;
  }

  /**
   * The HttpLimit simulation: all its levels in one Gatling run (a JVM and a report per step would
   * take minutes at these rates), each level read from the report by its requests' name, up to the
   * first that misses p99 <= 50 ms or has errors.
   */
  private List<PeakStep> httpLimitLevels() throws Exception {
    // Up to 500/s x1.5^8, about 12,800/s: with the in-run warm-up 8,543/s held, so the limit lies
    // above it; levels past the first miss would only queue behind it, for minutes.
    int levels = 9;
    // Shorter levels in the quick run: ten of them with Gatling's report take minutes otherwise.
    int seconds = options.quick() ? 3 : 10;
    Path results = options.work().resolve("gatling").resolve("HttpLimit");
    Process gatling =
        gatlingProcess(
            "HttpLimit",
            base,
            results,
            HTTP_LIMIT_START_RATE,
            seconds,
            // A level past the limit fails its requests after 5 s instead of queueing them for
            // Gatling's default minute, so the run ends soon after it.
            List.of("-Dlevels=" + levels, "-Dgatling.http.requestTimeout=5000"));
    gatling.waitFor(levels * seconds + 600L, TimeUnit.SECONDS);
    Path report = report(results);
    String stats = Files.readString(report.resolveSibling("js").resolve("stats.js"));
    List<PeakStep> steps = new ArrayList<>();
    for (int k = 0; k < levels; k++) {
      double rate = HTTP_LIMIT_START_RATE * Math.pow(HttpLimit.FACTOR, k);
      PeakStep step = step(stats, HttpLimit.level(rate), rate, report);
      steps.add(step);
      System.out.printf(
          "HttpLimit at %.0f/s: %d requests, %d failed, p99 %.0f ms%n",
          rate, step.requests(), step.failed(), step.p99());
      if (!step.holds()) {
        break;
      }
    }
    return steps;
  }

  /** Heap used after a full GC, divided by the entities live on the server at that moment. */
  record HeapPerEntity(double heapUsedBytes, double liveEntities) {
    String row() {
      return String.format(
          "%.0f MiB / %.0f entities = %s",
          heapUsedBytes / (1024 * 1024),
          liveEntities,
          liveEntities > 0 ? String.format("%.2f KiB", heapUsedBytes / liveEntities / 1024) : "-");
    }
  }

  private HeapPerEntity heapPerEntity(long serverPid) throws Exception {
    Process gc =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(serverPid),
                "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gc.waitFor(60, TimeUnit.SECONDS);
    Costs.Sample sample = meter.sample();
    return new HeapPerEntity(sample.heapUsedBytes(), sample.liveEntities());
  }

  /**
   * Keeps the server's {@code /metrics} at the end of the run beside the summary: where the time
   * went (entity recovery and command latency, journal requests, GC) for whoever reads the figures.
   */
  private void saveMetrics() throws Exception {
    HttpResponse<Path> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Authorization", "Bearer " + operatorKey)
                .build(),
            HttpResponse.BodyHandlers.ofFile(options.work().resolve("metrics.txt")));
    expect(200, metrics);
  }

  /** The highest rate of a search that held, else {@code otherwise}. */
  static double highestHeld(List<PeakStep> steps, double otherwise) {
    return steps.stream()
        .filter(PeakStep::holds)
        .mapToDouble(PeakStep::rate)
        .max()
        .orElse(otherwise);
  }

  /**
   * The soak: the same mix at a fixed rate for longer, with the server's memory before and after.
   */
  private Soak soak(long serverPid, double rate) throws Exception {
    long before = rssKib(serverPid);
    PeakStep step = gatling("Soak", base, "soak", rate, options.soakSeconds());
    return new Soak(step, options.soakSeconds(), before, rssKib(serverPid));
  }

  record Soak(PeakStep step, int seconds, long rssBeforeKib, long rssAfterKib) {}

  /** One run of a simulation in its own JVM at {@code rate} arrivals/s against {@code url}. */
  private PeakStep gatling(String simulation, String url, String name, double rate, int seconds)
      throws Exception {
    Path results = options.work().resolve("gatling").resolve(simulation).resolve(name);
    Process gatling = gatlingProcess(simulation, url, results, rate, seconds, List.of());
    // The soak's simulation ramps up for 10 s before its fixed rate.
    gatling.waitFor(seconds + 310L, TimeUnit.SECONDS);
    Path report = report(results);
    return step(
        Files.readString(report.resolveSibling("js").resolve("stats.js")),
        CirculationMix.MEASURED,
        rate,
        report);
  }

  private Process gatlingProcess(
      String simulation, String url, Path results, double rate, int seconds, List<String> extra)
      throws IOException {
    Files.createDirectories(results);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // Gatling's log writer reads String internals.
    command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    command.add("-DbaseUrl=" + url);
    command.add("-DterminalKey=" + (terminalKey == null ? operatorKey : terminalKey));
    command.add("-DstaffKey=" + staffKey);
    command.addAll(options.population().systemProperties());
    command.add("-Drate=" + rate);
    command.add("-Dseconds=" + seconds);
    command.add("-DwarmUpSeconds=" + (options.quick() ? 5 : 10));
    command.addAll(extra);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.gatling.app.Gatling",
            "-s",
            "dk.library.circulation.loadtest.gatling." + simulation,
            "-rf",
            results.toString()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(results.resolve("gatling.log").toFile())
        .start();
  }

  /** The HTML report a Gatling run wrote under {@code results}. */
  private static Path report(Path results) throws IOException {
    try (Stream<Path> files = Files.walk(results)) {
      return files
          .filter(p -> p.getFileName().toString().equals("index.html"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no Gatling report in " + results + "; see its gatling.log"));
    }
  }

  /**
   * A step's figures from its Gatling report ({@code js/stats.js}), for the requests or the group
   * (the mix's transactions) named {@code measured}; its checkouts are the requests named {@code
   * checkout} in that group.
   */
  private static PeakStep step(String stats, String measured, double rate, Path report) {
    int group = stats.indexOf("name: \"" + measured + "\"");
    return new PeakStep(
        rate,
        group < 0
            ? 0
            : (long) figure(stats.substring(group), "checkout", "numberOfRequests", "total"),
        (long) figure(stats, measured, "numberOfRequests", "total"),
        (long) figure(stats, measured, "numberOfRequests", "ko"),
        figure(stats, measured, "percentiles1", "total"),
        figure(stats, measured, "percentiles3", "total"),
        figure(stats, measured, "percentiles4", "total"),
        report.toString(),
        null);
  }

  /**
   * One figure of one request name in Gatling's stats.js ({@code percentiles1/3/4} are its 50th,
   * 95th and 99th percentiles); 0 when the name or the figure is absent ("-").
   */
  private static double figure(String stats, String name, String figure, String column) {
    Matcher value =
        Pattern.compile(
                "\"name\": \""
                    + Pattern.quote(name)
                    + "\",[\\s\\S]*?\""
                    + figure
                    + "\": \\{[^}]*?\""
                    + column
                    + "\": \"([^\"]*)\"")
            .matcher(stats);
    if (!value.find()) {
      return 0;
    }
    String text = value.group(1).replace(",", "").trim();
    return text.equals("-") || text.isEmpty() ? 0 : Double.parseDouble(text);
  }

  private static String peakTable(String title, List<PeakStep> steps) {
    StringBuilder table =
        new StringBuilder(
            title
                + ":\n\n"
                + "| arrivals/s | requests | failed | p50 / p95 / p99 ms | p99 <= 50 ms, no errors"
                + " |\n"
                + "|---|---|---|---|---|\n");
    for (PeakStep s : steps) {
      table.append(
          String.format(
              "| %s | %d | %d | %.0f / %.0f / %.0f | %s |%n",
              rate(s.rate()),
              s.requests(),
              s.failed(),
              s.p50(),
              s.p95(),
              s.p99(),
              s.holds() ? "yes" : "no"));
    }
    return table.toString();
  }

  /** An arrival rate as the tables show it: whole above 100/s, else to a tenth (13.3/s). */
  static String rate(double perSecond) {
    return perSecond >= 100 || perSecond == Math.rint(perSecond)
        ? String.format("%.0f", perSecond)
        : String.format("%.1f", perSecond);
  }

  private static String fmt(double ms) {
    return String.format("%.1f", ms);
  }

  /** Registers a client of the benchmark agency with no practical rate limit; returns its key. */
  private String registerClient(String role) {
    HttpResponse<String> registered =
        post(
            operatorKey,
            "/api/v1/clients",
            "{\"clientId\":\"benchmark-"
                + role
                + "\",\"name\":\"Benchmark "
                + role
                + "\",\"role\":\""
                + role
                + "\",\"agencies\":["
                + IntStream.range(0, options.population().agencies())
                    .mapToObj(a -> "\"" + options.population().agencyId(a) + "\"")
                    .collect(Collectors.joining(","))
                + "],\"requestsPerSecond\":100000}");
    expect(201, registered);
    Matcher key = API_KEY.matcher(registered.body());
    if (!key.find()) {
      throw new IllegalStateException("no apiKey in " + registered.body());
    }
    return key.group(1);
  }

  /**
   * One POST. A pooled connection the server closed while idle fails before any byte arrives; such
   * a request is sent once more (every request here is idempotent: checkouts and returns by their
   * transaction ids).
   */
  private HttpResponse<String> post(String credential, String path, String json) {
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

  private static void expect(int status, HttpResponse<?> response) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          "expected " + status + ", got " + response.statusCode() + ": " + response.body());
    }
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** User + system CPU time of a process, in clock ticks (100 per second on Linux). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static CqlSession session(int port) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", port))
        .withLocalDatacenter("datacenter1")
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dir);
  }
}
