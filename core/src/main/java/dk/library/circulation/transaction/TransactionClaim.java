package dk.library.circulation.transaction;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Passivation;
import dk.library.circulation.metrics.MeasuredEntity;
import java.time.Clock;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * One client's transaction id, claimed by the first checkout that uses it. The patron and the item
 * each remember the checkouts they took part in, but only a record of the id itself can tell that a
 * second patron borrowing a second item reuses it; this entity is that record, one writer per id.
 * It holds a keyed hash of what the transaction was (patron and item), never the patron.
 *
 * <p>Each id is used by one transaction and its retries, so the entity leaves memory as soon as it
 * has answered: a retry wakes it again from its single event.
 */
public final class TransactionClaim
    extends MeasuredEntity<
        TransactionClaim.Command, TransactionClaim.Event, TransactionClaim.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "TransactionClaim");

  /** The entity id of a client's transaction id: client ids hold no {@code /}. */
  public static String entityId(String clientId, String transactionId) {
    return clientId + "/" + transactionId;
  }

  public sealed interface Command extends CborSerializable {}

  /**
   * Claims the id for the transaction {@code fingerprint} names; the same fingerprint again is a
   * retry and is granted again.
   */
  public record Claim(String fingerprint, ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Granted() implements Reply {}

  /** The id belongs to another transaction, claimed at {@code claimedAt}. */
  public record Taken(Instant claimedAt) implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record Claimed(String fingerprint, Instant at) implements Event {}

  /** {@code fingerprint} is null until the id is claimed. */
  public record State(String fingerprint, Instant claimedAt) implements CborSerializable {

    public static State empty() {
      return new State(null, null);
    }

    public State apply(Event event) {
      if (event instanceof Claimed e) {
        return new State(e.fingerprint(), e.at());
      }
      throw new IllegalArgumentException("unknown transaction claim event " + event);
    }

    /** Whether {@code fingerprint} may use the id: it is free, or already this transaction's. */
    public boolean grants(String fingerprint) {
      return this.fingerprint == null || this.fingerprint.equals(fingerprint);
    }
  }

  private final Clock clock;
  private final ActorRef<Command> self;
  private final Passivation passivation;

  private TransactionClaim(
      String entityId, Clock clock, ActorRef<Command> self, Passivation passivation) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), entityId), ENTITY_TYPE_KEY.name());
    this.clock = clock;
    this.self = self;
    this.passivation = passivation;
  }

  public static Behavior<Command> create(String entityId, Clock clock, Passivation passivation) {
    return Behaviors.setup(
        ctx -> new TransactionClaim(entityId, clock, ctx.getSelf(), passivation));
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return this::handle;
  }

  private ReplyEffect<Event, State> handle(State state, Command command) {
    Claim claim = (Claim) command;
    if (!state.grants(claim.fingerprint())) {
      return passivation
          .thenRest(Effect().none(), self)
          .thenReply(claim.replyTo(), s -> new Taken(s.claimedAt()));
    }
    EffectBuilder<Event, State> effect =
        state.fingerprint() != null
            ? Effect().none()
            : Effect().persist(new Claimed(claim.fingerprint(), clock.instant()));
    return passivation.thenRest(effect, self).thenReply(claim.replyTo(), s -> new Granted());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }
}
