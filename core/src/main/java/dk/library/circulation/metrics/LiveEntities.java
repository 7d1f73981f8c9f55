package dk.library.circulation.metrics;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** Asks the sharding regions of this node how many entities of each type are live, periodically. */
public final class LiveEntities {

  private sealed interface Message {}

  private record Poll() implements Message {}

  private record Answer(String entityType, ShardRegion.CurrentShardRegionState state)
      implements Message {}

  /** No answer in time: the next poll asks again (asking every type again now would pile up). */
  private record Missed() implements Message {}

  private LiveEntities() {}

  public static void start(ActorSystem<?> system, List<EntityTypeKey<?>> types, Duration every) {
    system.systemActorOf(
        behavior(ClusterSharding.get(system), types, every), "live-entities", Props.empty());
  }

  private static Behavior<Message> behavior(
      ClusterSharding sharding, List<EntityTypeKey<?>> types, Duration every) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(new Poll(), every);
                  return Behaviors.receive(Message.class)
                      .onMessage(
                          Poll.class,
                          poll -> {
                            for (EntityTypeKey<?> type : types) {
                              ctx.ask(
                                  ShardRegion.CurrentShardRegionState.class,
                                  sharding.shardState(),
                                  every,
                                  (ActorRef<ShardRegion.CurrentShardRegionState> replyTo) ->
                                      new GetShardRegionState(type, replyTo),
                                  (state, failure) ->
                                      failure == null
                                          ? new Answer(type.name(), state)
                                          : new Missed());
                            }
                            return Behaviors.same();
                          })
                      .onMessage(Missed.class, missed -> Behaviors.same())
                      .onMessage(
                          Answer.class,
                          answer -> {
                            int live =
                                answer.state().getShards().stream()
                                    .mapToInt(s -> s.getEntityIds().size())
                                    .sum();
                            EntityMetrics.live(answer.entityType(), live);
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
