package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import dk.library.circulation.metrics.EntityMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Writes of many entities go to Cassandra together: a request costs Cassandra far more than the
 * rows in it (docs/benchmarks.md). A write goes out at once while fewer than {@code maxInFlight}
 * batches are on their way; otherwise it waits for the next batch, which takes everything that
 * waited (up to {@code maxRows} rows and {@code maxBytes}). No timer: under light load every write
 * is its own request, under heavy load the batches grow by themselves.
 *
 * <p>A batch is UNLOGGED: Cassandra applies each partition's mutation atomically, and one entity's
 * atomic write is always one partition's rows, so each write is all or nothing. A write is
 * acknowledged only when the request that carried it was (durable by the node's commit log).
 */
final class WriteBatcher {

  private final Function<Statement<?>, CompletionStage<?>> execute;
  private final int maxInFlight;
  private final int maxRows;
  private final int maxBytes;

  private final Object lock = new Object();
  private final List<Pending> waiting = new ArrayList<>();
  private int inFlight;

  private record Pending(List<MessagesTable.Encoded> rows, CompletableFuture<Void> done) {}

  WriteBatcher(
      Function<Statement<?>, CompletionStage<?>> execute,
      int maxInFlight,
      int maxRows,
      int maxBytes) {
    this.execute = execute;
    this.maxInFlight = maxInFlight;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
  }

  /** Completes when every row is durable; fails when the request that carried them failed. */
  CompletionStage<Void> write(List<MessagesTable.Encoded> rows) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (rows.isEmpty()) {
      done.complete(null);
      return done;
    }
    synchronized (lock) {
      waiting.add(new Pending(rows, done));
    }
    sendWhileRoom();
    return done;
  }

  private void sendWhileRoom() {
    while (true) {
      List<Pending> batch;
      synchronized (lock) {
        if (waiting.isEmpty() || inFlight >= maxInFlight) {
          return;
        }
        batch = take();
        inFlight++;
      }
      send(batch);
    }
  }

  /** The longest run of waiting writes within the limits; one write over them goes alone. */
  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>();
    int rows = 0;
    int bytes = 0;
    while (!waiting.isEmpty()) {
      Pending next = waiting.get(0);
      int nextBytes = next.rows().stream().mapToInt(MessagesTable.Encoded::bytes).sum();
      if (!batch.isEmpty()
          && (rows + next.rows().size() > maxRows || bytes + nextBytes > maxBytes)) {
        break;
      }
      batch.add(waiting.remove(0));
      rows += next.rows().size();
      bytes += nextBytes;
    }
    return batch;
  }

  private void send(List<Pending> batch) {
    List<BoundStatement> rows = new ArrayList<>();
    batch.forEach(write -> write.rows().forEach(row -> rows.add(row.row())));
    Statement<?> statement =
        rows.size() == 1
            ? rows.get(0)
            : BatchStatement.newInstance(BatchType.UNLOGGED, rows.toArray(BoundStatement[]::new));
    EntityMetrics.journalRequest("write", rows.size());
    CompletionStage<?> sent;
    try {
      sent = execute.apply(statement);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (result, failure) -> {
          synchronized (lock) {
            inFlight--;
          }
          for (Pending write : batch) {
            if (failure != null) {
              write.done().completeExceptionally(failure);
            } else {
              write.done().complete(null);
            }
          }
          sendWhileRoom();
        });
  }
}
