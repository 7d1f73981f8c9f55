package dk.library.circulation.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster as the console shows it: its members and their state, the shards and entities of each
 * entity type per member, and the member the singletons (the deadline keeper) live on, which Pekko
 * places on the oldest member that is up.
 */
public final class ClusterView {

  public record MemberView(
      String address, String status, List<String> roles, boolean thisNode, boolean reachable) {}

  public record EntityShards(
      String entityType,
      Map<String, Integer> shardsByMember,
      Map<String, Integer> entitiesByMember) {}

  public record View(List<MemberView> members, String singletonHome, List<EntityShards> shards) {}

  private final ActorSystem<?> system;
  private final List<EntityTypeKey<?>> types;
  private final Duration timeout;

  public ClusterView(ActorSystem<?> system, List<EntityTypeKey<?>> types, Duration timeout) {
    this.system = system;
    this.types = types;
    this.timeout = timeout;
  }

  public CompletionStage<View> view() {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    List<Member> members = StreamSupport.stream(state.getMembers().spliterator(), false).toList();
    List<Member> unreachable =
        StreamSupport.stream(state.getUnreachable().spliterator(), false).toList();
    Member self = cluster.selfMember();
    List<MemberView> views = new ArrayList<>();
    for (Member member : members) {
      views.add(
          new MemberView(
              member.address().toString(),
              member.status().toString(),
              member.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList(),
              member.equals(self),
              !unreachable.contains(member)));
    }
    String singletonHome =
        members.stream()
            .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving())
            .reduce((a, b) -> a.isOlderThan(b) ? a : b)
            .map(m -> m.address().toString())
            .orElse(null);
    CompletionStage<List<EntityShards>> shards =
        CompletableFuture.completedFuture(new ArrayList<>());
    for (EntityTypeKey<?> type : types) {
      shards =
          shards.thenCombine(
              shardsOf(type),
              (list, one) -> {
                list.add(one);
                return list;
              });
    }
    return shards.thenApply(list -> new View(List.copyOf(views), singletonHome, List.copyOf(list)));
  }

  private CompletionStage<EntityShards> shardsOf(EntityTypeKey<?> type) {
    return AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(type, timeout, replyTo),
            timeout.plusSeconds(1),
            system.scheduler())
        .thenApply(
            stats -> {
              Map<String, Integer> shards = new TreeMap<>();
              Map<String, Integer> entities = new TreeMap<>();
              for (Map.Entry<Address, ShardRegion.ShardRegionStats> region :
                  stats.getRegions().entrySet()) {
                String member = region.getKey().toString();
                Map<String, Object> perShard = region.getValue().getStats();
                shards.put(member, perShard.size());
                entities.put(
                    member,
                    perShard.values().stream().mapToInt(n -> ((Number) n).intValue()).sum());
              }
              return new EntityShards(type.name(), shards, entities);
            });
  }
}
