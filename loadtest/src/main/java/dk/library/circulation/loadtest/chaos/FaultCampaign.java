package dk.library.circulation.loadtest.chaos;

import com.datastax.oss.driver.api.core.CqlSession;
import dk.library.circulation.cassandra.LocalCassandra;
import dk.library.circulation.cassandra.Schema;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code bin/chaos}: faults under a steady loop of self-service transactions, each scenario on a
 * library of its own, each judged from the request log's acknowledged transactions against the
 * entities' final state (docs/reliability.md).
 *
 * <ol>
 *   <li>{@code prometheus}: Debian's Prometheus scrapes a node under load; every dashboard query;
 *   <li>{@code kill}: one server node killed with -9 at random moments and started again;
 *   <li>{@code cassandra}: Cassandra stopped for 30 s under load, then started again;
 *   <li>{@code cassandra-node}: three Cassandra nodes on 127.0.0.1-3 with replication factor 3; one
 *       killed with -9 under load, then started again;
 *   <li>{@code cluster-kill}: three nodes on 127.0.0.1; one at random killed with -9, the others
 *       take over, the killed one starts again and rejoins;
 *   <li>{@code partition}: three nodes; one paused with SIGSTOP until the others' split brain
 *       resolver downs it, then resumed: it must stop serving.
 * </ol>
 *
 * <p>The single-node scenarios are here; {@link CassandraFaults} and {@link ClusterFaults} hold the
 * others. {@link Machines} is the load, {@link Verdict} the judgement, {@link Report} the report.
 */
public final class FaultCampaign {

  /**
   * {@code kills} of the single node, {@code clusterKills} in the three-node cluster (where each
   * waits for the killed node to rejoin: about 50 s each here, most of the campaign's 30 minutes).
   */
  record Options(
      Path work, String serverClasspath, int kills, int clusterKills, Set<String> scenarios) {}

  /** One scenario's outcome, a row of the report. */
  record Outcome(
      String scenario,
      String fault,
      long acknowledged,
      long refused,
      long attempts,
      Verdict verdict,
      String timeToServe,
      boolean held,
      String notes,
      Map<String, Long> answers) {

    /** Nothing acknowledged lost or doubled, and the fault handled as the scenario requires. */
    boolean passed() {
      return verdict.clean() && held;
    }
  }

  static final Duration READY = Duration.ofMinutes(3);

  final Options options;
  final String operatorKey = "chaos-operator-" + UUID.randomUUID();
  private final String patronTokenKey = randomKey();
  private final String cprKey = randomKey();
  private final String pinKey = randomKey();
  final Random random = new Random();

  /** Every node started, killed at the end whatever happened, so none outlives the campaign. */
  private final List<ServerNode> started = new ArrayList<>();

  LocalCassandra cassandra;
  LocalCassandra.Settings cassandraSettings;

  private FaultCampaign(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of("loadtest", "target", "chaos");
    String classpath = null;
    int kills = 20;
    int clusterKills = 20;
    Set<String> scenarios =
        new LinkedHashSet<>(
            List.of(
                "prometheus", "kill", "cassandra", "cassandra-node", "cluster-kill", "partition"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--server-classpath" -> classpath = args[++i];
        case "--kills" -> kills = Integer.parseInt(args[++i]);
        case "--cluster-kills" -> clusterKills = Integer.parseInt(args[++i]);
        case "--scenarios" -> scenarios = new LinkedHashSet<>(List.of(args[++i].split(",")));
        case "--work" -> work = Path.of(args[++i]);
        default -> {
          System.err.println(
              "usage: bin/chaos [--kills N] [--cluster-kills N] [--scenarios"
                  + " prometheus,kill,cassandra,cassandra-node,cluster-kill,partition]");
          System.exit(2);
        }
      }
    }
    if (classpath == null) {
      throw new IllegalArgumentException("--server-classpath is required (bin/chaos gives it)");
    }
    new FaultCampaign(new Options(work, classpath, kills, clusterKills, scenarios)).run();
  }

  private void run() throws Exception {
    deleteRecursively(options.work());
    Files.createDirectories(options.work());
    Instant began = Instant.now();
    cassandraSettings =
        LocalCassandra.Settings.onFreePorts(options.work().resolve("cassandra"), "1g");
    cassandra = LocalCassandra.start(cassandraSettings).stopOnExit();
    try (CqlSession session = session(cassandraSettings)) {
      Schema.create(session, Schema.Keyspaces.local("library"));
    }
    List<Outcome> outcomes = new ArrayList<>();
    try {
      for (String scenario : options.scenarios()) {
        System.out.println("== " + scenario);
        Outcome outcome =
            switch (scenario) {
              case "prometheus" -> scrapeWithPrometheus();
              case "kill" -> killOneNode();
              case "cassandra" -> new CassandraFaults(this).stopTheNode();
              case "cassandra-node" -> new CassandraFaults(this).killOneOfThreeReplicas();
              case "cluster-kill" -> new ClusterFaults(this).killOneOfThree();
              case "partition" -> new ClusterFaults(this).pauseOneOfThree();
              default -> throw new IllegalArgumentException("no scenario " + scenario);
            };
        outcomes.add(outcome);
        System.out.println(Report.row(outcome));
        System.out.println(outcome.notes());
      }
    } finally {
      for (ServerNode node : started) {
        if (node.alive()) {
          node.kill();
        }
      }
      cassandra.close();
    }
    Path report = options.work().resolve("report.md");
    Files.writeString(report, Report.markdown(outcomes, Duration.between(began, Instant.now())));
    System.out.println(Files.readString(report));
    if (outcomes.stream().anyMatch(o -> !o.passed())) {
      System.exit(1);
    }
  }

  /** Debian's Prometheus scrapes a node under load; every dashboard query is asked of it. */
  private Outcome scrapeWithPrometheus() throws Exception {
    ServerNode node = nodes("prometheus", 1, Map.of()).get(0);
    node.start();
    node.awaitReady(READY);
    Machines machines = atWork(List.of(node), "prometheus");
    String notes;
    boolean held;
    if (!PrometheusCheck.installed()) {
      Thread.sleep(10_000);
      held = false;
      notes = "NOT CHECKED: no /usr/bin/prometheus (apt-get install prometheus).";
    } else {
      try (PrometheusCheck prometheus =
          PrometheusCheck.start(options.work(), node, operatorKey, freePort())) {
        Thread.sleep(15_000); // fifteen scrapes under load
        PrometheusCheck.Result result = prometheus.askTheDashboard(metrics(node));
        held = result.passed();
        notes =
            "Prometheus (Debian's package) scraped /metrics every second with the operator's"
                + " bearer key: %d of the dashboard's %d queries returned data; without: %s."
                    .formatted(result.withData(), result.queries(), result.without());
      }
    }
    machines.close();
    Verdict verdict = machines.verdict(node.base());
    node.terminate(Duration.ofSeconds(60));
    return outcome(
        "prometheus",
        "none: Prometheus scrapes the node under load",
        machines,
        verdict,
        "-",
        held,
        notes);
  }

  private String metrics(ServerNode node) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(node.base().resolve("/metrics"))
                .header("Authorization", "Bearer " + operatorKey)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** One node killed -9 {@code kills} times at random moments, started again each time. */
  private Outcome killOneNode() throws Exception {
    ServerNode node = nodes("kill", 1, Map.of()).get(0);
    node.start();
    node.awaitReady(READY);
    Machines machines = atWork(List.of(node), "kill");
    List<Duration> back = new ArrayList<>();
    for (int k = 0; k < options.kills(); k++) {
      Thread.sleep(1_000 + random.nextInt(3_000)); // a random moment of the steady load
      long killedAt = System.currentTimeMillis();
      node.kill();
      node.start();
      back.add(
          machines
              .awaitAcknowledgedAfter(killedAt, READY)
              .orElseThrow(() -> new IllegalStateException("no service after kill")));
    }
    machines.close();
    Verdict verdict = machines.verdict(node.base());
    node.terminate(Duration.ofSeconds(60));
    return outcome(
        "kill",
        options.kills() + " x kill -9 of the only node, started again at once",
        machines,
        verdict,
        spread(back) + " from the kill (includes the JVM's start)",
        true,
        "");
  }

  List<ServerNode> nodes(String scenario, int count, Map<String, String> extra) throws IOException {
    List<int[]> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(new int[] {freePort(), freePort(), freePort()});
    }
    // The lowest cluster port first: on a tie the resolver keeps the side of the lowest address.
    ports.sort(Comparator.comparingInt(p -> p[1]));
    StringBuilder contactPoints = new StringBuilder();
    for (int[] p : ports) {
      contactPoints.append(contactPoints.isEmpty() ? "" : ",").append("127.0.0.1:").append(p[2]);
    }
    List<ServerNode> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, String> env = new HashMap<>(environment());
      env.putAll(extra);
      env.put("LIBRARY_CLUSTER_NODES", contactPoints.toString());
      String name = scenario + "-" + (char) ('a' + i);
      nodes.add(
          new ServerNode(
              name,
              ports.get(i)[0],
              ports.get(i)[1],
              ports.get(i)[2],
              options.serverClasspath(),
              env,
              options.work().resolve(name + ".log")));
    }
    started.addAll(nodes);
    return nodes;
  }

  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("LIBRARY_CASSANDRA_MODE", "external");
    env.put("LIBRARY_CASSANDRA_CONTACT_POINTS", cassandra.contactPoint());
    env.put("LIBRARY_CASSANDRA_CREATE_SCHEMA", "off");
    env.put("LIBRARY_SIP2_ENABLED", "off");
    env.put("LIBRARY_BOOTSTRAP_OPERATOR_KEY", operatorKey);
    env.put("LIBRARY_PATRON_TOKEN_KEY", patronTokenKey);
    env.put("LIBRARY_CPR_LOOKUP_KEY", cprKey);
    env.put("LIBRARY_PIN_KEY", pinKey);
    env.put("LIBRARY_NOTICE_LOG", options.work().resolve("notices.log").toString());
    return env;
  }

  /**
   * Every scenario's opening once its nodes are ready: a fleet enrolled through the first node, its
   * machines at work on all of them, each attempt logged to {@code <scenario>-requests.jsonl}.
   */
  Machines atWork(List<ServerNode> nodes, String scenario)
      throws IOException, InterruptedException {
    Fleet fleet = Fleet.enrol(nodes.get(0).base(), operatorKey);
    Machines machines =
        new Machines(
            nodes.stream().map(ServerNode::base).toList(),
            fleet.agency(),
            fleet.terminalKey(),
            fleet.staffKey(),
            fleet.ledgers(),
            options.work().resolve(scenario + "-requests.jsonl"));
    machines.start();
    return machines;
  }

  static Outcome outcome(
      String scenario,
      String fault,
      Machines machines,
      Verdict verdict,
      String timeToServe,
      boolean held,
      String notes) {
    return new Outcome(
        scenario,
        fault,
        machines.acknowledged.get(),
        machines.refused.get(),
        machines.attempts.get(),
        verdict,
        timeToServe,
        held,
        notes,
        snapshot(machines));
  }

  static Map<String, Long> snapshot(Machines machines) {
    Map<String, Long> counts = new TreeMap<>();
    machines.answers.forEach((k, v) -> counts.put(k, v.get()));
    return counts;
  }

  /** Every answer a 2xx, a refusal, or a 503 with Retry-After: none a 500 or no answer at all. */
  static boolean clear(Map<String, Long> answers) {
    return answers.keySet().stream()
        .allMatch(a -> a.startsWith("2") || a.startsWith("4") || a.contains("with Retry-After"));
  }

  static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> counts = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d > 0) {
            counts.put(k, d);
          }
        });
    return counts;
  }

  static String spread(List<Duration> times) {
    if (times.isEmpty()) {
      return "-";
    }
    List<Long> ms = times.stream().map(Duration::toMillis).sorted().toList();
    return "median %d ms, max %d ms".formatted(ms.get(ms.size() / 2), ms.get(ms.size() - 1));
  }

  static CqlSession session(LocalCassandra.Settings node) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(node.address(), node.nativePort()))
        .withLocalDatacenter("datacenter1")
        .build();
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** A free port below Linux's ephemeral range, so no outgoing connection takes it meanwhile. */
  static int freePort() throws IOException {
    Random random = new Random();
    for (int tries = 0; tries < 100; tries++) {
      int port = 20000 + random.nextInt(12000);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port in 20000-31999");
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
