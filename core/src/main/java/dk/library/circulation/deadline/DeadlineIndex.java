package dk.library.circulation.deadline;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Durable deadlines: which entity must be woken when. An entity writes a deadline here before it
 * persists the event that makes the deadline real, so a deadline is never missing from the index; a
 * deadline left behind by a command that then failed only wakes the entity once for nothing. The
 * {@link DeadlineKeeper} works the index.
 */
public interface DeadlineIndex {

  /** {@code target} names the entity to wake, as {@link DeadlineTargets} understands it. */
  record Deadline(String target, Instant due) {

    /** The order deadlines are read in: by due time, then by target. */
    public static final Comparator<Deadline> ORDER =
        Comparator.comparing(Deadline::due).thenComparing(Deadline::target);
  }

  CompletionStage<Done> schedule(Deadline deadline);

  /**
   * Deadlines due at or before {@code now}, earliest first (then by target), at most {@code limit}:
   * from the start when {@code after} is null, else only those after it in that order. Reading on
   * from the last deadline read skips the ones handled behind it, which a store that deletes by
   * tombstones (Cassandra) would otherwise read again on every round of a busy day.
   */
  CompletionStage<List<Deadline>> dueBy(Instant now, int limit, Deadline after);

  /** The target has handled the deadline. */
  CompletionStage<Done> remove(Deadline deadline);

  /**
   * R39: every deadline of a target that no longer exists (a deleted account). Reads each day that
   * has deadlines: slow, and only for what is rare.
   */
  CompletionStage<Done> removeAll(String target);

  /** R41: the target's deadlines, earliest first (as slow as {@link #removeAll}). */
  CompletionStage<List<Deadline>> of(String target);
}
