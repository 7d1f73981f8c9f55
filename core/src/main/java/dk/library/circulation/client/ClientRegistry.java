package dk.library.circulation.client;

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

  private ClientRegistry(ClusterSharding sharding, Duration askTimeout) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
  }

  public static ClientRegistry start(ActorSystem<?> system, Clock clock, Duration askTimeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(ApiClient.ENTITY_TYPE_KEY, ctx -> ApiClient.create(ctx.getEntityId(), clock)));
    return new ClientRegistry(sharding, askTimeout);
  }

  public CompletionStage<Result<ApiClient.Details>> register(
      String clientId,
      String name,
      Role role,
      List<String> agencies,
      int requestsPerSecond,
      String keyHash,
      String registeredBy) {
    return ask(
        clientId,
        r ->
            new ApiClient.Register(
                name, role, agencies, requestsPerSecond, keyHash, registeredBy, r));
  }

  public CompletionStage<Result<ApiClient.Details>> rotateKey(String clientId, String keyHash) {
    return ask(clientId, r -> new ApiClient.RotateKey(keyHash, r));
  }

  public CompletionStage<Result<ApiClient.Details>> revoke(String clientId, String revokedBy) {
    return ask(clientId, r -> new ApiClient.Revoke(revokedBy, r));
  }

  public CompletionStage<Result<ApiClient.Details>> client(String clientId) {
    return ask(clientId, ApiClient.Get::new);
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
