package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Operator commands for the journal's Cassandra.
 *
 * <ul>
 *   <li>{@code create-schema HOST:PORT DATACENTER KEYSPACE REPLICATION}: creates keyspaces and
 *       tables from the CQL files in the repository (idempotent).
 *   <li>{@code run-local DIR PORT}: runs the local single node in the foreground until stopped.
 * </ul>
 */
public final class CassandraTool {

  private CassandraTool() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 5 && args[0].equals("create-schema")) {
      String[] hostPort = args[1].split(":");
      var builder =
          CqlSession.builder()
              .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
              .withLocalDatacenter(args[2]);
      String username = System.getenv().getOrDefault("LIBRARY_CASSANDRA_USERNAME", "");
      if (!username.isEmpty()) {
        builder.withAuthCredentials(
            username, System.getenv().getOrDefault("LIBRARY_CASSANDRA_PASSWORD", ""));
      }
      try (CqlSession session = builder.build()) {
        Schema.create(session, new Schema.Keyspaces(args[3], args[4]));
      }
      System.out.println(
          "Schema created in keyspaces " + args[3] + " and " + args[3] + "_snapshot");
    } else if (args.length == 3 && args[0].equals("run-local")) {
      int port = Integer.parseInt(args[2]);
      try (LocalCassandra node =
          LocalCassandra.start(
                  new LocalCassandra.Settings(
                      Path.of(args[1]), port, port + 1, "768m", Duration.ofMinutes(3)))
              .stopOnExit()) {
        System.out.println("Cassandra answers CQL on " + node.contactPoint() + "; Ctrl-C stops it");
        new CountDownLatch(1).await();
      }
    } else {
      System.err.println(
          "usage: create-schema HOST:PORT DATACENTER KEYSPACE REPLICATION\n"
              + "       run-local DIR PORT");
      System.exit(2);
    }
  }
}
