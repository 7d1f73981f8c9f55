package dk.library.circulation.booking;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.ErasureWaiters;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.retention.WholeErasure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The bookings of one resource on one day (R44): the single writer of that day, so two bookings
 * arriving at once for the same time are decided one after the other and never both accepted.
 */
public final class ResourceDay
    extends MeasuredEntity<ResourceDay.Command, ResourceDay.Event, ResourceDay.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "ResourceDay");

  /** Agency and resource ids hold no {@code ~}. */
  public static String entityId(String agencyId, String resourceId, LocalDate day) {
    return agencyId + "~" + resourceId + "~" + day;
  }

  /**
   * R40, R44: a day's bookings are kept this long after the day, then its whole record is erased
   * (the same as the open library's visits).
   */
  public static final Duration KEPT_AFTER_DAY = Duration.ofDays(30);

  /** When the day's record is erased: {@link #KEPT_AFTER_DAY} after the day ends. */
  public static Instant keptUntil(String entityId, ZoneId zone) {
    LocalDate day = LocalDate.parse(entityId.substring(entityId.lastIndexOf('~') + 1));
    return day.plusDays(1).atStartOfDay(zone).toInstant().plus(KEPT_AFTER_DAY);
  }

  /** The name a day's deadlines (no-show releases) are indexed under. */
  public static String deadlineTarget(String entityId) {
    return ENTITY_TYPE_KEY.name() + "/" + entityId;
  }

  public sealed interface Command extends CborSerializable {}

  /** Books {@code start}-{@code end}; the same booking id again is a retry and answers the same. */
  public record Book(
      String bookingId,
      String patronKey,
      LocalTime start,
      LocalTime end,
      Instant startsAt,
      Instant releaseAt,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** By the patron ({@code patronKey}) or, when it is null, by staff. */
  public record Cancel(String bookingId, String patronKey, ActorRef<Reply> replyTo)
      implements Command {}

  /** The patron is there: the booking is used and is not released. */
  public record CheckIn(String bookingId, String patronKey, ActorRef<Reply> replyTo)
      implements Command {}

  public record GetDay(ActorRef<Reply> replyTo) implements Command {}

  /** The deadline keeper: a booking not checked in by its release time is released. */
  public record DeadlineReached(ActorRef<Reply> replyTo) implements Command {}

  /** R40: the day's window ended: its whole journal goes, then {@link Gone}. */
  public record EraseDay(ActorRef<Reply> replyTo) implements Command {}

  /**
   * R39: the patron's account was deleted: the day forgets the patron's bookings (snapshot, then
   * erase) and answers {@link Gone} once the events that named the patron are erased.
   */
  public record ForgetPatron(String patronKey, ActorRef<Reply> replyTo) implements Command {}

  record DayErased(ActorRef<Reply> replyTo, Throwable failure) implements Command {}

  record Erased(long sequenceNr, boolean erased) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record BookingReply(Booking booking) implements Reply {}

  public record DayReply(List<Booking> bookings) implements Reply {}

  /** Every booking of the day that was released, so their patrons' counts can be freed. */
  public record ReleasedReply(List<Booking> released) implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  public record Gone() implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record Booked(Booking booking) implements Event {}

  public record Cancelled(String bookingId, Instant at) implements Event {}

  public record CheckedIn(String bookingId, Instant at) implements Event {}

  public record Released(String bookingId, Instant at) implements Event {}

  /** R39: these bookings were a deleted account's. */
  public record PatronForgotten(List<String> bookingIds, Instant at) implements Event {}

  /** The day's bookings in the order they were made. */
  public record State(Map<String, Booking> bookings) implements CborSerializable {

    public static State empty() {
      return new State(Map.of());
    }

    State apply(Event event) {
      Map<String, Booking> next = new LinkedHashMap<>(bookings);
      if (event instanceof Booked e) {
        next.put(e.booking().bookingId(), e.booking());
      } else if (event instanceof Cancelled e) {
        next.computeIfPresent(e.bookingId(), (id, b) -> b.with(Booking.Status.CANCELLED));
      } else if (event instanceof CheckedIn e) {
        next.computeIfPresent(e.bookingId(), (id, b) -> b.with(Booking.Status.CHECKED_IN));
      } else if (event instanceof Released e) {
        next.computeIfPresent(e.bookingId(), (id, b) -> b.with(Booking.Status.RELEASED));
      } else if (event instanceof PatronForgotten e) {
        e.bookingIds().forEach(next::remove);
      }
      return new State(next);
    }
  }

  private final Clock clock;
  private final ActorContext<Command> context;
  private final JournalEraser eraser;
  private final ErasureWaiters<ActorRef<Reply>> forgetting = new ErasureWaiters<>();

  private ResourceDay(
      String entityId, Clock clock, ActorContext<Command> context, JournalEraser eraser) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), entityId), ENTITY_TYPE_KEY.name());
    this.clock = clock;
    this.context = context;
    this.eraser = eraser;
  }

  public static Behavior<Command> create(String entityId, Clock clock, JournalEraser eraser) {
    return Behaviors.setup(ctx -> new ResourceDay(entityId, clock, ctx, eraser));
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
    Instant now = clock.instant();
    if (command instanceof Book cmd) {
      return decide(BookingRules.book(state, cmd, now), cmd.replyTo(), cmd.bookingId());
    }
    if (command instanceof Cancel cmd) {
      return decide(
          BookingRules.cancel(state, cmd.bookingId(), cmd.patronKey(), now),
          cmd.replyTo(),
          cmd.bookingId());
    }
    if (command instanceof CheckIn cmd) {
      return decide(
          BookingRules.checkIn(state, cmd.bookingId(), cmd.patronKey(), now),
          cmd.replyTo(),
          cmd.bookingId());
    }
    if (command instanceof GetDay cmd) {
      return Effect().reply(cmd.replyTo(), new DayReply(List.copyOf(state.bookings().values())));
    }
    if (command instanceof EraseDay cmd) {
      return WholeErasure.begin(Effect(), context, eraser, this, cmd.replyTo(), DayErased::new);
    }
    if (command instanceof DayErased cmd) {
      return WholeErasure.ended(Effect(), context, cmd.replyTo(), cmd.failure(), new Gone());
    }
    if (command instanceof ForgetPatron cmd) {
      List<String> theirs =
          state.bookings().values().stream()
              .filter(b -> cmd.patronKey().equals(b.patronKey()))
              .map(Booking::bookingId)
              .toList();
      forgetting.add(cmd.replyTo(), lastSequenceNumber(context) + 1);
      return Effect().persist(new PatronForgotten(theirs, now)).thenNoReply();
    }
    if (command instanceof Erased cmd) {
      forgetting.settled(cmd.sequenceNr(), cmd.erased()).forEach(a -> a.tell(new Gone()));
      return Effect().noReply();
    }
    DeadlineReached cmd = (DeadlineReached) command;
    return Effect()
        .persist(BookingRules.noShows(state, now))
        .thenReply(
            cmd.replyTo(),
            s ->
                new ReleasedReply(
                    s.bookings().values().stream()
                        .filter(b -> b.status() == Booking.Status.RELEASED)
                        .toList()));
  }

  private ReplyEffect<Event, State> decide(
      dk.library.circulation.Decision<Event> decision, ActorRef<Reply> replyTo, String bookingId) {
    return Replies.decide(
        Effect(),
        decision,
        replyTo,
        s -> new BookingReply(s.bookings().get(bookingId)),
        Rejected::new);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public boolean shouldSnapshot(State state, Event event, long sequenceNr) {
    return event instanceof PatronForgotten;
  }

  /** R39: with the forgetting's snapshot durable, the events it replaced go. */
  @Override
  protected void snapshotSaved(State state, long sequenceNr) {
    forgetting.snapshotSaved(context, eraser, persistenceId().id(), sequenceNr, Erased::new);
  }

  @Override
  protected void snapshotFailed(State state, Throwable failure) {
    context.getSelf().tell(new Erased(Long.MAX_VALUE, false));
  }
}
