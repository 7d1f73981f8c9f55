package dk.library.circulation;

import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/** Wires a rule's {@link Decision} to persistence: persist, then reply from the new state. */
public final class Replies {

  private Replies() {}

  public static <E, S, R> ReplyEffect<E, S> decide(
      EffectFactories<E, S> effect,
      Decision<E> decision,
      ActorRef<R> replyTo,
      Function<S, R> onAccepted,
      Function<Rejection, R> onRefused) {
    if (decision instanceof Decision.Persist<E> persist) {
      return effect.persist(persist.events()).thenReply(replyTo, onAccepted::apply);
    }
    if (decision instanceof Decision.Refuse<E> refuse) {
      return effect.reply(replyTo, onRefused.apply(refuse.rejection()));
    }
    if (decision instanceof Decision.RefuseAfter<E> refuse) {
      R refused = onRefused.apply(refuse.rejection());
      return effect.persist(refuse.events()).thenReply(replyTo, s -> refused);
    }
    return effect.none().thenReply(replyTo, onAccepted::apply);
  }
}
