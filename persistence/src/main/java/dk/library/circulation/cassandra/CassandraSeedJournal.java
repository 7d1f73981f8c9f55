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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

  /**
   * Reads and writes of many entities go out together: one request for up to {@value
   * #READS_TOGETHER} entities' events, one unlogged batch for up to {@value #ROWS_TOGETHER} events
   * of many entities (each entity's events are one partition's mutation, so each stays atomic). A
   * request costs Cassandra far more than the rows in it (measured in docs/benchmarks.md, "Initial
   * load"); what waits goes out after at most {@link #WAIT}.
   */
  static final int READS_TOGETHER = 50;

  static final int ROWS_TOGETHER = 50;

  /** Below Cassandra's batch_size_fail_threshold (50 KiB). */
  static final int BYTES_TOGETHER = 40 * 1024;

  static final Duration WAIT = Duration.ofMillis(2);

  private final CqlSession session;
  private final Serialization serialization;
  private final long partitionSize;
  private final PreparedStatement select;
  private final PreparedStatement selectMany;
  private final PreparedStatement insert;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "seed-journal");
            thread.setDaemon(true);
            return thread;
          });
  private final Object lock = new Object();
  private List<PendingRead> reads = new ArrayList<>();
  private List<PendingWrite> writes = new ArrayList<>();
  private int writeRows;
  private int writeBytes;

  private record PendingRead(String persistenceId, CompletableFuture<List<Object>> events) {}

  private record PendingWrite(List<BoundStatement> rows, int bytes, CompletableFuture<Done> done) {}

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
    this.selectMany =
        session.prepare(
            "SELECT persistence_id, sequence_nr, ser_id, ser_manifest, event FROM "
                + keyspace
                + ".messages WHERE persistence_id IN ? AND partition_nr = 0");
    this.insert =
        session.prepare(
            "INSERT INTO "
                + keyspace
                + ".messages (persistence_id, partition_nr, sequence_nr, timestamp, timebucket,"
                + " writer_uuid, ser_id, ser_manifest, event_manifest, event, tags)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }

  /** Over the journal's own driver session, for as long as the actor system runs. */
  public static CassandraSeedJournal create(ActorSystem<?> system) {
    var config = system.settings().config().getConfig("pekko.persistence.cassandra.journal");
    try {
      CqlSession session =
          CassandraSessionRegistry.get(system)
              .sessionFor("pekko.persistence.cassandra")
              .underlying()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      CassandraSeedJournal journal =
          new CassandraSeedJournal(
              session,
              SerializationExtension.get(Adapter.toClassic(system)),
              config.getLong("target-partition-size"),
              config.getString("keyspace"));
      system.getWhenTerminated().thenRun(journal.timer::shutdownNow);
      return journal;
    } catch (Exception e) {
      throw new IllegalStateException("no Cassandra session for the initial load", e);
    }
  }

  @Override
  public CompletionStage<List<Object>> events(String persistenceId) {
    CompletableFuture<List<Object>> events = new CompletableFuture<>();
    List<PendingRead> full = null;
    synchronized (lock) {
      reads.add(new PendingRead(persistenceId, events));
      if (reads.size() >= READS_TOGETHER) {
        full = reads;
        reads = new ArrayList<>();
      } else if (reads.size() == 1) {
        timer.schedule(this::flushReads, WAIT.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    if (full != null) {
      readTogether(full);
    }
    return events;
  }

  private void flushReads() {
    List<PendingRead> waiting;
    synchronized (lock) {
      waiting = reads;
      reads = new ArrayList<>();
    }
    if (!waiting.isEmpty()) {
      readTogether(waiting);
    }
  }

  /** The first partition of every entity in one request; a rare full one is read on alone. */
  private void readTogether(List<PendingRead> waiting) {
    List<String> ids = waiting.stream().map(PendingRead::persistenceId).distinct().toList();
    Map<String, List<Row>> byId = new HashMap<>();
    execute(selectMany.bind(ids))
        .thenCompose(rows -> collectRows(rows, byId))
        .whenComplete(
            (done, failure) -> {
              for (PendingRead read : waiting) {
                if (failure != null) {
                  read.events().completeExceptionally(failure);
                  continue;
                }
                List<Row> rows = byId.getOrDefault(read.persistenceId(), List.of());
                try {
                  if (rows.size() >= partitionSize) {
                    readFrom(read.persistenceId(), 0, new ArrayList<>())
                        .whenComplete(
                            (all, error) -> {
                              if (error != null) {
                                read.events().completeExceptionally(error);
                              } else {
                                read.events().complete(all);
                              }
                            });
                  } else {
                    List<Object> events = new ArrayList<>();
                    rows.stream()
                        .sorted(Comparator.comparingLong(row -> row.getLong("sequence_nr")))
                        .forEach(row -> events.add(event(row)));
                    read.events().complete(events);
                  }
                } catch (RuntimeException e) {
                  read.events().completeExceptionally(e);
                }
              }
            });
  }

  private CompletionStage<Done> collectRows(AsyncResultSet rows, Map<String, List<Row>> byId) {
    for (Row row : rows.currentPage()) {
      byId.computeIfAbsent(row.getString("persistence_id"), id -> new ArrayList<>()).add(row);
    }
    return rows.hasMorePages()
        ? rows.fetchNextPage().thenCompose(next -> collectRows(next, byId))
        : CompletableFuture.completedFuture(Done.getInstance());
  }

  private Object event(Row row) {
    ByteBuffer bytes = row.getByteBuffer("event");
    byte[] event = new byte[bytes.remaining()];
    bytes.get(event);
    return serialization
        .deserialize(event, row.getInt("ser_id"), row.getString("ser_manifest"))
        .get();
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
      events.add(event(row));
      found++;
    }
    if (rows.hasMorePages()) {
      int soFar = found;
      return rows.fetchNextPage()
          .thenCompose(next -> collect(next, events))
          .thenApply(n -> n + soFar);
    }
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletionStage<Done> append(String persistenceId, long from, List<?> events) {
    List<BoundStatement> rows = new ArrayList<>();
    int bytes = 0;
    long sequenceNr = from;
    for (Object event : events) {
      Serializer serializer = serialization.findSerializerFor(event);
      byte[] binary = serializer.toBinary(event);
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
              ByteBuffer.wrap(binary),
              Set.<String>of()));
      bytes += binary.length + persistenceId.length() + 100;
      sequenceNr++;
    }
    CompletableFuture<Done> done = new CompletableFuture<>();
    if ((from - 1) / partitionSize != (sequenceNr - 2) / partitionSize) {
      // Across a partition boundary (rare): a logged batch of its own keeps it atomic.
      writeTogether(List.of(new PendingWrite(rows, bytes, done)), BatchType.LOGGED);
      return done;
    }
    List<PendingWrite> full = null;
    synchronized (lock) {
      writes.add(new PendingWrite(rows, bytes, done));
      writeRows += rows.size();
      writeBytes += bytes;
      if (writeRows >= ROWS_TOGETHER || writeBytes >= BYTES_TOGETHER) {
        full = takeWrites();
      } else if (writes.size() == 1) {
        timer.schedule(this::flushWrites, WAIT.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    if (full != null) {
      writeTogether(full, BatchType.UNLOGGED);
    }
    return done;
  }

  private List<PendingWrite> takeWrites() {
    List<PendingWrite> taken = writes;
    writes = new ArrayList<>();
    writeRows = 0;
    writeBytes = 0;
    return taken;
  }

  private void flushWrites() {
    List<PendingWrite> waiting;
    synchronized (lock) {
      waiting = takeWrites();
    }
    if (!waiting.isEmpty()) {
      writeTogether(waiting, BatchType.UNLOGGED);
    }
  }

  private void writeTogether(List<PendingWrite> waiting, BatchType type) {
    List<BoundStatement> rows = new ArrayList<>();
    waiting.forEach(write -> rows.addAll(write.rows()));
    Statement<?> statement =
        rows.size() == 1
            ? rows.get(0)
            : BatchStatement.newInstance(type, rows.toArray(BoundStatement[]::new));
    execute(statement)
        .whenComplete(
            (result, failure) ->
                waiting.forEach(
                    write -> {
                      if (failure != null) {
                        write.done().completeExceptionally(failure);
                      } else {
                        write.done().complete(Done.getInstance());
                      }
                    }));
  }

  private CompletionStage<AsyncResultSet> execute(Statement<?> statement) {
    return session.executeAsync(statement.setExecutionProfileName(PROFILE));
  }
}
