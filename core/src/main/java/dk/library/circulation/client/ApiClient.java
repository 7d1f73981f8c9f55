package dk.library.circulation.client;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A registered API client (a self-service machine, a staff desk, a partner library's system): its
 * role, the agencies it acts for and the hash of its current API key. The key itself is shown once,
 * when issued, and never stored.
 */
public final class ApiClient
    extends EventSourcedBehaviorWithEnforcedReplies<
        ApiClient.Command, ApiClient.Event, ApiClient.State> {

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

  public record Rejected(Rejection rejection) implements Reply {}

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
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), clientId));
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
                Replies.decide(
                    Effect(),
                    ApiClientRules.register(state, clientId, cmd, clock.instant()),
                    cmd.replyTo(),
                    s -> new Found(s.client()),
                    Rejected::new))
        .onCommand(
            RotateKey.class,
            (state, cmd) ->
                Replies.decide(
                    Effect(),
                    ApiClientRules.rotateKey(state, clientId, cmd, clock.instant()),
                    cmd.replyTo(),
                    s -> new Found(s.client()),
                    Rejected::new))
        .onCommand(
            Revoke.class,
            (state, cmd) ->
                Replies.decide(
                    Effect(),
                    ApiClientRules.revoke(state, clientId, cmd, clock.instant()),
                    cmd.replyTo(),
                    s -> new Found(s.client()),
                    Rejected::new))
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
        .onEvent(
            KeyRotated.class,
            (state, e) -> {
              Details c = state.client();
              return new State(
                  new Details(
                      c.clientId(),
                      c.name(),
                      c.role(),
                      c.agencies(),
                      c.requestsPerSecond(),
                      e.keyHash(),
                      c.registeredAt(),
                      null));
            })
        .onEvent(
            Revoked.class,
            (state, e) -> {
              Details c = state.client();
              return new State(
                  new Details(
                      c.clientId(),
                      c.name(),
                      c.role(),
                      c.agencies(),
                      c.requestsPerSecond(),
                      c.keyHash(),
                      c.registeredAt(),
                      e.at()));
            })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
