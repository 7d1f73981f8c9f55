package dk.library.circulation.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.TestCassandra;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three server nodes in JVMs of their own on loopback, formed into one cluster by Cluster Bootstrap
 * (config discovery), on the shared Cassandra node. Node B is killed (kill -9): the split brain
 * resolver downs it and its entities recover on A, whole, and a checkout retried across the
 * failover is not done twice. Node C joins; node A, the oldest, leaves gracefully (SIGTERM): its
 * entities and the deadline keeper (a singleton) move to C.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverTest {

  static final int LOANS = 12;
  static final Duration FAILOVER = Duration.ofSeconds(90);
  static final String KEEPER_STARTED = "Deadline keeper running on this node";

  record Node(String name, Process process, int httpPort, int managementPort, Path log) {
    String logText() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  record Loan(String card, String barcode, String checkoutId) {}

  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();
  static final List<Node> nodes = new ArrayList<>();
  static final List<Loan> loans = new ArrayList<>();
  static int[] httpPorts;
  static int[] clusterPorts;
  static int[] managementPorts;
  static String agency;
  static Api api;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    TestCassandra.node();
    httpPorts = freePorts(3);
    // Ascending: A has the lowest address, so on a tie the resolver keeps A's side.
    clusterPorts = freePorts(3);
    managementPorts = freePorts(3);
    String ab = "127.0.0.1:" + managementPorts[0] + ",127.0.0.1:" + managementPorts[1];
    nodes.add(start(0, ab));
    nodes.add(start(1, ab));
    awaitMembersUp(nodes.get(0), 2);
    awaitMembersUp(nodes.get(1), 2);
    api = new Api(nodes.get(0).httpPort());
    agency = Api.unique("DK-");
    Answer created = api.createAgency(agency, 10, 3);
    assertEquals(201, created.status(), created.body().toString());
  }

  @AfterAll
  static void stopNodes() {
    for (Node node : nodes) {
      node.process().destroyForcibly();
    }
  }

  @Test
  @Order(1)
  void aKilledNodesEntitiesRecoverWholeOnTheSurvivor_andARetriedCheckoutIsNotDoneTwice()
      throws Exception {
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    for (int i = 0; i < LOANS; i++) {
      Loan loan = new Loan(Api.unique("C"), Api.unique("X"), Api.unique("cl-"));
      assertEquals(201, api.registerPatron(loan.card(), agency).status());
      assertEquals(201, api.registerItem(loan.barcode(), agency).status());
      // Half through each node: either routes to the entity wherever its shard lives.
      Api through = api.at(i % 2 == 0 ? a.httpPort() : b.httpPort());
      Answer lent = through.checkout(loan.checkoutId(), loan.card(), loan.barcode(), agency);
      assertEquals(201, lent.status(), lent.body().toString());
      loans.add(loan);
    }
    assertTrue(shardsOn(a) > 0 && shardsOn(b) > 0, "both nodes host patrons before the kill");

    b.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    Eventually.await(
        "the resolver downs B and A is the only member",
        FAILOVER,
        () -> membersUp(a).equals(List.of(address(0))));
    for (Loan loan : loans) {
      Eventually.await(
          "loan " + loan.checkoutId() + " answers on A after the failover",
          FAILOVER,
          () -> staff(a).get("/api/v1/patrons/" + loan.card()).status() == 200);
      assertWhole(a, loan);
    }
    Loan retried = loans.get(1); // acknowledged through B
    Answer again = api.checkout(retried.checkoutId(), retried.card(), retried.barcode(), agency);
    assertEquals(201, again.status(), again.body().toString());
    assertWhole(a, retried);
    Answer other = api.checkout(Api.unique("cl-"), loans.get(0).card(), retried.barcode(), agency);
    assertEquals(409, other.status(), "a copy on loan is not lent again: " + other.body());
  }

  @Test
  @Order(2)
  void theOldestLeavingGracefullyHandsItsEntitiesAndTheDeadlineKeeperToTheNodeThatJoined()
      throws Exception {
    Node a = nodes.get(0);
    String all =
        "127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d"
            .formatted(managementPorts[0], managementPorts[1], managementPorts[2]);
    Node c = start(2, all);
    nodes.add(c);
    awaitMembersUp(c, 2);
    assertTrue(a.logText().contains(KEEPER_STARTED), "the keeper runs on A, the oldest");
    assertFalse(c.logText().contains(KEEPER_STARTED), "the keeper runs on one node only");

    a.process().destroy(); // SIGTERM: Coordinated Shutdown, a graceful leave
    assertTrue(a.process().waitFor(60, TimeUnit.SECONDS), "A stops within a minute");
    assertTrue(
        a.logText().contains("Exiting completed"),
        "A left the cluster: " + a.log().toAbsolutePath());

    Eventually.await(
        "C is the only member", FAILOVER, () -> membersUp(c).equals(List.of(address(2))));
    Eventually.await(
        "the deadline keeper runs on C", FAILOVER, () -> c.logText().contains(KEEPER_STARTED));
    Api atC = api.at(c.httpPort());
    for (Loan loan : loans) {
      assertWhole(c, loan);
    }
    Loan returned = loans.get(2);
    Answer back = atC.returnItem(Api.unique("rt-"), returned.barcode(), agency, "main");
    assertEquals(200, back.status(), back.body().toString());
    assertEquals(0, staff(c).get("/api/v1/patrons/" + returned.card()).body().get("loans").size());
  }

  /** Patron and item agree on the one loan, with its checkout id. */
  static void assertWhole(Node node, Loan loan) {
    JsonNode patronLoans = staff(node).get("/api/v1/patrons/" + loan.card()).body().get("loans");
    assertEquals(1, patronLoans.size(), "one loan for " + loan + ": " + patronLoans);
    assertEquals(loan.checkoutId(), patronLoans.get(0).get("checkoutId").asText());
    JsonNode item = staff(node).get("/api/v1/items/" + loan.barcode()).body();
    assertEquals(loan.checkoutId(), item.get("loan").get("checkoutId").asText(), item.toString());
  }

  static Api staff(Node node) {
    return api.at(node.httpPort()).staff(agency);
  }

  static Node start(int index, String contactPoints) throws IOException {
    String name = String.valueOf((char) ('a' + index));
    Path log = Path.of("target", "cluster-node-" + name + ".log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-Dlogback.configurationFile="
                    + ClusterFailoverTest.class.getResource("/cluster-node-logback.xml"),
                "-cp",
                System.getProperty("java.class.path"),
                ClusterNode.class.getName(),
                String.valueOf(TestCassandra.node().nativePort()),
                String.valueOf(httpPorts[index]),
                String.valueOf(clusterPorts[index]),
                String.valueOf(managementPorts[index]),
                contactPoints)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new Node(name, process, httpPorts[index], managementPorts[index], log);
  }

  /** Until the node's readiness probe passes and the cluster has {@code count} members Up. */
  static void awaitMembersUp(Node node, int count) {
    Eventually.await(
        "node " + node.name() + " ready with " + count + " members up; " + node.log(),
        Duration.ofMinutes(3),
        () -> {
          assertTrue(node.process().isAlive(), "node " + node.name() + " died: " + node.log());
          HttpResponse<String> ready = management(node, "/ready");
          return ready != null && ready.statusCode() == 200 && membersUp(node).size() == count;
        });
  }

  static List<String> membersUp(Node node) {
    HttpResponse<String> answer = management(node, "/cluster/members");
    if (answer == null || answer.statusCode() != 200) {
      return List.of();
    }
    try {
      List<String> up = new ArrayList<>();
      JsonNode view = json.readTree(answer.body());
      for (JsonNode member : view.get("members")) {
        if (member.get("status").asText().equals("Up")) {
          up.add(member.get("node").asText());
        }
      }
      if (view.get("unreachable").size() > 0) {
        return List.of();
      }
      return up;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Patron shards on the node, from its management port. */
  static int shardsOn(Node node) throws IOException {
    return json.readTree(management(node, "/cluster/shards/Patron").body()).get("regions").size();
  }

  static String address(int index) {
    return "pekko://circulation@127.0.0.1:" + clusterPorts[index];
  }

  /** The answer, or null while the node does not listen. */
  static HttpResponse<String> management(Node node, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Free ports below Linux's ephemeral range, ascending. */
  static int[] freePorts(int count) throws IOException {
    Random random = new Random();
    TreeSet<Integer> ports = new TreeSet<>();
    while (ports.size() < count) {
      int port = 20000 + random.nextInt(12000);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        ports.add(port);
      } catch (IOException taken) {
        // another
      }
    }
    return ports.stream().mapToInt(Integer::intValue).toArray();
  }
}
