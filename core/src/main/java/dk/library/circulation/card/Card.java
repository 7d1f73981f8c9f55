package dk.library.circulation.card;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Passivation;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.JournalEraser;
import java.time.Clock;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * One card number: whose card it is (the patron's key, the number the patron first registered with)
 * and whether it was reported lost or stolen (R12), after which it never borrows again.
 */
public final class Card extends MeasuredEntity<Card.Command, Card.Event, Card.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Card");

  public sealed interface Command extends CborSerializable {}

  /**
   * Leave memory now instead of after the idle timeout: a bulk import is done with this entity and
   * is not coming back, so its registrations do not pile up in the heap (no reply).
   */
  public record Rest() implements Command {}

  /** Issues this number to the patron; the same patron again changes nothing. */
  public record Issue(String patronKey, ActorRef<Reply> replyTo) implements Command {}

  /** R12: blocks this number for good; {@code replacement} is the new card's number. */
  public record ReportLost(String replacement, String reportedBy, ActorRef<Reply> replyTo)
      implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /**
   * R39: the account this number named was deleted; the card's journal goes whole, and the entity
   * leaves memory (the number is retired in {@link RetiredCards}, which registration consults).
   */
  public record Erase(ActorRef<Reply> replyTo) implements Command {}

  record Erased(ActorRef<Reply> replyTo, Throwable failure) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  /** {@code lost} is set once the card was reported lost or stolen. */
  public record Found(String patronKey, Lost lost) implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  public record Gone() implements Reply {}

  public record Lost(String replacement, String reportedBy, Instant at)
      implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record Issued(String patronKey, Instant at) implements Event {}

  public record ReportedLost(Lost lost) implements Event {}

  /** {@code patronKey} is null until the number is issued. */
  public record State(String patronKey, Lost lost) implements CborSerializable {

    public static State empty() {
      return new State(null, null);
    }

    /** The state after one more event: the entity's event handler, and an initial load's fold. */
    public State apply(Event event) {
      if (event instanceof Issued e) {
        return new State(e.patronKey(), null);
      } else if (event instanceof ReportedLost e) {
        return new State(patronKey, e.lost());
      }
      throw new IllegalArgumentException("unknown card event " + event);
    }
  }

  private final String cardNumber;
  private final Clock clock;
  private final ActorRef<Command> self;
  private final Passivation passivation;
  private final ActorContext<Command> context;
  private final JournalEraser eraser;

  private Card(
      String cardNumber,
      Clock clock,
      ActorContext<Command> context,
      Passivation passivation,
      JournalEraser eraser) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), cardNumber), ENTITY_TYPE_KEY.name());
    this.cardNumber = cardNumber;
    this.clock = clock;
    this.context = context;
    this.self = context.getSelf();
    this.passivation = passivation;
    this.eraser = eraser;
  }

  public static Behavior<Command> create(
      String cardNumber, Clock clock, Passivation passivation, JournalEraser eraser) {
    return Behaviors.setup(ctx -> new Card(cardNumber, clock, ctx, passivation, eraser));
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
    if (command instanceof Rest) {
      return passivation.rest(Effect(), self);
    }
    if (command instanceof Issue cmd) {
      return Replies.decide(
          Effect(),
          CardRules.issue(state, cardNumber, cmd, clock.instant()),
          cmd.replyTo(),
          s -> new Found(s.patronKey(), s.lost()),
          Rejected::new);
    }
    if (command instanceof ReportLost cmd) {
      return Replies.decide(
          Effect(),
          CardRules.reportLost(state, cardNumber, cmd, clock.instant()),
          cmd.replyTo(),
          s -> new Found(s.patronKey(), s.lost()),
          Rejected::new);
    }
    if (command instanceof Get cmd) {
      return Effect().reply(cmd.replyTo(), new Found(state.patronKey(), state.lost()));
    }
    if (command instanceof Erase cmd) {
      context.pipeToSelf(
          eraser.eraseAll(persistenceId().id(), lastSequenceNumber(context)),
          (done, failure) -> new Erased(cmd.replyTo(), failure));
      return Effect().none().thenNoReply();
    }
    if (command instanceof Erased cmd) {
      if (cmd.failure() != null) {
        // No answer: the patron's erasure asks again.
        context.getLog().warn("Card's journal not erased: {}", cmd.failure().toString());
        return Effect().none().thenNoReply();
      }
      cmd.replyTo().tell(new Gone());
      return passivation.rest(Effect(), self);
    }
    throw new IllegalArgumentException("no handler for " + command.getClass().getName());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }
}
