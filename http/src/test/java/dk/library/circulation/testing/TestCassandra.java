package dk.library.circulation.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import dk.library.circulation.cassandra.LocalCassandra;
import dk.library.circulation.cassandra.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one Cassandra node of a test run: started on first use on free ports under
 * target/test-cassandra, with the schema created from the repository's CQL files, and stopped when
 * the test JVM exits. All test classes share it; each test uses its own ids.
 */
public final class TestCassandra {

  public static final String KEYSPACE = "circulation_test";

  private static LocalCassandra node;

  private TestCassandra() {}

  public static synchronized LocalCassandra node() {
    if (node == null) {
      Path dir = Path.of("target", "test-cassandra").toAbsolutePath();
      deleteRecursively(dir);
      LocalCassandra started =
          LocalCassandra.start(LocalCassandra.Settings.onFreePorts(dir, "512m")).stopOnExit();
      try (CqlSession session = session(started.nativePort())) {
        Schema.create(session, Schema.Keyspaces.local(KEYSPACE));
      } catch (RuntimeException e) {
        // Only a node with its schema is the run's node: the next test starts afresh.
        started.close();
        throw e;
      }
      node = started;
    }
    return node;
  }

  public static CqlSession session() {
    return session(node().nativePort());
  }

  private static CqlSession session(int port) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", port))
        .withLocalDatacenter("datacenter1")
        .build();
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
