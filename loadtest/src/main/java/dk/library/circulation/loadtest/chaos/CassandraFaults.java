package dk.library.circulation.loadtest.chaos;

import static dk.library.circulation.loadtest.chaos.FaultCampaign.READY;
import static dk.library.circulation.loadtest.chaos.FaultCampaign.clear;
import static dk.library.circulation.loadtest.chaos.FaultCampaign.minus;
import static dk.library.circulation.loadtest.chaos.FaultCampaign.outcome;
import static dk.library.circulation.loadtest.chaos.FaultCampaign.session;
import static dk.library.circulation.loadtest.chaos.FaultCampaign.snapshot;

import com.datastax.oss.driver.api.core.CqlSession;
import dk.library.circulation.cassandra.LocalCassandra;
import dk.library.circulation.cassandra.Schema;
import dk.library.circulation.loadtest.chaos.FaultCampaign.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The campaign's Cassandra faults: the single node stopped, one of three replicas killed. */
final class CassandraFaults {

  private final FaultCampaign campaign;

  CassandraFaults(FaultCampaign campaign) {
    this.campaign = campaign;
  }

  /** Cassandra stopped for 30 s under load: 503 with Retry-After, no crash, back within 5 s. */
  Outcome stopTheNode() throws Exception {
    ServerNode node = campaign.nodes("cassandra", 1, Map.of()).get(0);
    node.start();
    node.awaitReady(READY);
    Machines machines = campaign.atWork(List.of(node), "cassandra");
    Thread.sleep(5_000);
    Map<String, Long> before = snapshot(machines);
    campaign.cassandra.close();
    Thread.sleep(30_000);
    Map<String, Long> during = minus(snapshot(machines), before);
    boolean survived = node.alive();
    campaign.cassandra = LocalCassandra.start(campaign.cassandraSettings).stopOnExit();
    long returnedAt = System.currentTimeMillis();
    Optional<Duration> back = machines.awaitAcknowledgedAfter(returnedAt, Duration.ofMinutes(2));
    Thread.sleep(5_000);
    machines.close();
    Verdict verdict = machines.verdict(node.base());
    node.terminate(Duration.ofSeconds(60));
    boolean clear = clear(during);
    boolean quick = back.isPresent() && back.get().compareTo(Duration.ofSeconds(5)) <= 0;
    return outcome(
        "cassandra",
        "Cassandra stopped (SIGTERM) for 30 s under load, then started again",
        machines,
        verdict,
        back.map(d -> d.toMillis() + " ms after Cassandra answered again")
            .orElse("not within 2 min"),
        survived && clear && quick,
        "The server "
            + (survived ? "kept running" : "DIED")
            + "; its answers during the outage "
            + (clear ? "were all clear" : "were NOT all 503 with Retry-After")
            + ": "
            + during
            + "; serving again "
            + (quick ? "within" : "NOT within")
            + " 5 s of Cassandra's return.");
  }

  /** Three Cassandra nodes (127.0.0.1-3, replication factor 3); one killed -9 under load. */
  Outcome killOneOfThreeReplicas() throws Exception {
    Path base = campaign.options.work().resolve("cassandra-rf3");
    LocalCassandra.Settings first = LocalCassandra.Settings.onFreePorts(base.resolve("n1"), "512m");
    String seed = "127.0.0.1:" + first.storagePort();
    List<LocalCassandra.Settings> settings =
        List.of(
            first,
            first.at(base.resolve("n2"), "127.0.0.2", seed),
            first.at(base.resolve("n3"), "127.0.0.3", seed));
    List<LocalCassandra> replicas = new ArrayList<>();
    try {
      for (LocalCassandra.Settings replica : settings) {
        replicas.add(LocalCassandra.start(replica).stopOnExit());
      }
      try (CqlSession session = session(first)) {
        Schema.create(
            session,
            new Schema.Keyspaces(
                "library", "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}"));
      }
      String contactPoints =
          String.join(",", replicas.stream().map(LocalCassandra::contactPoint).toList());
      ServerNode node =
          campaign
              .nodes(
                  "cassandra-node",
                  1,
                  Map.of(
                      "LIBRARY_CASSANDRA_CONTACT_POINTS",
                      contactPoints,
                      "LIBRARY_CASSANDRA_CONSISTENCY",
                      "LOCAL_QUORUM"))
              .get(0);
      node.start();
      node.awaitReady(READY);
      Machines machines = campaign.atWork(List.of(node), "cassandra-node");
      Thread.sleep(10_000);
      Map<String, Long> before = snapshot(machines);
      long acknowledgedBefore = machines.acknowledged.get();
      ProcessHandle.of(replicas.get(2).pid()).ifPresent(ProcessHandle::destroyForcibly);
      long killedAt = System.currentTimeMillis();
      Optional<Duration> served = machines.awaitAcknowledgedAfter(killedAt, Duration.ofMinutes(1));
      Thread.sleep(30_000);
      Map<String, Long> during = minus(snapshot(machines), before);
      long acknowledgedDuring = machines.acknowledged.get() - acknowledgedBefore;
      replicas.set(2, LocalCassandra.start(settings.get(2)).stopOnExit());
      Thread.sleep(15_000);
      machines.close();
      Verdict verdict = machines.verdict(node.base());
      node.terminate(Duration.ofSeconds(60));
      boolean clear = clear(during);
      return outcome(
          "cassandra-node",
          "three Cassandra nodes (127.0.0.1-3, replication factor 3, LOCAL_QUORUM); one killed"
              + " with -9 under load for 30 s, then started again",
          machines,
          verdict,
          served.map(d -> d.toMillis() + " ms from the kill").orElse("not within a minute"),
          clear && acknowledgedDuring > 0,
          "While the replica was down the machines had "
              + acknowledgedDuring
              + " transactions acknowledged; answers then: "
              + during
              + ".");
    } finally {
      for (LocalCassandra replica : replicas) {
        replica.close();
      }
    }
  }
}
