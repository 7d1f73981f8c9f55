package dk.library.circulation.retention;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;

/**
 * Remembers what it was asked to erase; the next {@link #failing} calls fail as a node that is down
 * would. The Cassandra one is tested through the server.
 */
public final class RecordingJournalEraser implements JournalEraser {

  /** The snapshot sequence numbers erased before. */
  public final ConcurrentLinkedQueue<Long> erasedBefore = new ConcurrentLinkedQueue<>();

  /** The persistence ids erased whole. */
  public final ConcurrentLinkedQueue<String> erasedWhole = new ConcurrentLinkedQueue<>();

  public final AtomicInteger failing = new AtomicInteger();

  @Override
  public CompletionStage<Done> eraseBefore(String persistenceId, long snapshotSequenceNr) {
    if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("node down"));
    }
    erasedBefore.add(snapshotSequenceNr);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> eraseAll(String persistenceId, long highestSequenceNr) {
    if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("node down"));
    }
    erasedWhole.add(persistenceId);
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
