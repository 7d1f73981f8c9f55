package dk.library.circulation.deadline;

import java.time.Instant;
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
  record Deadline(String target, Instant due) {}

  CompletionStage<Done> schedule(Deadline deadline);

  /** Deadlines due at or before {@code now}, earliest first, at most {@code limit}. */
  CompletionStage<List<Deadline>> dueBy(Instant now, int limit);

  /** The target has handled the deadline. */
  CompletionStage<Done> remove(Deadline deadline);
}
