package dk.library.circulation.transaction;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Passivation;
import dk.library.circulation.metrics.MeasuredEntity;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
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
 * It holds a keyed hash of what the transaction was (card and item) under its day's key ({@link
 * TransactionKeys}), never the patron; once that key is deleted the hash names no one, and the id
 * stays claimed.
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
   * Claims the id for the transaction {@code fingerprint} names under {@code day}'s key; the same
   * fingerprint again is a retry and is granted again.
   */
  public record Claim(LocalDate day, String fingerprint, ActorRef<Reply> replyTo)
      implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Granted() implements Reply {}

  /** The id belongs to another transaction, claimed at {@code claimedAt}. */
  public record Taken(Instant claimedAt) implements Reply {}

  /**
   * The id was claimed under another day's key: ask again with the fingerprint under {@code day}'s
   * key, or, if that key is gone, take the id as another transaction's.
   */
  public record ClaimedOn(LocalDate day, Instant claimedAt) implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record Claimed(LocalDate day, String fingerprint, Instant at) implements Event {}

  /** {@code fingerprint} is null until the id is claimed. */
  public record State(LocalDate day, String fingerprint, Instant claimedAt)
      implements CborSerializable {

    public static State empty() {
      return new State(null, null, null);
    }

    public State apply(Event event) {
      if (event instanceof Claimed e) {
        return new State(e.day(), e.fingerprint(), e.at());
      }
      throw new IllegalArgumentException("unknown transaction claim event " + event);
    }

    public boolean claimed() {
      return fingerprint != null;
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
    if (!state.claimed()) {
      EffectBuilder<Event, State> effect =
          Effect().persist(new Claimed(claim.day(), claim.fingerprint(), clock.instant()));
      return passivation.thenRest(effect, self).thenReply(claim.replyTo(), s -> new Granted());
    }
    Reply reply =
        !state.day().equals(claim.day())
            ? new ClaimedOn(state.day(), state.claimedAt())
            : state.fingerprint().equals(claim.fingerprint())
                ? new Granted()
                : new Taken(state.claimedAt());
    return passivation.thenRest(Effect().none(), self).thenReply(claim.replyTo(), s -> reply);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }
}
