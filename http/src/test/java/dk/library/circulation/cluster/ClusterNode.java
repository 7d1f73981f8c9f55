package dk.library.circulation.cluster;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.server.Main;
import dk.library.circulation.testing.TestServers;

/**
 * One node of a test cluster in a JVM of its own, run by {@link Main#serve} as in production: the
 * test servers' configuration on the shared node, Cluster Bootstrap with config discovery. Args:
 * Cassandra port, HTTP port, cluster (remoting) port, management port, all nodes' management
 * endpoints.
 */
public final class ClusterNode {

  private ClusterNode() {}

  public static void main(String[] args) {
    System.exit(
        Main.serve(
            ConfigFactory.parseString(
                    """
                    library.http.port = %s
                    pekko.remote.artery.canonical.port = %s
                    pekko.management.http.port = %s
                    library.cluster.formation = bootstrap
                    library.cluster.nodes = "%s"
                    library.sip2.enabled = off
                    pekko.cluster.split-brain-resolver.stable-after = 3s
                    """
                        .formatted(args[1], args[2], args[3], args[4]))
                .withFallback(TestServers.config(Integer.parseInt(args[0])))));
  }
}
