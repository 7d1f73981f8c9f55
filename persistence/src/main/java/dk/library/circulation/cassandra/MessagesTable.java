package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.typesafe.config.Config;
import dk.library.circulation.metrics.EntityMetrics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The journal's messages table in pekko-persistence-cassandra 1.1's layout (schema/journal.cql):
 * partitions of {@code partitionSize} sequence numbers, events serialized by Pekko serialization,
 * an hour time bucket, the writer's uuid. Both the journal plugin and the initial load read and
 * write rows through this one class, so the two can never disagree on the format.
 */
public final class MessagesTable {

  /** The consistency profile pekko-persistence-cassandra defines and the schema was made for. */
  static final String PROFILE = "pekko-persistence-cassandra-profile";

  private static final long HOUR_MILLIS = 3_600_000L;

  private final CqlSession session;
  private final Serialization serialization;
  private final long partitionSize;
  private final PreparedStatement selectTwoPartitions;
  private final PreparedStatement selectFirstTwoPartitions;
  private final PreparedStatement insert;
  private final PreparedStatement insertWithMeta;

  /** One row as read back: what a replay or a fold needs. */
  public record Stored(
      long sequenceNr,
      long timestampMillis,
      String writerUuid,
      String eventManifest,
      Object event,
      Object meta) {}

  /** One event to write, serialized: its row and its size for the batch limits. */
  public record Encoded(BoundStatement row, int bytes) {}

  /** A row's fixed columns (numbers, uuids, time bucket) and a timestamp per cell. */
  static final int ROW_OVERHEAD_BYTES = 200;

  MessagesTable(
      CqlSession session, Serialization serialization, long partitionSize, String keyspace) {
    this.session = session;
    this.serialization = serialization;
    this.partitionSize = partitionSize;
    // Reading the partition of the first wanted event and the next one in one request finds every
    // event: pekko-persistence-cassandra puts an atomic write that crosses a partition boundary
    // whole into the later partition, so a partition is skipped only by a write longer than one.
    this.selectTwoPartitions =
        session.prepare(
            "SELECT sequence_nr, partition_nr, timestamp, writer_uuid, ser_id, ser_manifest,"
                + " event_manifest, event, meta_ser_id, meta_ser_manifest, meta FROM "
                + keyspace
                + ".messages WHERE persistence_id = ? AND partition_nr IN ? AND sequence_nr >= ?");
    this.selectFirstTwoPartitions =
        session.prepare(
            "SELECT sequence_nr, partition_nr, timestamp, writer_uuid, ser_id, ser_manifest,"
                + " event_manifest, event, meta_ser_id, meta_ser_manifest, meta FROM "
                + keyspace
                + ".messages WHERE persistence_id = ? AND partition_nr IN (0, 1) LIMIT ?");
    String columns =
        "persistence_id, partition_nr, sequence_nr, timestamp, timebucket, writer_uuid, ser_id,"
            + " ser_manifest, event_manifest, event, tags";
    this.insert =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".messages ("
                + columns
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.insertWithMeta =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".messages ("
                + columns
                + ", meta_ser_id, meta_ser_manifest, meta)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }

  /**
   * Over the Cassandra session pekko-persistence-cassandra's settings describe (the driver
   * configuration and its profiles), shared by everything in this actor system that uses them.
   */
  public static CompletionStage<MessagesTable> of(ClassicActorSystemProvider system) {
    Config journal =
        system.classicSystem().settings().config().getConfig("pekko.persistence.cassandra.journal");
    return session(system)
        .thenApplyAsync(
            session ->
                new MessagesTable(
                    session,
                    SerializationExtension.get(system.classicSystem()),
                    journal.getLong("target-partition-size"),
                    journal.getString("keyspace")));
  }

  public static CompletionStage<CqlSession> session(ClassicActorSystemProvider system) {
    return CassandraSessionRegistry.get(system)
        .sessionFor("pekko.persistence.cassandra")
        .underlying();
  }

  long partitionSize() {
    return partitionSize;
  }

  long partitionOf(long sequenceNr) {
    return (sequenceNr - 1) / partitionSize;
  }

  /**
   * Every event of one entity from {@code fromSequenceNr} on, in order: usually one request (the
   * partition of the first event and the next); an entity longer than that reads two partitions
   * further per request until one pair holds nothing in its later partition.
   */
  public CompletionStage<List<Stored>> eventsFrom(String persistenceId, long fromSequenceNr) {
    long from = Math.max(1, fromSequenceNr);
    return readPairs(persistenceId, partitionOf(from), from, new ArrayList<>())
        .thenApply(
            rows -> {
              rows.sort(Comparator.comparingLong(Stored::sequenceNr));
              return rows;
            });
  }

  /**
   * An entity's whole history in one request when it has fewer than {@code limit} events, limit at
   * most the partition size; empty when it may have more, or its first events were deleted (a
   * journal the plugin wrote). Fewer than {@code limit} rows numbered 1 to n in the first two
   * partitions are all there is: event n + 1 would be numbered at most {@code limit}, so in the
   * first partition, or the second when its atomic write crossed the boundary.
   */
  public CompletionStage<Optional<List<Stored>>> wholeHistoryBelow(
      String persistenceId, int limit) {
    if (limit > partitionSize) {
      throw new IllegalArgumentException(
          "a whole history is known only below the partition size " + partitionSize);
    }
    EntityMetrics.journalRequest("wake", 0);
    return execute(selectFirstTwoPartitions.bind(persistenceId, limit))
        .thenApply(
            result -> {
              List<Row> rows = new ArrayList<>();
              result.currentPage().forEach(rows::add);
              if (rows.size() >= limit || result.hasMorePages()) {
                return Optional.empty();
              }
              rows.sort(Comparator.comparingLong(row -> row.getLong("sequence_nr")));
              for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).getLong("sequence_nr") != i + 1) {
                  return Optional.empty();
                }
              }
              return Optional.of(rows.stream().map(this::stored).toList());
            });
  }

  private CompletionStage<List<Stored>> readPairs(
      String persistenceId, long partition, long from, List<Stored> rows) {
    EntityMetrics.journalRequest("replay", 0);
    return execute(selectTwoPartitions.bind(persistenceId, List.of(partition, partition + 1), from))
        .thenCompose(result -> collect(result, partition + 1, rows, false))
        .thenCompose(
            laterPartitionHadRows ->
                laterPartitionHadRows
                    ? readPairs(persistenceId, partition + 2, from, rows)
                    : CompletableFuture.completedFuture(rows));
  }

  private CompletionStage<Boolean> collect(
      AsyncResultSet result, long laterPartition, List<Stored> rows, boolean laterHadRows) {
    boolean later = laterHadRows;
    for (Row row : result.currentPage()) {
      rows.add(stored(row));
      later |= row.getLong("partition_nr") == laterPartition;
    }
    if (result.hasMorePages()) {
      boolean soFar = later;
      return result.fetchNextPage().thenCompose(next -> collect(next, laterPartition, rows, soFar));
    }
    return CompletableFuture.completedFuture(later);
  }

  Stored stored(Row row) {
    UUID timestamp = row.getUuid("timestamp");
    ByteBuffer meta = row.getByteBuffer("meta");
    return new Stored(
        row.getLong("sequence_nr"),
        timestamp != null ? Uuids.unixTimestamp(timestamp) : 0L,
        row.getString("writer_uuid"),
        row.getString("event_manifest"),
        deserialize(
            row.getByteBuffer("event"), row.getInt("ser_id"), row.getString("ser_manifest")),
        meta == null
            ? null
            : deserialize(meta, row.getInt("meta_ser_id"), row.getString("meta_ser_manifest")));
  }

  Object deserialize(ByteBuffer buffer, int serializerId, String manifest) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return serialization.deserialize(bytes, serializerId, manifest).get();
  }

  /**
   * One event's row. {@code partition} is given by the caller: an atomic write goes whole into the
   * partition of its last event, as pekko-persistence-cassandra writes it.
   */
  public Encoded encode(
      String persistenceId,
      long partition,
      long sequenceNr,
      Object event,
      String eventManifest,
      String writerUuid,
      Set<String> tags,
      Object meta) {
    Serializer serializer = serialization.findSerializerFor(event);
    byte[] binary = serializer.toBinary(event);
    UUID timestamp = Uuids.timeBased();
    long millis = Uuids.unixTimestamp(timestamp);
    Object[] values = {
      persistenceId,
      partition,
      sequenceNr,
      timestamp,
      Long.toString(millis - millis % HOUR_MILLIS),
      writerUuid,
      serializer.identifier(),
      Serializers.manifestFor(serializer, event),
      eventManifest,
      ByteBuffer.wrap(binary),
      tags
    };
    // What Cassandra counts against batch_size_fail_threshold: every cell's value and timestamp,
    // the manifests (class names) included, not only the event.
    int bytes =
        binary.length
            + persistenceId.length()
            + length(values[7])
            + length(eventManifest)
            + ROW_OVERHEAD_BYTES;
    if (meta == null) {
      return new Encoded(insert.bind(values), bytes);
    }
    Serializer metaSerializer = serialization.findSerializerFor(meta);
    byte[] metaBinary = metaSerializer.toBinary(meta);
    Object[] withMeta = new Object[values.length + 3];
    System.arraycopy(values, 0, withMeta, 0, values.length);
    withMeta[values.length] = metaSerializer.identifier();
    withMeta[values.length + 1] = Serializers.manifestFor(metaSerializer, meta);
    withMeta[values.length + 2] = ByteBuffer.wrap(metaBinary);
    return new Encoded(insertWithMeta.bind(withMeta), bytes + metaBinary.length);
  }

  private static int length(Object text) {
    return text == null ? 0 : text.toString().length();
  }

  CompletionStage<AsyncResultSet> execute(Statement<?> statement) {
    return session.executeAsync(statement.setExecutionProfileName(PROFILE));
  }

  CqlSession session() {
    return session;
  }
}
