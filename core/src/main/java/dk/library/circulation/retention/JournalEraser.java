package dk.library.circulation.retention;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Removes what an entity no longer may keep. R40: its events before a snapshot's sequence number,
 * and its older snapshots, called by the entity itself once that snapshot is saved, so its state is
 * never without a durable copy; the event the snapshot was taken at stays and holds nothing
 * personal, since a journal left empty would read as an entity never written (see {@code
 * MessagesTable#wholeHistoryBelow}). R39: a deleted account's whole journal, after which it is just
 * that: an entity never written.
 */
public interface JournalEraser {

  CompletionStage<Done> eraseBefore(String persistenceId, long snapshotSequenceNr);

  /** Every event up to {@code highestSequenceNr} and every snapshot of the entity. */
  CompletionStage<Done> eraseAll(String persistenceId, long highestSequenceNr);
}
