package dk.library.circulation.client;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A registered API client (a self-service machine, a staff desk, a partner library's system): its
 * role, the agencies it acts for and the hash of its current API key. The key itself is shown once,
 * when issued, and never stored.
 */
public final class ApiClient
    extends MeasuredEntity<ApiClient.Command, ApiClient.Event, ApiClient.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "ApiClient");

  public sealed interface Command extends CborSerializable {}

  public record Register(
      String name,
      Role role,
      List<String> agencies,
      int requestsPerSecond,
      String keyHash,
      String registeredBy,
      ActorRef<Reply> replyTo)
      implements Command {}

  public record RotateKey(String keyHash, ActorRef<Reply> replyTo) implements Command {}

  public record Revoke(String revokedBy, ActorRef<Reply> replyTo) implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Found(Details client) implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  public sealed interface Event extends CborSerializable {}

  public record Registered(
      String clientId,
      String name,
      Role role,
      List<String> agencies,
      int requestsPerSecond,
      String keyHash,
      String registeredBy,
      Instant at)
      implements Event {}

  public record KeyRotated(String keyHash, Instant at) implements Event {}

  public record Revoked(String revokedBy, Instant at) implements Event {}

  /**
   * A client as it is now; {@code keyHash} is the SHA-256 of its current key, {@code revokedAt} is
   * set once it may no longer call.
   */
  public record Details(
      String clientId,
      String name,
      Role role,
      List<String> agencies,
      int requestsPerSecond,
      String keyHash,
      Instant registeredAt,
      Instant revokedAt)
      implements CborSerializable {
    public boolean revoked() {
      return revokedAt != null;
    }

    Details withKeyHash(String newKeyHash) {
      return new Details(
          clientId, name, role, agencies, requestsPerSecond, newKeyHash, registeredAt, null);
    }

    Details revokedAt(Instant at) {
      return new Details(
          clientId, name, role, agencies, requestsPerSecond, keyHash, registeredAt, at);
    }
  }

  /** {@code client} is null until registered. */
  public record State(Details client) implements CborSerializable {
    public boolean registered() {
      return client != null;
    }
  }

  private final String clientId;
  private final Clock clock;

  private ApiClient(String clientId, Clock clock) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), clientId), ENTITY_TYPE_KEY.name());
    this.clientId = clientId;
    this.clock = clock;
  }

  public static Behavior<Command> create(String clientId, Clock clock) {
    return new ApiClient(clientId, clock);
  }

  @Override
  public State emptyState() {
    return new State(null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Register.class,
            (state, cmd) ->
                reply(
                    ApiClientRules.register(state, clientId, cmd, clock.instant()), cmd.replyTo()))
        .onCommand(
            RotateKey.class,
            (state, cmd) ->
                reply(
                    ApiClientRules.rotateKey(state, clientId, cmd, clock.instant()), cmd.replyTo()))
        .onCommand(
            Revoke.class,
            (state, cmd) ->
                reply(ApiClientRules.revoke(state, clientId, cmd, clock.instant()), cmd.replyTo()))
        .onCommand(
            Get.class,
            (state, cmd) ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        state.registered()
                            ? new Found(state.client())
                            : new Rejected(ApiClientRules.notFound(clientId))))
        .build();
  }

  private ReplyEffect<Event, State> reply(Decision<Event> decision, ActorRef<Reply> replyTo) {
    return Replies.decide(Effect(), decision, replyTo, s -> new Found(s.client()), Rejected::new);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Registered.class,
            (state, e) ->
                new State(
                    new Details(
                        e.clientId(),
                        e.name(),
                        e.role(),
                        e.agencies(),
                        e.requestsPerSecond(),
                        e.keyHash(),
                        e.at(),
                        null)))
        .onEvent(KeyRotated.class, (state, e) -> new State(state.client().withKeyHash(e.keyHash())))
        .onEvent(Revoked.class, (state, e) -> new State(state.client().revokedAt(e.at())))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
