package dk.library.circulation.client;

import dk.library.circulation.cache.CacheInvalidations;
import dk.library.circulation.cache.NodeCache;
import dk.library.circulation.cache.NodeCaches;
import dk.library.circulation.Asks;
import dk.library.circulation.Result;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/** The registered API clients: one sharded {@link ApiClient} entity per client id. */
public final class ClientRegistry {

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  /** Every authenticated request reads its client: kept on each node (see {@link NodeCache}). */
  private final NodeCache<ApiClient.Details> clients;

  private ClientRegistry(
      ClusterSharding sharding, Duration askTimeout, CacheInvalidations invalidations) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.clients = new NodeCache<>("api-clients", NodeCaches.TIME_TO_LIVE, 100_000, invalidations);
  }

  public static ClientRegistry start(ActorSystem<?> system, Clock clock, Duration askTimeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(ApiClient.ENTITY_TYPE_KEY, ctx -> ApiClient.create(ctx.getEntityId(), clock)));
    return new ClientRegistry(sharding, askTimeout, CacheInvalidations.get(system));
  }

  public CompletionStage<Result<ApiClient.Details>> register(
      String clientId,
      String name,
      Role role,
      List<String> agencies,
      int requestsPerSecond,
      String keyHash,
      String registeredBy) {
    return clients.changed(
        clientId,
        ask(
            clientId,
            r ->
                new ApiClient.Register(
                    name, role, agencies, requestsPerSecond, keyHash, registeredBy, r)));
  }

  public CompletionStage<Result<ApiClient.Details>> rotateKey(String clientId, String keyHash) {
    return clients.changed(clientId, ask(clientId, r -> new ApiClient.RotateKey(keyHash, r)));
  }

  public CompletionStage<Result<ApiClient.Details>> revoke(String clientId, String revokedBy) {
    return clients.changed(clientId, ask(clientId, r -> new ApiClient.Revoke(revokedBy, r)));
  }

  public CompletionStage<Result<ApiClient.Details>> client(String clientId) {
    return clients.get(clientId, () -> ask(clientId, ApiClient.Get::new));
  }

  private CompletionStage<Result<ApiClient.Details>> ask(
      String clientId, Function<ActorRef<ApiClient.Reply>, ApiClient.Command> command) {
    return Asks.ask(sharding.entityRefFor(ApiClient.ENTITY_TYPE_KEY, clientId), command, askTimeout)
        .thenApply(
            reply ->
                reply instanceof ApiClient.Found found
                    ? Result.ok(found.client())
                    : Result.refused(((ApiClient.Rejected) reply).rejection()));
  }
}
