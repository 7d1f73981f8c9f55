package dk.library.circulation.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster and Cassandra settings a node starts with, as its configuration resolves them. */
class ClusterFormationTest {

  static Config with(String settings) {
    return ConfigFactory.parseString(settings)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void oneServerFormsAClusterOfItsOwnByDefault_withKeepMajorityAndTheManagementPort() {
    Config config = with("");
    assertSame(config, ClusterFormation.applyTo(config));
    assertEquals("self", config.getString("library.cluster.formation"));
    assertEquals(
        "keep-majority", config.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals(8558, config.getInt("pekko.management.http.port"));
    assertEquals(
        "dk.library.circulation.server.ServingCheck",
        config.getString("pekko.management.health-checks.readiness-checks.serving"));
  }

  @Test
  void bootstrapWithConfigDiscovery_listsEveryNodesManagementEndpoint() {
    Config config =
        ClusterFormation.applyTo(
            with(
                """
                library.cluster.formation = bootstrap
                library.cluster.nodes = "127.0.0.1:8558, 127.0.0.1:8559,node3.example:8558"
                """));
    List<? extends Config> endpoints =
        config.getConfigList("pekko.discovery.config.services.circulation.endpoints");
    assertEquals(3, endpoints.size());
    assertEquals("127.0.0.1", endpoints.get(1).getString("host"));
    assertEquals(8559, endpoints.get(1).getInt("port"));
    assertEquals("node3.example", endpoints.get(2).getString("host"));
  }

  @Test
  void aFormationOrNodeListThatCannotWork_isRefusedWithTheSettingToMend() {
    IllegalArgumentException formation =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClusterFormation.applyTo(with("library.cluster.formation = seeds")));
    assertTrue(
        formation.getMessage().contains("LIBRARY_CLUSTER_FORMATION"), formation.getMessage());
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClusterFormation.applyTo(with("library.cluster.formation = bootstrap")));
    assertTrue(empty.getMessage().contains("LIBRARY_CLUSTER_NODES"), empty.getMessage());
    IllegalArgumentException port =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClusterFormation.applyTo(
                    with(
                        """
                        library.cluster.formation = bootstrap
                        library.cluster.nodes = "127.0.0.1:8558,127.0.0.1"
                        """)));
    assertTrue(port.getMessage().contains("'127.0.0.1' is not host:port"), port.getMessage());
  }

  @Test
  void podsDiscoverEachOtherThroughTheKubernetesApi_withoutANodeList() {
    Config config =
        with(
            """
library.cluster.formation = bootstrap
pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method = kubernetes-api
""");
    assertSame(config, ClusterFormation.applyTo(config));
    assertEquals(
        "app.kubernetes.io/name=%s",
        config.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
  }

  @Test
  void everyCassandraRequestRunsAtTheConfiguredConsistency() {
    for (Config config : List.of(with(""), with("library.cassandra.consistency = ONE"))) {
      String wanted = config.getString("library.cassandra.consistency");
      Config driver = config.getConfig("datastax-java-driver");
      assertEquals(wanted, driver.getString("basic.request.consistency"));
      assertEquals(
          wanted,
          driver.getString(
              "profiles.pekko-persistence-cassandra-profile.basic.request.consistency"));
      assertEquals(
          wanted,
          driver.getString(
              "profiles.pekko-persistence-cassandra-snapshot-profile.basic.request.consistency"));
    }
    assertEquals("LOCAL_QUORUM", with("").getString("library.cassandra.consistency"));
  }
}
