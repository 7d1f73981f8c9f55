package dk.library.circulation.loadtest.chaos;

import static dk.library.circulation.loadtest.chaos.FaultCampaign.READY;
import static dk.library.circulation.loadtest.chaos.FaultCampaign.outcome;
import static dk.library.circulation.loadtest.chaos.FaultCampaign.spread;

import dk.library.circulation.loadtest.chaos.FaultCampaign.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The campaign's faults of a three-node cluster on 127.0.0.1 (Cluster Bootstrap, the resolver's
 * stable-after at 5 s): nodes killed with -9 and rejoining, a node paused past the decision.
 */
final class ClusterFaults {

  private final FaultCampaign campaign;

  ClusterFaults(FaultCampaign campaign) {
    this.campaign = campaign;
  }

  /** Three nodes; one at random killed -9; the others take over; it starts again and rejoins. */
  Outcome killOneOfThree() throws Exception {
    List<ServerNode> nodes = campaign.nodes("cluster-kill", 3, clusterSettings());
    startAll(nodes);
    Machines machines = campaign.atWork(nodes, "cluster-kill");
    List<Duration> downed = new ArrayList<>();
    List<Duration> rejoined = new ArrayList<>();
    for (int k = 0; k < campaign.options.clusterKills(); k++) {
      Thread.sleep(1_000 + campaign.random.nextInt(3_000)); // a random moment of the load
      ServerNode victim = nodes.get(campaign.random.nextInt(nodes.size()));
      List<ServerNode> others = nodes.stream().filter(n -> n != victim).toList();
      Instant killedAt = Instant.now();
      victim.kill();
      awaitMembers(others.get(0), 2);
      downed.add(Duration.between(killedAt, Instant.now()));
      victim.start();
      victim.awaitReady(READY);
      awaitMembers(others.get(0), 3);
      rejoined.add(Duration.between(killedAt, Instant.now()));
    }
    machines.close();
    Verdict verdict = machines.verdict(nodes.get(0).base());
    for (ServerNode node : nodes) {
      node.terminate(Duration.ofSeconds(60));
    }
    return outcome(
        "cluster-kill",
        campaign.options.clusterKills()
            + " x kill -9 of one of three nodes at random, started again",
        machines,
        verdict,
        "downed and taken over " + spread(downed) + "; rejoined " + spread(rejoined),
        true,
        "");
  }

  /** Three nodes; the youngest paused (SIGSTOP) past the resolver's decision, then resumed. */
  Outcome pauseOneOfThree() throws Exception {
    List<ServerNode> nodes = campaign.nodes("partition", 3, clusterSettings());
    startAll(nodes);
    Machines machines = campaign.atWork(nodes, "partition");
    Thread.sleep(5_000);
    ServerNode paused = nodes.get(2);
    Instant pausedAt = Instant.now();
    paused.signal("STOP");
    awaitMembers(nodes.get(0), 2);
    Duration decided = Duration.between(pausedAt, Instant.now());
    Thread.sleep(5_000);
    paused.signal("CONT");
    Instant resumedAt = Instant.now();
    boolean stopped = paused.exited(Duration.ofMinutes(1));
    Duration gone = Duration.between(resumedAt, Instant.now());
    Thread.sleep(5_000);
    machines.close();
    Verdict verdict = machines.verdict(nodes.get(0).base());
    for (ServerNode node : nodes) {
      if (node.alive()) {
        node.terminate(Duration.ofSeconds(60));
      }
    }
    return outcome(
        "partition",
        "the youngest of three nodes paused (SIGSTOP) until the others downed it, then resumed",
        machines,
        verdict,
        "the others decided " + decided.toMillis() + " ms after the pause",
        stopped,
        "The resumed node "
            + (stopped
                ? "stopped serving and exited (status "
                    + paused.exitValue()
                    + ") "
                    + gone.toMillis()
                    + " ms after it resumed"
                : "was STILL RUNNING a minute after it resumed")
            + ".");
  }

  private static Map<String, String> clusterSettings() {
    return Map.of(
        "LIBRARY_CLUSTER_FORMATION", "bootstrap",
        "LIBRARY_CLUSTER_STABLE_AFTER", "5s",
        "LIBRARY_CLUSTER_REQUIRED_CONTACT_POINTS", "2");
  }

  private static void startAll(List<ServerNode> nodes) throws Exception {
    for (ServerNode node : nodes) {
      node.start();
    }
    for (ServerNode node : nodes) {
      node.awaitReady(READY);
    }
    awaitMembers(nodes.get(0), nodes.size());
  }

  /** Until the node reports exactly {@code count} members Up and none unreachable. */
  private static void awaitMembers(ServerNode node, int count) throws InterruptedException {
    Instant deadline = Instant.now().plus(READY);
    while (Instant.now().isBefore(deadline)) {
      String members = node.members();
      int up = members.split("\"status\":\"Up\"", -1).length - 1;
      if (up == count && members.contains("\"unreachable\":[]")) {
        return;
      }
      Thread.sleep(100); // polling the cluster's view
    }
    throw new IllegalStateException(node + " never saw " + count + " members up");
  }
}
