package dk.library.circulation.retention;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Removes what an entity no longer may keep (R40): its events before a snapshot's sequence number,
 * and its older snapshots. Called by the entity itself once that snapshot is saved, so its state is
 * never without a durable copy. The event the snapshot was taken at stays, and holds nothing
 * personal: a journal left empty would read as an entity never written (see {@code
 * MessagesTable#wholeHistoryBelow}).
 */
@FunctionalInterface
public interface JournalEraser {

  CompletionStage<Done> eraseBefore(String persistenceId, long snapshotSequenceNr);
}
