package dk.library.circulation.cassandra;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * What the snapshot store and the journal of one actor system share about entities waking: a waking
 * entity's whole history, when the snapshot store's one read found it (the journal then replays it
 * from memory), and the writes still on their way (a restarted entity's recovery reads only after
 * them).
 */
final class Wakes implements Extension {

  static final Id ID = new Id();

  static final class Id extends AbstractExtensionId<Wakes> {
    @Override
    public Wakes createExtension(ExtendedActorSystem system) {
      return new Wakes();
    }
  }

  static Wakes of(ActorSystem system) {
    return ID.get(system);
  }

  private final Map<String, CompletableFuture<Void>> writing = new ConcurrentHashMap<>();

  /**
   * Read by a snapshot load and taken by the recovery's next step, the journal's highest-sequence
   * read. An entity stopped between the two leaves its entry until it wakes again and replaces it.
   */
  private final Map<String, List<MessagesTable.Stored>> histories = new ConcurrentHashMap<>();

  void writeStarted(String persistenceId, CompletableFuture<Void> done) {
    writing.put(persistenceId, done);
    done.whenComplete((ok, failure) -> writing.remove(persistenceId, done));
  }

  boolean writing(String persistenceId) {
    return writing.containsKey(persistenceId);
  }

  /** Completes once the entity's write on its way, if any, is acknowledged or has failed. */
  CompletionStage<Void> afterWrites(String persistenceId) {
    CompletableFuture<Void> inFlight = writing.get(persistenceId);
    return inFlight == null
        ? CompletableFuture.completedFuture(null)
        : inFlight.handle((ok, failure) -> null);
  }

  void wholeHistory(String persistenceId, List<MessagesTable.Stored> events) {
    histories.put(persistenceId, events);
  }

  void forgetHistory(String persistenceId) {
    histories.remove(persistenceId);
  }

  /** The whole history read for this wake, or null. */
  List<MessagesTable.Stored> takeWholeHistory(String persistenceId) {
    return histories.remove(persistenceId);
  }
}
