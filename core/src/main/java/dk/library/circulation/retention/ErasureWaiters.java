package dk.library.circulation.retention;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * R39, R40: the asks an entity answers only once its journal is erased under a snapshot taken at or
 * after the ask's own event, so an answer always means the datum is gone. The entity adds each ask
 * with the sequence number of the event that drops the datum, erases when that snapshot is saved,
 * and answers what the erasure covered; an asker without an answer asks again.
 */
public final class ErasureWaiters<A> {

  private record Waiting<A>(A ask, long at) {}

  private final List<Waiting<A>> waiting = new ArrayList<>();

  public void add(A ask, long eventSequenceNr) {
    waiting.add(new Waiting<>(ask, eventSequenceNr));
  }

  /**
   * Erases the events before a saved snapshot if it covers an ask; {@code erased} becomes the
   * entity's own message with the snapshot's sequence number and whether the erasure worked.
   */
  public <C> void snapshotSaved(
      ActorContext<C> context,
      JournalEraser eraser,
      String persistenceId,
      long snapshotSequenceNr,
      BiFunction<Long, Boolean, C> erased) {
    if (waiting.stream().noneMatch(w -> w.at() <= snapshotSequenceNr)) {
      return;
    }
    context.pipeToSelf(
        eraser.eraseBefore(persistenceId, snapshotSequenceNr),
        (done, failure) -> {
          if (failure != null) {
            context.getLog().warn("Journal not erased under the snapshot: {}", failure.toString());
          }
          return erased.apply(snapshotSequenceNr, failure == null);
        });
  }

  /**
   * The asks an erasure under {@code snapshotSequenceNr} settled: to be answered when it {@code
   * worked}; either way they stop waiting (a failed one is asked again). Asks after the snapshot
   * wait for their own.
   */
  public List<A> settled(long snapshotSequenceNr, boolean worked) {
    List<Waiting<A>> covered = waiting.stream().filter(w -> w.at() <= snapshotSequenceNr).toList();
    waiting.removeAll(covered);
    return worked ? covered.stream().map(Waiting::ask).toList() : List.of();
  }
}
