package dk.library.circulation;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * How an entity leaves memory before its idle timeout: it asks its shard to stop it, and the shard
 * keeps any command that arrives meanwhile for the entity's next start, so nothing is lost.
 */
public record Passivation(ActorRef<ClusterSharding.ShardCommand> shard) {

  /** Outside sharding (the entity tests), where there is no shard to ask. */
  public static final Passivation NONE = new Passivation(null);

  public <M> void passivate(ActorRef<M> self) {
    if (shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(self));
    }
  }
}
