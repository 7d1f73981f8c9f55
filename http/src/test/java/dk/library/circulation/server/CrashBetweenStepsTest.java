package dk.library.circulation.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.TestCassandra;
import dk.library.circulation.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A JVM killed between a checkout's (or return's) writes to the patron and to the item leaves, once
 * a new node touches either entity, a whole loan or none on both.
 */
class CrashBetweenStepsTest {

  static CirculationServer server;
  static Api api;

  @BeforeAll
  static void startServer() {
    TestCassandra.node();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  record Crash(String agency, String card, String barcode, String checkoutId) {}

  /**
   * Runs a node in a child JVM that halts at {@code crashPoint}, then starts the node under test.
   */
  static Crash crashAt(String crashPoint) throws Exception {
    Crash crash =
        new Crash(Api.unique("DK-"), Api.unique("C"), Api.unique("X"), Api.unique("sst-"));
    Path log = Path.of("target", "crash-" + crashPoint + ".log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                CrashingCheckout.class.getName(),
                String.valueOf(TestCassandra.node().nativePort()),
                crash.agency(),
                crash.card(),
                crash.barcode(),
                crash.checkoutId(),
                crashPoint)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean finished;
    try {
      finished = child.waitFor(3, TimeUnit.MINUTES);
    } finally {
      child.destroyForcibly();
    }
    assertTrue(finished, "the crashing node did not finish; its log: " + log.toAbsolutePath());
    String output = Files.readString(log);
    assertEquals(
        137,
        child.exitValue(),
        "the child must halt at the crash point; its log: " + log.toAbsolutePath());
    assertTrue(output.contains("CRASHING " + crashPoint), output);
    if (server == null) {
      server = TestServers.start(Clock.systemUTC());
      api = new Api(server.port());
    }
    api.enrol(crash.agency());
    return crash;
  }

  static JsonNode patron(Crash crash) {
    return api.staff(crash.agency()).get("/api/v1/patrons/" + crash.card()).body();
  }

  static JsonNode item(Crash crash) {
    return api.staff(crash.agency()).get("/api/v1/items/" + crash.barcode()).body();
  }

  @Test
  void killedAfterThePatronApprovedNoLoanRemainsOnEitherSide() throws Exception {
    Crash crash = crashAt("after-patron");
    // Touching the patron recovers it; it settles the pending checkout with the item.
    Eventually.await(
        "the pending checkout is settled",
        Duration.ofSeconds(30),
        () -> patron(crash).get("pendingCheckouts").isEmpty());
    assertEquals(0, patron(crash).get("loans").size());
    assertTrue(!item(crash).get("onLoan").asBoolean());

    Answer retry = api.checkout(crash.checkoutId(), crash.card(), crash.barcode(), crash.agency());
    assertEquals(409, retry.status(), retry.body().toString());
    assertEquals("CHECKOUT_CANCELLED", retry.code());
    Answer fresh = api.checkout(Api.unique("sst-"), crash.card(), crash.barcode(), crash.agency());
    assertEquals(201, fresh.status(), fresh.body().toString());
  }

  @Test
  void killedAfterTheItemWasLentTheLoanIsCompletedOnBothSides() throws Exception {
    Crash crash = crashAt("after-item");
    Eventually.await(
        "the pending checkout is settled",
        Duration.ofSeconds(30),
        () -> patron(crash).get("pendingCheckouts").isEmpty());
    JsonNode loans = patron(crash).get("loans");
    assertEquals(1, loans.size());
    assertEquals(crash.checkoutId(), loans.get(0).get("checkoutId").asText());
    assertEquals(crash.checkoutId(), item(crash).get("loan").get("checkoutId").asText());

    Answer retry = api.checkout(crash.checkoutId(), crash.card(), crash.barcode(), crash.agency());
    assertEquals(201, retry.status(), retry.body().toString());
    assertEquals(1, patron(crash).get("loans").size());
  }

  /**
   * Batched journal writes and the receipt sent before the patron records the loan: a JVM halted
   * while checkouts' batches were on their way and right after a receipt went out loses no
   * acknowledged checkout and leaves no half loan.
   */
  @Test
  void killedAmidBatchedWritesRightAfterAReceipt_everyAcknowledgedLoanStands_noneIsHalf()
      throws Exception {
    Crash crash = crashAt("amid-batches");
    String log = Files.readString(Path.of("target", "crash-amid-batches.log"));
    List<Integer> acknowledged =
        log.lines()
            .filter(line -> line.startsWith("ACKNOWLEDGED "))
            .map(line -> Integer.parseInt(line.substring("ACKNOWLEDGED ".length()).trim()))
            .toList();
    assertEquals(1, acknowledged.size(), log);
    for (int i = 0; i < CrashingCheckout.AT_ONCE; i++) {
      Crash one =
          new Crash(
              crash.agency(), crash.card() + i, crash.barcode() + i, crash.checkoutId() + "-" + i);
      Eventually.await(
          "patron " + i + "'s pending checkout is settled",
          Duration.ofSeconds(30),
          () -> patron(one).get("pendingCheckouts").isEmpty());
      JsonNode loans = patron(one).get("loans");
      boolean itemLent = item(one).get("onLoan").asBoolean();
      assertEquals(itemLent, loans.size() == 1, "checkout " + i + " is whole or none: " + loans);
      if (itemLent) {
        assertEquals(one.checkoutId(), loans.get(0).get("checkoutId").asText());
        assertEquals(one.checkoutId(), item(one).get("loan").get("checkoutId").asText());
      }
      if (acknowledged.contains(i)) {
        assertTrue(itemLent, "the acknowledged checkout " + i + " stands");
      }
    }
  }

  @Test
  void killedAfterTheItemWasReturnedThePatronsLoanIsEnded() throws Exception {
    Crash crash = crashAt("after-return");
    assertEquals(1, patron(crash).get("loans").size(), "the patron was not told before the crash");
    // Touching the item recovers it; it tells the patron until the patron confirms.
    assertTrue(!item(crash).get("onLoan").asBoolean());
    Eventually.await(
        "the patron's loan is ended",
        Duration.ofSeconds(30),
        () -> patron(crash).get("loans").isEmpty());
  }
}
