package dk.library.circulation.deadline;

import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** Wakes the entity a deadline names; completes once the entity has handled what fell due. */
@FunctionalInterface
public interface DeadlineTargets {

  CompletionStage<Done> wake(String target, Instant due);
}
