package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dk.library.circulation.load.SeedJournal;
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

/**
 * The journal's messages table read and written in the journal's own format ({@link
 * MessagesTable}): an entity recovers what this wrote exactly as its own events.
 */
public final class CassandraSeedJournal implements SeedJournal {

  /**
   * Reads of many entities go out together: one request for up to {@value #READS_TOGETHER}
   * entities' events; what waits goes out after at most {@link #WAIT}. Writes go through a {@link
   * WriteBatcher} of up to {@value #ROWS_TOGETHER} rows. A request costs Cassandra far more than
   * the rows in it (measured in docs/benchmarks.md, "Initial load").
   */
  static final int READS_TOGETHER = 50;

  static final int ROWS_TOGETHER = 50;

  /** Below Cassandra's batch_size_fail_threshold (50 KiB). */
  static final int BYTES_TOGETHER = 40 * 1024;

  static final int BATCHES_AT_ONCE = 16;

  static final Duration WAIT = Duration.ofMillis(2);

  private final MessagesTable table;
  private final WriteBatcher batcher;
  private final PreparedStatement selectMany;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "seed-journal");
            thread.setDaemon(true);
            return thread;
          });
  private final Object lock = new Object();
  private List<PendingRead> reads = new ArrayList<>();

  private record PendingRead(String persistenceId, CompletableFuture<List<Object>> events) {}

  /** One writer id for this load, as each incarnation of an entity has its own. */
  private final String writerUuid = UUID.randomUUID().toString();

  private CassandraSeedJournal(MessagesTable table, String keyspace) {
    this.table = table;
    this.batcher =
        new WriteBatcher(table::execute, BATCHES_AT_ONCE, ROWS_TOGETHER, BYTES_TOGETHER);
    this.selectMany =
        table
            .session()
            .prepare(
                "SELECT persistence_id, sequence_nr, partition_nr, timestamp, writer_uuid, ser_id,"
                    + " ser_manifest, event_manifest, event, meta_ser_id, meta_ser_manifest, meta"
                    + " FROM "
                    + keyspace
                    + ".messages WHERE persistence_id IN ? AND partition_nr = 0");
  }

  /** Over the journal's own driver session, for as long as the actor system runs. */
  public static CassandraSeedJournal create(ActorSystem<?> system) {
    try {
      CassandraSeedJournal journal =
          new CassandraSeedJournal(
              MessagesTable.of(system).toCompletableFuture().get(30, TimeUnit.SECONDS),
              system
                  .settings()
                  .config()
                  .getString("pekko.persistence.cassandra.journal.keyspace"));
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
    table
        .execute(selectMany.bind(ids))
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
                  if (rows.size() >= table.partitionSize()) {
                    table
                        .eventsFrom(read.persistenceId(), 1)
                        .whenComplete(
                            (all, error) -> {
                              if (error != null) {
                                read.events().completeExceptionally(error);
                              } else {
                                read.events()
                                    .complete(
                                        all.stream().map(MessagesTable.Stored::event).toList());
                              }
                            });
                  } else {
                    read.events()
                        .complete(
                            rows.stream()
                                .map(table::stored)
                                .sorted(Comparator.comparingLong(MessagesTable.Stored::sequenceNr))
                                .map(MessagesTable.Stored::event)
                                .toList());
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

  @Override
  public CompletionStage<Done> append(String persistenceId, long from, List<?> events) {
    // One atomic write goes whole into the partition of its last event, as the journal writes it.
    long partition = table.partitionOf(from + events.size() - 1);
    List<MessagesTable.Encoded> rows = new ArrayList<>();
    long sequenceNr = from;
    for (Object event : events) {
      rows.add(
          table.encode(
              persistenceId, partition, sequenceNr++, event, "", writerUuid, Set.of(), null));
    }
    return batcher.write(rows).thenApply(done -> Done.getInstance());
  }
}
