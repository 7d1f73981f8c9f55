package dk.library.circulation.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaTest {

  @Test
  void theCqlFilesBecomeStatementsForTheChosenKeyspaces() {
    List<String> statements =
        Schema.statements(
            new Schema.Keyspaces("library", "{'class': 'NetworkTopologyStrategy', 'dc1': 3}"));
    assertEquals(18, statements.size(), statements.toString());
    assertTrue(
        statements.stream()
            .anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS library.deadlines ")));
    assertTrue(
        statements.stream()
            .anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS library.running_servers ")));
    assertTrue(
        statements.stream()
            .anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS library.visits ")));
    assertTrue(
        statements.stream()
            .anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS library.debt_collection ")));
    assertTrue(
        statements.stream()
            .anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS library.retired_cards ")));
    assertTrue(
        statements.stream()
            .anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS library.transaction_keys ")));
    assertTrue(
        statements.stream().noneMatch(s -> s.contains("${")), "every placeholder is filled in");
    assertTrue(statements.stream().noneMatch(s -> s.contains("--")), "comments are not sent");
    assertTrue(
        statements.contains(
            "CREATE KEYSPACE IF NOT EXISTS library WITH replication = {'class':"
                + " 'NetworkTopologyStrategy', 'dc1': 3}"));
    assertTrue(
        statements.stream()
            .anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS library.messages")));
    assertTrue(
        statements.stream()
            .anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS library_snapshot.snapshots")));
  }

  @Test
  void aKeyspaceNameThatCouldInjectCqlIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> Schema.Keyspaces.local("library; DROP KEYSPACE x"));
    assertThrows(IllegalArgumentException.class, () -> Schema.Keyspaces.local("Library"));
    assertThrows(
        IllegalArgumentException.class, () -> new Schema.Keyspaces("library", "SimpleStrategy"));
  }

  @Test
  void theLocalNodeListensOnLoopbackOnItsOwnPortsAndKeepsEverythingInItsDirectory() {
    LocalCassandra.Settings settings =
        new LocalCassandra.Settings(
            Path.of("/tmp/node"), 19042, 19043, "512m", java.time.Duration.ofMinutes(1));
    String yaml = LocalCassandra.yaml(Path.of("/tmp/node"), settings);
    assertTrue(yaml.contains("native_transport_port: 19042"));
    assertTrue(yaml.contains("storage_port: 19043"));
    assertTrue(yaml.contains("listen_address: 127.0.0.1"));
    assertTrue(yaml.contains("commitlog_directory: /tmp/node/data/commitlog"));
    assertTrue(yaml.contains("commitlog_sync: batch"), "acknowledged writes are on disk");
    assertFalse(yaml.contains(": 9042\n"), "never the default CQL port");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new LocalCassandra.Settings(
                Path.of("x"), 19042, 19042, "512m", java.time.Duration.ofMinutes(1)));
  }

  @Test
  void nothingAnswersCqlOnAClosedPort() {
    assertFalse(LocalCassandra.answersCql(LocalCassandra.freePort()));
  }
}
