package dk.library.circulation.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose server was killed keeps running; the next server adopts it by its pid file and stops
 * it when it stops, but never adopts a process it did not start. A stand-in process with the node's
 * command-line mark plays the orphaned node, so no Cassandra has to start.
 */
class LocalCassandraAdoptionTest {

  static LocalCassandra.Settings settings(Path dir) {
    return new LocalCassandra.Settings(dir, 19042, 19043, "256m", Duration.ofMinutes(1));
  }

  static Process standIn(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", "-c", "sleep 300; true"));
    command.addAll(List.of(arguments));
    return new ProcessBuilder(command).start();
  }

  @Test
  void aNodeLeftRunningUnderTheSameDirectoryIsAdoptedAndStoppedWithTheServer(@TempDir Path dir)
      throws Exception {
    Path home = dir.toAbsolutePath();
    Process orphan = standIn("-Dcassandra.storagedir=" + home.resolve("data"));
    try {
      Files.writeString(home.resolve(LocalCassandra.PID_FILE), orphan.pid() + "\n");

      Optional<LocalCassandra> adopted = LocalCassandra.adopt(settings(home));

      assertTrue(adopted.isPresent());
      assertEquals(orphan.pid(), adopted.get().pid());
      adopted.get().close();
      assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the adopted node is stopped");
    } finally {
      orphan.destroyForcibly();
    }
  }

  @Test
  void aProcessThatIsNotThisDirectorysNodeIsNeverAdopted(@TempDir Path dir) throws Exception {
    Path home = dir.toAbsolutePath();
    Process stranger = standIn("-Dcassandra.storagedir=/somewhere/else/data");
    try {
      Files.writeString(home.resolve(LocalCassandra.PID_FILE), stranger.pid() + "\n");

      assertFalse(LocalCassandra.adopt(settings(home)).isPresent());
      assertTrue(stranger.isAlive());
    } finally {
      stranger.destroyForcibly();
    }
  }

  @Test
  void noPidFileOrAStaleOneAdoptsNothing(@TempDir Path dir) throws Exception {
    Path home = dir.toAbsolutePath();
    assertFalse(LocalCassandra.adopt(settings(home)).isPresent());
    Process gone = standIn("-Dcassandra.storagedir=" + home.resolve("data"));
    gone.destroyForcibly().waitFor();
    Files.writeString(home.resolve(LocalCassandra.PID_FILE), gone.pid() + "\n");
    assertFalse(LocalCassandra.adopt(settings(home)).isPresent());
  }
}
