package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.typesafe.config.Config;
import dk.library.circulation.retention.JournalEraser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * R40's erasure in the journal's and snapshot store's tables: one range delete per journal
 * partition the events can be in (an atomic write lies whole in the partition of its last event, so
 * events before N are in partitions up to N's and the next) and one for the older snapshots.
 * Cassandra keeps the deleted cells as tombstones until {@code gc_grace_seconds} has passed and
 * compaction has run (docs/privacy.md); no read returns them from the moment of the delete.
 */
public final class CassandraJournalEraser implements JournalEraser {

  private record Statements(
      CqlSession session,
      PreparedStatement events,
      PreparedStatement snapshots,
      PreparedStatement allSnapshots) {}

  private final CompletionStage<Statements> statements;
  private final long partitionSize;

  private CassandraJournalEraser(CompletionStage<Statements> statements, long partitionSize) {
    this.statements = statements;
    this.partitionSize = partitionSize;
  }

  public static CassandraJournalEraser create(ActorSystem<?> system) {
    Config cassandra = system.settings().config().getConfig("pekko.persistence.cassandra");
    String journal = cassandra.getString("journal.keyspace") + ".messages";
    String snapshots = cassandra.getString("snapshot.keyspace") + ".snapshots";
    return new CassandraJournalEraser(
        MessagesTable.session(system)
            .thenApply(
                session ->
                    new Statements(
                        session,
                        session.prepare(
                            "DELETE FROM "
                                + journal
                                + " WHERE persistence_id = ? AND partition_nr = ?"
                                + " AND sequence_nr < ?"),
                        session.prepare(
                            "DELETE FROM "
                                + snapshots
                                + " WHERE persistence_id = ? AND sequence_nr < ?"),
                        session.prepare("DELETE FROM " + snapshots + " WHERE persistence_id = ?"))),
        cassandra.getLong("journal.target-partition-size"));
  }

  @Override
  public CompletionStage<Done> eraseBefore(String persistenceId, long snapshotSequenceNr) {
    if (snapshotSequenceNr < 1) {
      throw new IllegalArgumentException(
          "a snapshot's sequence number is at least 1, was " + snapshotSequenceNr);
    }
    return statements.thenCompose(
        s -> {
          List<CompletableFuture<?>> deletes = events(s, persistenceId, snapshotSequenceNr);
          deletes.add(
              s.session()
                  .executeAsync(s.snapshots().bind(persistenceId, snapshotSequenceNr))
                  .toCompletableFuture());
          return all(deletes);
        });
  }

  /**
   * The snapshots go first: were the events deleted first and the node died in between, the entity
   * would wake from a snapshot without the events that followed it.
   */
  @Override
  public CompletionStage<Done> eraseAll(String persistenceId, long highestSequenceNr) {
    return statements.thenCompose(
        s ->
            s.session()
                .executeAsync(s.allSnapshots().bind(persistenceId))
                .thenCompose(
                    deleted -> all(events(s, persistenceId, Math.max(1, highestSequenceNr) + 1))));
  }

  private List<CompletableFuture<?>> events(Statements s, String persistenceId, long below) {
    List<CompletableFuture<?>> deletes = new ArrayList<>();
    long lastPartition = (below - 1) / partitionSize + 1;
    for (long partition = 0; partition <= lastPartition; partition++) {
      deletes.add(
          s.session()
              .executeAsync(s.events().bind(persistenceId, partition, below))
              .toCompletableFuture());
    }
    return deletes;
  }

  private static CompletionStage<Done> all(List<CompletableFuture<?>> deletes) {
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
        .thenApply(all -> Done.getInstance());
  }
}
