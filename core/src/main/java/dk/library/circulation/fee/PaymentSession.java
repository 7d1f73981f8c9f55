package dk.library.circulation.fee;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.retention.WholeErasure;
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
 * R36: one online payment of a patron's open fees, from the moment the website sends the patron to
 * the payment provider until the provider's callback says how it ended. The session id is random
 * and is all the provider ever sees; the patron's key stays here. It is paid at most once, so a
 * callback delivered again changes nothing.
 */
public final class PaymentSession
    extends MeasuredEntity<PaymentSession.Command, PaymentSession.Event, PaymentSession.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "PaymentSession");

  public enum Status {
    OPEN,
    PAID,
    CANCELLED
  }

  public sealed interface Command extends CborSerializable {}

  /** Opens the session for what the patron owes now; opening it again changes nothing. */
  public record Open(String patronKey, int amountDkk, ActorRef<Reply> replyTo) implements Command {}

  /** The provider took {@code amountDkk}; it must be the session's amount. */
  public record Settle(int amountDkk, String providerReference, ActorRef<Reply> replyTo)
      implements Command {}

  /** The patron gave up, or the provider refused the payment. */
  public record Cancel(String providerReference, ActorRef<Reply> replyTo) implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** R39: the patron's account was deleted: the whole journal goes, then {@link Gone}. */
  public record Erase(ActorRef<Reply> replyTo) implements Command {}

  record Erased(ActorRef<Reply> replyTo, Throwable failure) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Gone() implements Reply {}

  public record Session(
      String sessionId,
      String patronKey,
      int amountDkk,
      Status status,
      Instant openedAt,
      Instant closedAt,
      String providerReference)
      implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  public sealed interface Event extends CborSerializable {}

  public record Opened(String patronKey, int amountDkk, Instant at) implements Event {}

  public record Paid(String providerReference, Instant at) implements Event {}

  public record Cancelled(String providerReference, Instant at) implements Event {}

  /** {@code patronKey} is null until the session is opened. */
  public record State(
      String patronKey,
      int amountDkk,
      Status status,
      Instant openedAt,
      Instant closedAt,
      String providerReference)
      implements CborSerializable {

    static State empty() {
      return new State(null, 0, null, null, null, null);
    }

    State apply(Event event) {
      if (event instanceof Opened e) {
        return new State(e.patronKey(), e.amountDkk(), Status.OPEN, e.at(), null, null);
      } else if (event instanceof Paid e) {
        return new State(
            patronKey, amountDkk, Status.PAID, openedAt, e.at(), e.providerReference());
      } else if (event instanceof Cancelled e) {
        return new State(
            patronKey, amountDkk, Status.CANCELLED, openedAt, e.at(), e.providerReference());
      }
      throw new IllegalArgumentException("unknown payment session event " + event);
    }
  }

  private final String sessionId;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final JournalEraser eraser;

  private PaymentSession(
      String sessionId, Clock clock, ActorContext<Command> context, JournalEraser eraser) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), sessionId), ENTITY_TYPE_KEY.name());
    this.sessionId = sessionId;
    this.clock = clock;
    this.context = context;
    this.eraser = eraser;
  }

  public static Behavior<Command> create(String sessionId, Clock clock, JournalEraser eraser) {
    return Behaviors.setup(ctx -> new PaymentSession(sessionId, clock, ctx, eraser));
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
    if (command instanceof Erase erase) {
      return WholeErasure.begin(Effect(), context, eraser, this, erase.replyTo(), Erased::new);
    }
    if (command instanceof Erased erased) {
      return WholeErasure.ended(Effect(), context, erased.replyTo(), erased.failure(), new Gone());
    }
    if (command instanceof Open open) {
      return state.patronKey() != null
          ? Effect().reply(open.replyTo(), session(state))
          : Effect()
              .persist(new Opened(open.patronKey(), open.amountDkk(), clock.instant()))
              .thenReply(open.replyTo(), this::session);
    }
    if (command instanceof Get get) {
      return Effect().reply(get.replyTo(), known(state));
    }
    if (command instanceof Settle settle) {
      Reply refusal = settleRefusal(state, settle);
      if (refusal != null) {
        return Effect().reply(settle.replyTo(), refusal);
      }
      return state.status() == Status.PAID
          ? Effect().reply(settle.replyTo(), session(state))
          : Effect()
              .persist(new Paid(settle.providerReference(), clock.instant()))
              .thenReply(settle.replyTo(), this::session);
    }
    Cancel cancel = (Cancel) command;
    if (state.patronKey() == null || state.status() != Status.OPEN) {
      return Effect().reply(cancel.replyTo(), known(state));
    }
    return Effect()
        .persist(new Cancelled(cancel.providerReference(), clock.instant()))
        .thenReply(cancel.replyTo(), this::session);
  }

  /** Unknown, closed without payment, or another amount than was asked: nothing changes. */
  private Reply settleRefusal(State state, Settle settle) {
    if (state.patronKey() == null) {
      return notFound();
    }
    if (state.status() == Status.CANCELLED) {
      return new Rejected(
          Rejection.of(
              Rejection.Code.PAYMENT_SESSION_CLOSED,
              "payment session " + sessionId + " was cancelled; open a new one"));
    }
    if (settle.amountDkk() != state.amountDkk()) {
      return new Rejected(
          Rejection.of(
              Rejection.Code.PAYMENT_AMOUNT_MISMATCH,
              "payment session "
                  + sessionId
                  + " is for "
                  + state.amountDkk()
                  + " DKK, not "
                  + settle.amountDkk()));
    }
    return null;
  }

  private Reply known(State state) {
    return state.patronKey() == null ? notFound() : session(state);
  }

  private Rejected notFound() {
    return new Rejected(
        Rejection.of(Rejection.Code.PAYMENT_SESSION_NOT_FOUND, "no payment session " + sessionId));
  }

  private Session session(State s) {
    return new Session(
        sessionId,
        s.patronKey(),
        s.amountDkk(),
        s.status(),
        s.openedAt(),
        s.closedAt(),
        s.providerReference());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }
}
