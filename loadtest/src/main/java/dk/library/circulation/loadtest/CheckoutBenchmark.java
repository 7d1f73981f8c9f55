package dk.library.circulation.loadtest;

import com.datastax.oss.driver.api.core.CqlSession;
import dk.library.circulation.cassandra.LocalCassandra;
import dk.library.circulation.cassandra.Schema;
import dk.library.circulation.loadtest.Baselines.HttpLimits;
import dk.library.circulation.loadtest.CheckoutLoop.Run;
import dk.library.circulation.loadtest.GatlingSteps.PeakStep;
import dk.library.circulation.loadtest.GatlingSteps.Soak;
import dk.library.circulation.loadtest.LibraryLoad.Import;
import dk.library.circulation.loadtest.Summary.HeapPerEntity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code bin/benchmark}: the circulation core's figures with their baselines from the same run, all
 * on this machine, phase after phase (each phase a class of its own):
 *
 * <ol>
 *   <li>a fresh Cassandra node and its raw insert rate, the HTTP limit ({@link Baselines});
 *   <li>the population by an initial load, then compaction settling ({@link LibraryLoad});
 *   <li>the server serving: the checkout + return loop ({@link CheckoutLoop});
 *   <li>the national-peak search and the soak under Gatling ({@link GatlingSteps});
 *   <li>heap per live entity, the summary and its cost table ({@link Summary}).
 * </ol>
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
      int peakStepRequests,
      int soakSeconds,
      boolean quick,
      boolean memory,
      long hostileRequests,
      boolean burstOnly,
      boolean peakOnly) {

    static Options parse(String[] args) {
      boolean quick = Arrays.asList(args).contains("--quick");
      boolean memory = Arrays.asList(args).contains("--memory");
      boolean burstOnly = Arrays.asList(args).contains("--deadline-burst");
      boolean peakOnly = Arrays.asList(args).contains("--peak");
      long hostile = 0;
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--hostile")) {
          hostile =
              i + 1 < args.length && args[i + 1].matches("[0-9]+")
                  ? Long.parseLong(args[i + 1])
                  : 100_000;
        }
      }
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
          ? new Options(
              5,
              10,
              32,
              population,
              10,
              5,
              work,
              classpath,
              20,
              2,
              0,
              10,
              0,
              20,
              true,
              memory,
              hostile,
              burstOnly,
              peakOnly)
          : new Options(
              20,
              40,
              64,
              population,
              60,
              20,
              work,
              classpath,
              20,
              11,
              2,
              20,
              PEAK_STEP_REQUESTS,
              180,
              false,
              memory,
              hostile,
              burstOnly,
              peakOnly);
    }
  }

  /**
   * The requests a full run's peak step measures at least: at 8.9/s a 20-s step measured 178, so
   * its p99 was its second-slowest answer and the verdict flipped between runs of the same code
   * (runs 32-41, docs/benchmarks.md); with a thousand it is the tenth-slowest.
   */
  static final int PEAK_STEP_REQUESTS = 1_000;

  /** The national population has at least ten agencies. */
  static final int AGENCIES = 10;

  /** Door entries after the soak (R45): enough for a p99 of cold patrons, in seconds. */
  static final int DOOR_ENTRIES = 1_000;

  /** Loans made to fall due at once for {@link DeadlineBurst} (a quick run makes 1,000). */
  static final int BURST_LOANS = 100_000;

  private final Options options;

  private CheckoutBenchmark(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    new CheckoutBenchmark(Options.parse(args)).run();
  }

  private void run() throws Exception {
    deleteRecursively(options.work());
    Harness h = new Harness(options);
    GatlingSteps gatling = new GatlingSteps(h);
    Summary summary = new Summary(h);
    try (LocalCassandra node =
        LocalCassandra.start(
                LocalCassandra.Settings.onFreePorts(options.work().resolve("cassandra"), "2g"))
            .stopOnExit()) {
      if (options.memory()) {
        memory(node, h, summary);
        return;
      }
      if (options.hostileRequests() > 0) {
        hostile(node, h);
        return;
      }
      if (options.peakOnly()) {
        peakOnly(node, h);
        return;
      }
      if (options.burstOnly()) {
        deadlineBurstOnly(node, h);
        return;
      }
      Baselines baselines = new Baselines(h, gatling);
      double rawInserts =
          Baselines.rawInsertRate(
              node.nativePort(), options.rawWarmupSeconds(), options.rawSeconds());
      HttpLimits httpLimit = baselines.httpLimits();
      try (CqlSession session = Harness.session(node.nativePort())) {
        Schema.create(session, Schema.Keyspaces.local("library"));
      }

      int httpPort = Harness.freePort();
      h.base = "http://127.0.0.1:" + httpPort;
      // The population arrives as a library's data does: an initial load, then the server serves.
      Process loader = h.startServer(node.nativePort(), httpPort, "initial-load");
      Import setup;
      try {
        h.awaitHealthy(loader);
        setup = new LibraryLoad(h).setUpLibrary();
      } finally {
        Harness.stop(loader);
      }
      setup = setup.settled(LibraryLoad.awaitCompaction(node.nativePort()));
      Instant serverBegin = Instant.now();
      Process server = h.startServer(node.nativePort(), httpPort, "serving");
      try {
        h.awaitHealthy(server);
        Duration serverStart = Duration.between(serverBegin, Instant.now());
        long serverRssIdle = Harness.rssKib(server.pid());
        h.meter = new Costs.Meter(h.http, h.base, h.operatorKey, server.pid(), node.pid());
        HeapPerEntity idle = summary.heapPerEntity(server.pid(), null);
        SipMachines machines = new SipMachines(h);
        CheckoutLoop loop = new CheckoutLoop(h);
        AtomicLong retries = new AtomicLong();
        Run checkouts = loop.checkoutLoop(loop.http(retries), retries, 0, server.pid(), node.pid());
        // The same loop from SIP2 machines, on items the HTTP loop did not wake.
        Run sip =
            loop.checkoutLoop(
                machines,
                new AtomicLong(),
                options.population().items() / 2,
                server.pid(),
                node.pid());
        Duration settling = Harness.awaitQuiet(server.pid());
        System.out.printf("server quiet %d s after the loop%n", settling.toSeconds());
        List<PeakStep> peak = gatling.nationalPeak();
        List<PeakStep> floor = baselines.floor(peak);
        Soak soak =
            gatling.soak(server.pid(), GatlingSteps.highestHeld(peak, options.peakStartRate()));
        DoorEntries.Result door = DoorEntries.measure(h, DOOR_ENTRIES);
        WorklistReads.Result worklists = WorklistReads.measure(h, WORKLIST_READS);
        HeapPerEntity heap = summary.heapPerEntity(server.pid(), idle);
        long serverRss = Harness.rssKib(server.pid());
        summary.saveMetrics();
        long cassandraRss = Harness.rssKib(node.pid());
        Burst burst =
            deadlineBurst(
                node,
                h,
                gatling,
                httpPort,
                server,
                GatlingSteps.highestHeld(peak, options.peakStartRate()));
        server = burst.server();
        summary.write(
            node,
            serverStart,
            setup,
            rawInserts,
            httpLimit,
            checkouts,
            sip,
            settling,
            serverRssIdle,
            serverRss,
            cassandraRss,
            peak,
            floor,
            soak,
            door,
            worklists,
            burst.result(),
            heap);
      } finally {
        Harness.stop(server);
      }
    }
  }

  /** The server running after the burst, and what was measured. */
  private record Burst(Process server, DeadlineBurst.Result result) {}

  /**
   * {@link DeadlineBurst} on a serving server: lends, then restarts the server twice (the step
   * beside the burst runs on a server just started, so does the one it is set against, with the
   * clock where the loans are not yet due).
   */
  private Burst deadlineBurst(
      LocalCassandra node,
      Harness h,
      GatlingSteps gatling,
      int httpPort,
      Process server,
      double rate)
      throws Exception {
    DeadlineBurst.Lent loans = DeadlineBurst.lend(h, options.quick() ? 1_000 : BURST_LOANS);
    Harness.stop(server);
    Process fresh = h.startServer(node.nativePort(), httpPort, "serving");
    PeakStep without;
    try {
      h.awaitHealthy(fresh);
      without = DeadlineBurst.stepWithout(h, gatling, loans, rate);
    } finally {
      Harness.stop(fresh);
    }
    h.serverEnvironment.put("LIBRARY_CLOCK_OFFSET", DeadlineBurst.CLOCK_OFFSET);
    Process moved = h.startServer(node.nativePort(), httpPort, "serving");
    try {
      h.awaitHealthy(moved);
      h.meter = new Costs.Meter(h.http, h.base, h.operatorKey, moved.pid(), node.pid());
      return new Burst(moved, DeadlineBurst.measure(h, gatling, loans, rate, without));
    } catch (Exception | Error e) {
      Harness.stop(moved);
      throw e;
    }
  }

  /**
   * The schema and the population by an initial load, then compaction's wait; the HTTP port the
   * serving server is to take.
   */
  private static int loadPopulation(LocalCassandra node, Harness h) throws Exception {
    try (CqlSession session = Harness.session(node.nativePort())) {
      Schema.create(session, Schema.Keyspaces.local("library"));
    }
    int httpPort = Harness.freePort();
    h.base = "http://127.0.0.1:" + httpPort;
    Process loader = h.startServer(node.nativePort(), httpPort, "initial-load");
    try {
      h.awaitHealthy(loader);
      new LibraryLoad(h).setUpLibrary();
    } finally {
      Harness.stop(loader);
    }
    LibraryLoad.awaitCompaction(node.nativePort());
    return httpPort;
  }

  /**
   * {@code --deadline-burst}: the population by an initial load, then only the deadline burst
   * beside a national-peak step at the start rate; its figures go to {@code burst.md} under the
   * work directory.
   */
  private void deadlineBurstOnly(LocalCassandra node, Harness h) throws Exception {
    int httpPort = loadPopulation(node, h);
    Process server = h.startServer(node.nativePort(), httpPort, "serving");
    try {
      h.awaitHealthy(server);
      Burst burst =
          deadlineBurst(node, h, new GatlingSteps(h), httpPort, server, options.peakStartRate());
      server = burst.server();
      String report = String.join("\n", Summary.burstRows(burst.result())) + "\n";
      System.out.print(report);
      Files.writeString(options.work().resolve("burst.md"), report);
    } finally {
      Harness.stop(server);
    }
  }

  /** Worklist pages read after the peak in {@code --peak} (issue 24). */
  static final int WORKLIST_READS = 500;

  /**
   * {@code --peak}: the population by an initial load, the HTTP checkout loop (the serving server's
   * first minutes, as in a full run), then the national peak's steps and the machine's floor at
   * their rates; the steps, their costs and the floor go to {@code peak.md} under the work
   * directory. A change's before and after in about 18 minutes each, where a full run takes an
   * hour.
   */
  private void peakOnly(LocalCassandra node, Harness h) throws Exception {
    int httpPort = loadPopulation(node, h);
    Process server = h.startServer(node.nativePort(), httpPort, "serving");
    try {
      h.awaitHealthy(server);
      h.meter = new Costs.Meter(h.http, h.base, h.operatorKey, server.pid(), node.pid());
      CheckoutLoop loop = new CheckoutLoop(h);
      AtomicLong retries = new AtomicLong();
      Run checkouts = loop.checkoutLoop(loop.http(retries), retries, 0, server.pid(), node.pid());
      Duration settling = Harness.awaitQuiet(server.pid());
      GatlingSteps gatling = new GatlingSteps(h);
      List<PeakStep> peak = gatling.nationalPeak();
      List<PeakStep> floor = new Baselines(h, gatling).floor(peak);
      String report =
          Summary.peakReport(checkouts, settling, peak, floor)
              + WorklistReads.measure(h, WORKLIST_READS).report();
      System.out.print(report);
      Files.writeString(options.work().resolve("peak.md"), report);
    } finally {
      Harness.stop(server);
    }
  }

  /**
   * {@code --memory}: the population by an initial load, then a server with a 4 GiB heap that lets
   * no entity go ({@link EveryEntityAwake}) wakes every one of them; heap per live entity after a
   * full GC, against the idle server.
   */
  private void memory(LocalCassandra node, Harness h, Summary summary) throws Exception {
    int httpPort = loadPopulation(node, h);
    h.serverHeap = EveryEntityAwake.SERVER_HEAP;
    h.serverCollector = EveryEntityAwake.SERVER_COLLECTOR;
    h.serverOptions.add(EveryEntityAwake.IDLE_TIMEOUT_PROPERTY);
    h.serverEnvironment.put("LIBRARY_ACTIVE_ENTITY_LIMIT", EveryEntityAwake.ACTIVE_ENTITY_LIMIT);
    Process server = h.startServer(node.nativePort(), httpPort, "serving");
    try {
      h.awaitHealthy(server);
      h.meter = new Costs.Meter(h.http, h.base, h.operatorKey, server.pid(), node.pid());
      HeapPerEntity idle = summary.heapPerEntity(server.pid(), null);
      Instant begin = Instant.now();
      long read = new EveryEntityAwake(h).wakeAll();
      Duration took = Duration.between(begin, Instant.now());
      // The live-entity gauge is refreshed every 10 s: wait for it to count what was woken.
      Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
      while (h.meter.sample().liveEntities() < read && Instant.now().isBefore(deadline)) {
        Thread.sleep(1_000); // the gauge has no event to await
      }
      HeapPerEntity heap = summary.heapPerEntity(server.pid(), idle);
      String result =
          String.format(
              "Memory run: %d items read in %d s (%.0f/s); server heap %s (%s);" + " %s%n",
              read,
              took.toSeconds(),
              read / (took.toMillis() / 1000.0),
              h.serverHeap,
              h.serverCollector,
              heap.row());
      System.out.print(result);
      Files.writeString(options.work().resolve("memory.md"), result);
      // What the live entities are made of, class by class, for whoever makes them smaller.
      new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
              String.valueOf(server.pid()),
              "GC.class_histogram")
          .redirectErrorStream(true)
          .redirectOutput(options.work().resolve("histogram.txt").toFile())
          .start()
          .waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      Harness.stop(server);
    }
  }

  /**
   * {@code --hostile [N]}: the hostile-input campaign ({@link HostileCampaign}), N requests
   * (100,000 unless given) against a serving server with an empty library; its figures go to {@code
   * hostile.md} under the work directory.
   */
  private void hostile(LocalCassandra node, Harness h) throws Exception {
    try (CqlSession session = Harness.session(node.nativePort())) {
      Schema.create(session, Schema.Keyspaces.local("library"));
    }
    int httpPort = Harness.freePort();
    h.base = "http://127.0.0.1:" + httpPort;
    h.serverOptions.addAll(HostileCampaign.serverOptions());
    Process server = h.startServer(node.nativePort(), httpPort, "serving");
    try {
      h.awaitHealthy(server);
      HostileCampaign.Figures figures =
          new HostileCampaign(h, 20261128L)
              .run(options.hostileRequests(), options.work().resolve("server.log"));
      String report = figures.report();
      System.out.print(report);
      Files.writeString(options.work().resolve("hostile.md"), report);
      if (!figures.findings().isEmpty() || !figures.fixturesUnchanged()) {
        throw new IllegalStateException("the hostile campaign has findings; see above");
      }
    } finally {
      Harness.stop(server);
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
