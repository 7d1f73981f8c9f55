package dk.library.circulation;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * How an entity leaves memory before its idle timeout: it asks its shard to stop it, and the shard
 * keeps any command that arrives meanwhile for the entity's next start, so nothing is lost.
 */
public record Passivation(ActorRef<ClusterSharding.ShardCommand> shard) {

  /** Outside sharding (the entity tests), where there is no shard to ask. */
  public static final Passivation NONE = new Passivation(null);

  /** The effect of a rest command: nothing persisted, the shard asked to stop it, no reply. */
  public <E, S, M> ReplyEffect<E, S> rest(EffectFactories<E, S> effect, ActorRef<M> self) {
    return thenRest(effect.none(), self).thenNoReply();
  }

  /** {@code effect}, then the shard asked to stop the entity. */
  public <E, S, M> EffectBuilder<E, S> thenRest(EffectBuilder<E, S> effect, ActorRef<M> self) {
    return effect.thenRun(
        state -> {
          if (shard != null) {
            shard.tell(new ClusterSharding.Passivate<>(self));
          }
        });
  }
}
