package dk.library.circulation.retention;

import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * R39, R40: an entity whose whole record goes at once (a deleted account's sign-ups, bookings,
 * requests and payment sessions; a resource's day at the end of its window) erases its journal and
 * snapshots, answers only once they are gone, and stops, so nothing of it stays in memory either.
 * An erasure that failed is not answered: the asker asks again.
 */
public final class WholeErasure {

  private WholeErasure() {}

  /**
   * Starts erasing {@code entity}'s journal; {@code erased} becomes its own message with the asker
   * and the failure. The asker is answered by {@link #ended}.
   */
  public static <C, E, S, R> ReplyEffect<E, S> begin(
      EffectFactories<E, S> effect,
      ActorContext<C> context,
      JournalEraser eraser,
      EventSourcedBehavior<C, E, S> entity,
      ActorRef<R> asker,
      BiFunction<ActorRef<R>, Throwable, C> erased) {
    context.pipeToSelf(
        eraser.eraseAll(entity.persistenceId().id(), entity.lastSequenceNumber(context)),
        (done, failure) -> erased.apply(asker, failure));
    return effect.noReply();
  }

  /** The erasure ended: {@code gone} answers the asker and the entity stops, or it failed. */
  public static <E, S, R> ReplyEffect<E, S> ended(
      EffectFactories<E, S> effect,
      ActorContext<?> context,
      ActorRef<R> asker,
      Throwable failure,
      R gone) {
    if (failure != null) {
      context.getLog().warn("Journal not erased, asked again: {}", failure.toString());
      return effect.noReply();
    }
    asker.tell(gone);
    return effect.stop().thenNoReply();
  }
}
