package dk.library.circulation.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * How a node becomes a member (library.cluster): on its own (one server), or with the others found
 * through Cluster Bootstrap, by the configured node list on one host or by the Kubernetes API in
 * pods. Every node runs the management port, whose probes say when it is a member and serving.
 */
final class ClusterFormation {

  private ClusterFormation() {}

  /** The discovery settings the formation needs: the node list as Pekko's config discovery. */
  static Config applyTo(Config config) {
    boolean bootstrap = bootstrap(config);
    String nodes = config.getString("library.cluster.nodes").strip();
    String method =
        config.getString(
            "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method");
    if (!bootstrap || !method.equals("config")) {
      return config;
    }
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException(
          "library.cluster.nodes (LIBRARY_CLUSTER_NODES) is empty; with formation = bootstrap and"
              + " discovery config, list every node's management endpoint as host:port,host:port");
    }
    List<Map<String, Object>> endpoints =
        Arrays.stream(nodes.split(",")).map(String::strip).map(ClusterFormation::endpoint).toList();
    String service =
        config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name");
    return ConfigFactory.empty()
        .withValue(
            "pekko.discovery.config.services.\"" + service + "\".endpoints",
            ConfigValueFactory.fromIterable(endpoints))
        .withFallback(config);
  }

  private static Map<String, Object> endpoint(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    try {
      return Map.of(
          "host",
          hostAndPort.substring(0, colon),
          "port",
          Integer.parseInt(hostAndPort.substring(colon + 1)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "library.cluster.nodes: '" + hostAndPort + "' is not host:port (a management endpoint)");
    }
  }

  private static boolean bootstrap(Config config) {
    String formation = config.getString("library.cluster.formation");
    return switch (formation) {
      case "self" -> false;
      case "bootstrap" -> true;
      default ->
          throw new IllegalArgumentException(
              "library.cluster.formation (LIBRARY_CLUSTER_FORMATION) is '"
                  + formation
                  + "'; use self or bootstrap");
    };
  }

  /** Starts the management port, then joins: itself, the seed nodes, or what bootstrap finds. */
  static void join(ActorSystem<?> system, Config config) {
    try {
      PekkoManagement.get(system.classicSystem()).start().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw new IllegalStateException(
          "the management port "
              + config.getString("pekko.management.http.hostname")
              + ":"
              + config.getInt("pekko.management.http.port")
              + " could not be bound (LIBRARY_MANAGEMENT_PORT): "
              + e.getCause().getMessage(),
          e);
    }
    if (bootstrap(config)) {
      ClusterBootstrap.get(system.classicSystem()).start();
    } else if (config.getList("pekko.cluster.seed-nodes").isEmpty()) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }
}
