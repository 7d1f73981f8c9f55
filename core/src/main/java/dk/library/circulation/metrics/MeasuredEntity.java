package dk.library.circulation.metrics;

import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.EventSeq;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * An event-sourced entity whose persisted events and recovery time are measured ({@link
 * EntityMetrics}). Entities that must act when recovered override {@link #recovered}.
 *
 * <p>The entities that grow with the population (card, patron, item, title) answer {@code
 * commandHandler()} with a method of their own rather than Pekko's handler builder: the builder's
 * cases close over the entity, so they would be built for every live entity, about 1 KiB of heap
 * each (docs/benchmarks.md, "Memory run").
 */
public abstract class MeasuredEntity<C, E, S>
    extends EventSourcedBehaviorWithEnforcedReplies<C, E, S> {

  private final String entityType;
  private final long startedAt = System.nanoTime();

  protected MeasuredEntity(PersistenceId persistenceId, String entityType) {
    super(persistenceId);
    this.entityType = entityType;
  }

  /** Runs once the entity has replayed its journal. */
  protected void recovered(S state) {}

  /** Runs once a snapshot of {@code state} at {@code sequenceNr} is durable. */
  protected void snapshotSaved(S state, long sequenceNr) {}

  /** Runs when a snapshot could not be saved. */
  protected void snapshotFailed(S state, Throwable failure) {}

  @Override
  public final SignalHandler<S> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              EntityMetrics.recovered(entityType, System.nanoTime() - startedAt);
              recovered(state);
            })
        .onSignal(
            SnapshotCompleted.class,
            (state, signal) -> snapshotSaved(state, signal.metadata().sequenceNr()))
        .onSignal(
            SnapshotFailed.class, (state, signal) -> snapshotFailed(state, signal.getFailure()))
        .build();
  }

  /** Counts events on their way to the journal; they are stored unchanged. */
  @Override
  public final EventAdapter<E, ?> eventAdapter() {
    return new EventAdapter<E, E>() {
      @Override
      public E toJournal(E event) {
        EntityMetrics.eventPersisted(entityType, event.getClass().getSimpleName());
        return event;
      }

      @Override
      public String manifest(E event) {
        return "";
      }

      @Override
      public EventSeq<E> fromJournal(E event, String manifest) {
        return EventSeq.single(event);
      }
    };
  }
}
