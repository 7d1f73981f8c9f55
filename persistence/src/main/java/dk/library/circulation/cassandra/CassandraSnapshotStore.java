package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.typesafe.config.Config;
import dk.library.circulation.metrics.EntityMetrics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Snapshots in pekko-persistence-cassandra 1.1's snapshots table (schema/snapshot.cql).
 *
 * <p>A load first reads the entity's events, at most {@code whole-history-below} of them: most
 * entities have fewer, no snapshot worth reading, and then that one request is their whole wake
 * (the journal replays what it read, {@link Wakes}). Only a longer history reads the newest
 * snapshot: one request, the row with its data (the plugin read the metadata first, then the
 * snapshot). Older snapshots, or ones that no longer deserialize, are looked for only when the
 * newest does not fit the criteria.
 */
public final class CassandraSnapshotStore extends SnapshotStore {

  private final CompletionStage<Statements> statements;
  private final CompletionStage<MessagesTable> messages;
  private final Serialization serialization;
  private final Wakes wakes = Wakes.of(context().system());
  private final int wholeHistoryBelow;

  private record Statements(
      CqlSession session,
      PreparedStatement newest,
      PreparedStatement all,
      PreparedStatement insert,
      PreparedStatement deleteOne,
      PreparedStatement deleteRange) {}

  public CassandraSnapshotStore(Config config, String configPath) {
    this.serialization = SerializationExtension.get(context().system());
    this.messages = MessagesTable.of(context().system());
    this.wholeHistoryBelow = config.getInt("whole-history-below");
    String table =
        context()
                .system()
                .settings()
                .config()
                .getString("pekko.persistence.cassandra.snapshot.keyspace")
            + ".snapshots";
    String columns = "sequence_nr, timestamp, ser_id, ser_manifest, snapshot_data";
    this.statements =
        MessagesTable.session(context().system())
            .thenApplyAsync(
                session ->
                    new Statements(
                        session,
                        session.prepare(
                            "SELECT "
                                + columns
                                + " FROM "
                                + table
                                + " WHERE persistence_id = ? AND sequence_nr <= ? LIMIT 1"),
                        session.prepare(
                            "SELECT "
                                + columns
                                + " FROM "
                                + table
                                + " WHERE persistence_id = ? AND sequence_nr <= ?"
                                + " AND sequence_nr >= ?"),
                        session.prepare(
                            "INSERT INTO "
                                + table
                                + " (persistence_id, sequence_nr, timestamp, ser_id, ser_manifest,"
                                + " snapshot_data) VALUES (?, ?, ?, ?, ?, ?)"),
                        session.prepare(
                            "DELETE FROM "
                                + table
                                + " WHERE persistence_id = ? AND sequence_nr = ?"),
                        session.prepare(
                            "DELETE FROM "
                                + table
                                + " WHERE persistence_id = ? AND sequence_nr <= ?"
                                + " AND sequence_nr >= ?")));
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    return FutureConverters.asScala(
        wakes
            .afterWrites(persistenceId)
            .thenCompose(ready -> messages)
            .thenCompose(
                table ->
                    table.wholeHistoryBelow(
                        persistenceId, (int) Math.min(wholeHistoryBelow, table.partitionSize())))
            .thenCompose(
                whole -> {
                  if (whole.isPresent()) {
                    // Events are never deleted, so replaying all of them gives the state any
                    // snapshot holds: the journal replays them from memory (Wakes).
                    wakes.wholeHistory(persistenceId, whole.get());
                    return CompletableFuture.completedFuture(Optional.<SelectedSnapshot>empty());
                  }
                  wakes.forgetHistory(persistenceId);
                  return newest(persistenceId, criteria);
                }));
  }

  private CompletionStage<Optional<SelectedSnapshot>> newest(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    return statements.thenCompose(
        s ->
            execute(s, s.newest().bind(persistenceId, criteria.maxSequenceNr()), "snapshot-load")
                .thenCompose(
                    rows -> {
                      Row newest = rows.one();
                      if (newest == null) {
                        return CompletableFuture.completedFuture(Optional.empty());
                      }
                      Optional<SelectedSnapshot> selected = select(persistenceId, newest, criteria);
                      return selected.isPresent()
                          ? CompletableFuture.completedFuture(selected)
                          : searchOlder(s, persistenceId, criteria);
                    }));
  }

  /** The newest snapshot that fits the criteria and deserializes, by reading them all. */
  private CompletionStage<Optional<SelectedSnapshot>> searchOlder(
      Statements s, String persistenceId, SnapshotSelectionCriteria criteria) {
    return rows(
            s,
            s.all().bind(persistenceId, criteria.maxSequenceNr(), criteria.minSequenceNr()),
            new ArrayList<>())
        .thenApply(
            rows ->
                rows.stream()
                    .map(row -> select(persistenceId, row, criteria))
                    .flatMap(Optional::stream)
                    .findFirst());
  }

  private Optional<SelectedSnapshot> select(
      String persistenceId, Row row, SnapshotSelectionCriteria criteria) {
    long sequenceNr = row.getLong("sequence_nr");
    long timestamp = row.getLong("timestamp");
    ByteBuffer data = row.getByteBuffer("snapshot_data");
    if (sequenceNr < criteria.minSequenceNr()
        || timestamp > criteria.maxTimestamp()
        || timestamp < criteria.minTimestamp()
        || data == null) {
      return Optional.empty();
    }
    byte[] bytes = new byte[data.remaining()];
    data.duplicate().get(bytes);
    try {
      Object snapshot =
          serialization
              .deserialize(bytes, row.getInt("ser_id"), row.getString("ser_manifest"))
              .get();
      return Optional.of(
          SelectedSnapshot.create(
              new SnapshotMetadata(persistenceId, sequenceNr, timestamp), snapshot));
    } catch (RuntimeException e) {
      // An older snapshot may still be readable; failing that, the events are replayed.
      log()
          .warning(
              "snapshot {} of {} does not deserialize: {}",
              sequenceNr,
              persistenceId,
              e.getClass().getName());
      return Optional.empty();
    }
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    Serializer serializer = serialization.findSerializerFor(snapshot);
    byte[] bytes = serializer.toBinary(snapshot);
    return FutureConverters.asScala(
        statements.thenCompose(
            s ->
                execute(
                        s,
                        s.insert()
                            .bind(
                                metadata.persistenceId(),
                                metadata.sequenceNr(),
                                metadata.timestamp(),
                                serializer.identifier(),
                                Serializers.manifestFor(serializer, snapshot),
                                ByteBuffer.wrap(bytes)),
                        "snapshot-save")
                    .thenApply(done -> (Void) null)));
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    return FutureConverters.asScala(
        statements.thenCompose(
            s ->
                execute(
                        s,
                        s.deleteOne().bind(metadata.persistenceId(), metadata.sequenceNr()),
                        "snapshot-delete")
                    .thenApply(done -> (Void) null)));
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    boolean anyTime = criteria.minTimestamp() == 0 && criteria.maxTimestamp() == Long.MAX_VALUE;
    return FutureConverters.asScala(
        statements.thenCompose(
            s -> {
              if (anyTime) {
                // One range tombstone instead of a read and a delete per snapshot.
                return execute(
                        s,
                        s.deleteRange()
                            .bind(
                                persistenceId, criteria.maxSequenceNr(), criteria.minSequenceNr()),
                        "snapshot-delete")
                    .thenApply(done -> (Void) null);
              }
              return rows(
                      s,
                      s.all()
                          .bind(persistenceId, criteria.maxSequenceNr(), criteria.minSequenceNr()),
                      new ArrayList<>())
                  .thenCompose(
                      rows -> {
                        CompletableFuture<?>[] deletes =
                            rows.stream()
                                .filter(
                                    row ->
                                        row.getLong("timestamp") <= criteria.maxTimestamp()
                                            && row.getLong("timestamp") >= criteria.minTimestamp())
                                .map(
                                    row ->
                                        execute(
                                                s,
                                                s.deleteOne()
                                                    .bind(
                                                        persistenceId, row.getLong("sequence_nr")),
                                                "snapshot-delete")
                                            .toCompletableFuture())
                                .toArray(CompletableFuture[]::new);
                        return CompletableFuture.allOf(deletes).thenApply(done -> (Void) null);
                      });
            }));
  }

  private static CompletionStage<List<Row>> rows(
      Statements s, Statement<?> statement, List<Row> rows) {
    return execute(s, statement, "snapshot-load").thenCompose(result -> collect(result, rows));
  }

  private static CompletionStage<List<Row>> collect(AsyncResultSet result, List<Row> rows) {
    result.currentPage().forEach(rows::add);
    return result.hasMorePages()
        ? result.fetchNextPage().thenCompose(next -> collect(next, rows))
        : CompletableFuture.completedFuture(rows);
  }

  private static CompletionStage<AsyncResultSet> execute(
      Statements s, Statement<?> statement, String kind) {
    EntityMetrics.journalRequest(kind, 0);
    return s.session().executeAsync(statement.setExecutionProfileName(MessagesTable.PROFILE));
  }
}
