package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra the journal writes to, chosen by {@code library.cassandra.mode}: {@code local}
 * starts (or reuses) a single node on this machine, {@code external} connects to the configured
 * contact points. Creates the schema from the CQL files when asked to.
 */
public final class JournalCassandra implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JournalCassandra.class);

  private final List<String> contactPoints;
  private final LocalCassandra ownedNode;

  private JournalCassandra(List<String> contactPoints, LocalCassandra ownedNode) {
    this.contactPoints = contactPoints;
    this.ownedNode = ownedNode;
  }

  public static JournalCassandra start(Config config) {
    Config c = config.getConfig("library.cassandra");
    String mode = c.getString("mode");
    JournalCassandra journal;
    boolean createSchema;
    switch (mode) {
      case "local" -> {
        int port = c.getInt("local.port");
        LocalCassandra.Settings local =
            new LocalCassandra.Settings(
                Path.of(c.getString("local.directory")),
                port,
                port + 1,
                c.getString("local.heap"),
                Duration.ofMinutes(3));
        LocalCassandra node = null;
        if (LocalCassandra.answersCql(port)) {
          node = LocalCassandra.adopt(local).orElse(null);
          if (node != null) {
            log.info(
                "Cassandra left running by an earlier server (pid {}) answers on 127.0.0.1:{};"
                    + " adopted, and stopped with this server",
                node.pid(),
                port);
          } else {
            log.info("A Cassandra node already answers on 127.0.0.1:{}; using it", port);
          }
        } else {
          node = LocalCassandra.start(local);
        }
        journal = new JournalCassandra(List.of("127.0.0.1:" + port), node);
        createSchema = !c.getString("create-schema").equals("off");
      }
      case "external" -> {
        List<String> points =
            Arrays.stream(c.getString("contact-points").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        if (points.isEmpty()) {
          throw new IllegalArgumentException(
              "library.cassandra.mode = external needs library.cassandra.contact-points "
                  + "(LIBRARY_CASSANDRA_CONTACT_POINTS=host:port,host:port)");
        }
        journal = new JournalCassandra(points, null);
        createSchema = c.getString("create-schema").equals("on");
      }
      default ->
          throw new IllegalArgumentException(
              "library.cassandra.mode must be 'local' or 'external', was '" + mode + "'");
    }
    if (createSchema) {
      log.info("Creating the schema where it is missing ...");
      journal.createSchema(c);
    }
    return journal;
  }

  private void createSchema(Config c) {
    Schema.Keyspaces keyspaces =
        new Schema.Keyspaces(c.getString("keyspace"), c.getString("replication"));
    try (CqlSession session = session(c)) {
      Schema.create(session, keyspaces);
    }
    log.info(
        "Schema is in place in keyspaces {} and {}", keyspaces.journal(), keyspaces.snapshot());
  }

  private CqlSession session(Config c) {
    var builder = CqlSession.builder().withLocalDatacenter(c.getString("local-datacenter"));
    if (!c.getString("username").isEmpty()) {
      builder.withAuthCredentials(c.getString("username"), c.getString("password"));
    }
    for (String point : contactPoints) {
      int colon = point.lastIndexOf(':');
      builder.addContactPoint(
          new InetSocketAddress(
              point.substring(0, colon), Integer.parseInt(point.substring(colon + 1))));
    }
    return builder.build();
  }

  /**
   * Announces a server in {@code mode} in the journal's keyspace before its actor system starts
   * (see {@link RunningServers}); close it after the actor system has stopped.
   */
  public RunningServers announce(Config config, String mode, Duration patience) {
    Config c = config.getConfig("library.cassandra");
    return RunningServers.announce(session(c), c.getString("keyspace"), mode, patience);
  }

  /** The given config with the driver pointed at this Cassandra, with its credentials if any. */
  public Config applyTo(Config config) {
    Config c = config.getConfig("library.cassandra");
    Config driver =
        ConfigFactory.empty()
            .withValue(
                "datastax-java-driver.basic.contact-points",
                ConfigValueFactory.fromIterable(contactPoints));
    if (!c.getString("username").isEmpty()) {
      driver =
          driver.withValue(
              "datastax-java-driver.advanced.auth-provider",
              ConfigValueFactory.fromMap(
                  Map.of(
                      "class", "PlainTextAuthProvider",
                      "username", c.getString("username"),
                      "password", c.getString("password"))));
    }
    return driver.withFallback(config);
  }

  @Override
  public void close() {
    if (ownedNode != null) {
      ownedNode.close();
    }
  }
}
