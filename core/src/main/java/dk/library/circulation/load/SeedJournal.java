package dk.library.circulation.load;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The event journal as an initial load reads and writes it: the events of one persistence id, in
 * the journal's own format, so the entity recovers them as if it had written them itself.
 */
public interface SeedJournal {

  /** Every event of the persistence id, oldest first; none for an entity never written. */
  CompletionStage<List<Object>> events(String persistenceId);

  /** Appends the events from sequence number {@code from} on, in one atomic write. */
  CompletionStage<Done> append(String persistenceId, long from, List<?> events);
}
