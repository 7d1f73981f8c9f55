package dk.library.circulation.openlibrary;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.retention.WholeErasure;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * R45: the agencies whose open library a patron signed up for, keyed by the patron's key. Kept
 * apart from the patron's loans, so the door asks nothing of them but this and the PIN check.
 */
public final class AccessSignUps
    extends MeasuredEntity<AccessSignUps.Command, AccessSignUps.Event, AccessSignUps.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "AccessSignUps");

  /** Who recorded the sign-up (a staff client, or the patron's own token) and when. */
  public record SignUp(String recordedBy, Instant at) implements CborSerializable {}

  public sealed interface Command extends CborSerializable {}

  public record SignUpFor(String agencyId, String recordedBy, ActorRef<Reply> replyTo)
      implements Command {}

  public record Withdraw(String agencyId, ActorRef<Reply> replyTo) implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** R39: the account was deleted: the whole journal goes, then {@link Gone}. */
  public record Erase(ActorRef<Reply> replyTo) implements Command {}

  record Erased(ActorRef<Reply> replyTo, Throwable failure) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record SignUps(Map<String, SignUp> agencies) implements Reply {}

  public record Gone() implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record SignedUp(String agencyId, SignUp signUp) implements Event {}

  public record Withdrawn(String agencyId, Instant at) implements Event {}

  public record State(Map<String, SignUp> agencies) implements CborSerializable {

    State apply(Event event) {
      Map<String, SignUp> next = new LinkedHashMap<>(agencies);
      if (event instanceof SignedUp e) {
        next.put(e.agencyId(), e.signUp());
      } else if (event instanceof Withdrawn e) {
        next.remove(e.agencyId());
      }
      return new State(next);
    }
  }

  private final Clock clock;
  private final ActorContext<Command> context;
  private final JournalEraser eraser;

  private AccessSignUps(
      String patronKey, Clock clock, ActorContext<Command> context, JournalEraser eraser) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), patronKey), ENTITY_TYPE_KEY.name());
    this.clock = clock;
    this.context = context;
    this.eraser = eraser;
  }

  public static Behavior<Command> create(String patronKey, Clock clock, JournalEraser eraser) {
    return Behaviors.setup(ctx -> new AccessSignUps(patronKey, clock, ctx, eraser));
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return this::handle;
  }

  private ReplyEffect<Event, State> handle(State state, Command command) {
    if (command instanceof Erase cmd) {
      return WholeErasure.begin(Effect(), context, eraser, this, cmd.replyTo(), Erased::new);
    }
    if (command instanceof Erased cmd) {
      return WholeErasure.ended(Effect(), context, cmd.replyTo(), cmd.failure(), new Gone());
    }
    Decision<Event> decision;
    ActorRef<Reply> replyTo;
    if (command instanceof SignUpFor cmd) {
      decision =
          state.agencies().containsKey(cmd.agencyId())
              ? Decision.unchanged()
              : Decision.persist(
                  new SignedUp(cmd.agencyId(), new SignUp(cmd.recordedBy(), clock.instant())));
      replyTo = cmd.replyTo();
    } else if (command instanceof Withdraw cmd) {
      decision =
          state.agencies().containsKey(cmd.agencyId())
              ? Decision.persist(new Withdrawn(cmd.agencyId(), clock.instant()))
              : Decision.unchanged();
      replyTo = cmd.replyTo();
    } else {
      decision = Decision.unchanged();
      replyTo = ((Get) command).replyTo();
    }
    return Replies.decide(
        Effect(),
        decision,
        replyTo,
        s -> new SignUps(Map.copyOf(s.agencies())),
        rejection -> {
          throw new IllegalStateException("sign-ups are never refused");
        });
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }
}
