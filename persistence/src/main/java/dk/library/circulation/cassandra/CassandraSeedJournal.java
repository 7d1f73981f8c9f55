package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import dk.library.circulation.load.SeedJournal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The journal's messages table read and written as pekko-persistence-cassandra 1.1 does
 * (schema/journal.cql): the same columns, partitions of {@code target-partition-size} sequence
 * numbers, events serialized by Pekko serialization, the journal's consistency profile. An entity
 * recovers what this wrote exactly as its own events.
 */
public final class CassandraSeedJournal implements SeedJournal {

  private static final String PROFILE = "pekko-persistence-cassandra-profile";
  private static final long HOUR_MILLIS = 3_600_000L;

  private final CqlSession session;
  private final Serialization serialization;
  private final long partitionSize;
  private final PreparedStatement select;
  private final PreparedStatement insert;
  /** One writer id for this load, as each incarnation of an entity has its own. */
  private final String writerUuid = UUID.randomUUID().toString();

  private CassandraSeedJournal(
      CqlSession session, Serialization serialization, long partitionSize, String keyspace) {
    this.session = session;
    this.serialization = serialization;
    this.partitionSize = partitionSize;
    this.select =
        session.prepare(
            "SELECT sequence_nr, ser_id, ser_manifest, event FROM "
                + keyspace
                + ".messages WHERE persistence_id = ? AND partition_nr = ?");
    this.insert =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".messages (persistence_id, partition_nr, sequence_nr, timestamp, timebucket,"
                + " writer_uuid, ser_id, ser_manifest, event_manifest, event, tags)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }

  /** Over the journal's own driver session. */
  public static CassandraSeedJournal create(ActorSystem<?> system) {
    var config = system.settings().config().getConfig("pekko.persistence.cassandra.journal");
    try {
      CqlSession session =
          CassandraSessionRegistry.get(system)
              .sessionFor("pekko.persistence.cassandra")
              .underlying()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return new CassandraSeedJournal(
          session,
          SerializationExtension.get(Adapter.toClassic(system)),
          config.getLong("target-partition-size"),
          config.getString("keyspace"));
    } catch (Exception e) {
      throw new IllegalStateException("no Cassandra session for the initial load", e);
    }
  }

  @Override
  public CompletionStage<List<Object>> events(String persistenceId) {
    return readFrom(persistenceId, 0, new ArrayList<>());
  }

  /** Partition after partition until one is empty, as the journal's replay does. */
  private CompletionStage<List<Object>> readFrom(
      String persistenceId, long partition, List<Object> events) {
    return execute(select.bind(persistenceId, partition))
        .thenCompose(rows -> collect(rows, events))
        .thenCompose(
            found ->
                found == 0
                    ? CompletableFuture.completedFuture(events)
                    : readFrom(persistenceId, partition + 1, events));
  }

  private CompletionStage<Integer> collect(AsyncResultSet rows, List<Object> events) {
    int found = 0;
    for (Row row : rows.currentPage()) {
      ByteBuffer bytes = row.getByteBuffer("event");
      byte[] event = new byte[bytes.remaining()];
      bytes.get(event);
      events.add(
          serialization
              .deserialize(event, row.getInt("ser_id"), row.getString("ser_manifest"))
              .get());
      found++;
    }
    if (rows.hasMorePages()) {
      int soFar = found;
      return rows.fetchNextPage().thenCompose(next -> collect(next, events)).thenApply(n -> n + soFar);
    }
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletionStage<Done> append(String persistenceId, long from, List<?> events) {
    List<BoundStatement> rows = new ArrayList<>();
    long sequenceNr = from;
    for (Object event : events) {
      Serializer serializer = serialization.findSerializerFor(event);
      UUID timestamp = Uuids.timeBased();
      long millis = Uuids.unixTimestamp(timestamp);
      rows.add(
          insert.bind(
              persistenceId,
              (sequenceNr - 1) / partitionSize,
              sequenceNr,
              timestamp,
              Long.toString(millis - millis % HOUR_MILLIS),
              writerUuid,
              serializer.identifier(),
              Serializers.manifestFor(serializer, event),
              "",
              ByteBuffer.wrap(serializer.toBinary(event)),
              Set.<String>of()));
      sequenceNr++;
    }
    boolean onePartition =
        (from - 1) / partitionSize == (sequenceNr - 2) / partitionSize;
    Statement<?> write =
        rows.size() == 1
            ? rows.get(0)
            : BatchStatement.newInstance(
                onePartition ? BatchType.UNLOGGED : BatchType.LOGGED, rows.toArray(BoundStatement[]::new));
    return execute(write).thenApply(done -> Done.getInstance());
  }

  private CompletionStage<AsyncResultSet> execute(Statement<?> statement) {
    return session.executeAsync(statement.setExecutionProfileName(PROFILE));
  }
}
