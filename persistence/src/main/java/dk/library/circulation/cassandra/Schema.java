package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Creates the journal, snapshot and our own tables from the CQL files under {@code
 * src/main/resources/schema}. The files are the reviewed source of truth for production; this class
 * only substitutes the keyspace names and the replication.
 */
public final class Schema {

  static final List<String> FILES =
      List.of(
          "schema/journal.cql",
          "schema/snapshot.cql",
          "schema/deadlines.cql",
          "schema/servers.cql",
          "schema/visits.cql",
          "schema/debt_collection.cql",
          "schema/retired_cards.cql",
          "schema/transaction_keys.cql",
          "schema/statistics.cql",
          "schema/interlibrary_worklists.cql");
  private static final Pattern KEYSPACE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,40}");

  /** The journal keyspace; snapshots go to {@code <journal>_snapshot}. */
  public record Keyspaces(String journal, String replication) {
    public Keyspaces {
      if (!KEYSPACE_NAME.matcher(journal).matches()) {
        throw new IllegalArgumentException(
            "keyspace must be lower-case letters, digits and '_', starting with a letter: "
                + journal);
      }
      if (!replication.trim().startsWith("{")) {
        throw new IllegalArgumentException(
            "replication must be a CQL map, e.g. {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
      }
    }

    public String snapshot() {
      return journal + "_snapshot";
    }

    public static Keyspaces local(String journal) {
      return new Keyspaces(journal, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    }
  }

  private Schema() {}

  /**
   * Schema changes wait for the node to agree on the new schema, which on a busy machine takes
   * longer than the driver's 2-second default for requests.
   */
  static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  public static void create(CqlSession session, Keyspaces keyspaces) {
    for (String statement : statements(keyspaces)) {
      session.execute(SimpleStatement.newInstance(statement).setTimeout(DDL_TIMEOUT));
    }
  }

  static List<String> statements(Keyspaces keyspaces) {
    return FILES.stream()
        .map(Schema::read)
        .map(
            text ->
                text.replace("${journal_keyspace}", keyspaces.journal())
                    .replace("${snapshot_keyspace}", keyspaces.snapshot())
                    .replace("${replication}", keyspaces.replication()))
        .map(Schema::withoutComments)
        .flatMap(text -> Arrays.stream(text.split(";")))
        .map(String::trim)
        .filter(s -> !s.isBlank())
        .toList();
  }

  private static String withoutComments(String text) {
    return text.lines()
        .filter(line -> !line.trim().startsWith("--"))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private static String read(String resource) {
    try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema file " + resource + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
