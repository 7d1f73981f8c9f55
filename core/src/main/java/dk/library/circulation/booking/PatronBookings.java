package dk.library.circulation.booking;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.retention.WholeErasure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Comparator;
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
 * A patron's bookings across resources and days, keyed by the patron's key: the single writer of
 * how many bookings of a resource the patron holds (R44), as the patron is of their reservations. A
 * booking counts from when it is reserved here until it ends, is cancelled or is released; one
 * whose end has passed stops counting by itself, so a release that never arrived (a crash between
 * steps) only counts until then.
 */
public final class PatronBookings
    extends MeasuredEntity<PatronBookings.Command, PatronBookings.Event, PatronBookings.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "PatronBookings");

  /** One booking as the patron's record keeps it. */
  public record Entry(
      String bookingId,
      String agencyId,
      String resourceId,
      LocalDate day,
      LocalTime start,
      LocalTime end,
      Instant endsAt)
      implements CborSerializable {

    /** The entity id of the resource's day this booking is in. */
    public String dayId() {
      return ResourceDay.entityId(agencyId, resourceId, day);
    }

    boolean sameResource(Entry other) {
      return agencyId.equals(other.agencyId) && resourceId.equals(other.resourceId);
    }
  }

  public sealed interface Command extends CborSerializable {}

  /** Counts the booking against {@code limit} bookings of its resource; a retry counts once. */
  public record Reserve(Entry entry, int limit, ActorRef<Reply> replyTo) implements Command {}

  public record Release(String bookingId, ActorRef<Reply> replyTo) implements Command {}

  public record GetBookings(ActorRef<Reply> replyTo) implements Command {}

  /** R39: every resource's day the patron's bookings are still recorded in, as {@link Days}. */
  public record GetDays(ActorRef<Reply> replyTo) implements Command {}

  /** R39: the account was deleted: the whole journal goes, then {@link Gone}. */
  public record Erase(ActorRef<Reply> replyTo) implements Command {}

  record Erased(ActorRef<Reply> replyTo, Throwable failure) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  /** The bookings that count now, earliest first. */
  public record Bookings(List<Entry> entries) implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  public record Gone() implements Reply {}

  public record Days(List<String> dayIds) implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record Reserved(Entry entry, Instant at) implements Event {}

  public record ReleasedEntry(String bookingId, Instant at) implements Event {}

  /**
   * {@code days}: R39, every resource's day this patron booked (entity id), until that day's record
   * is erased ({@link ResourceDay#KEPT_AFTER_DAY} after it), so a deleted account's bookings can be
   * forgotten there too, cancelled and released ones included.
   */
  public record State(Map<String, Entry> entries, Map<String, Instant> days)
      implements CborSerializable {

    /** Snapshots from before the days were kept have none. */
    public State {
      days = days == null ? Map.of() : days;
    }

    public static State empty() {
      return new State(Map.of(), Map.of());
    }

    /** Bookings not yet over at {@code now}, earliest first. */
    public List<Entry> current(Instant now) {
      return entries.values().stream()
          .filter(e -> e.endsAt().isAfter(now))
          .sorted(
              Comparator.comparing(Entry::day)
                  .thenComparing(Entry::start)
                  .thenComparing(Entry::bookingId))
          .toList();
    }

    /** Entries over by the event's time are dropped: nothing counts them any more. */
    State apply(Event event) {
      Instant now = event instanceof Reserved e ? e.at() : ((ReleasedEntry) event).at();
      Map<String, Entry> next = new LinkedHashMap<>();
      entries.forEach(
          (id, e) -> {
            if (e.endsAt().isAfter(now)) {
              next.put(id, e);
            }
          });
      Map<String, Instant> nextDays = new LinkedHashMap<>();
      days.forEach(
          (day, keptUntil) -> {
            if (keptUntil.isAfter(now)) {
              nextDays.put(day, keptUntil);
            }
          });
      if (event instanceof Reserved e) {
        next.put(e.entry().bookingId(), e.entry());
        nextDays.merge(
            e.entry().dayId(),
            e.entry().endsAt().plus(ResourceDay.KEPT_AFTER_DAY).plus(Duration.ofDays(1)),
            (a, b) -> a.isAfter(b) ? a : b);
      } else if (event instanceof ReleasedEntry e) {
        next.remove(e.bookingId());
      }
      return new State(next, nextDays);
    }
  }

  private final Clock clock;
  private final ActorContext<Command> context;
  private final JournalEraser eraser;

  private PatronBookings(
      String patronKey, Clock clock, ActorContext<Command> context, JournalEraser eraser) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), patronKey), ENTITY_TYPE_KEY.name());
    this.clock = clock;
    this.context = context;
    this.eraser = eraser;
  }

  public static Behavior<Command> create(String patronKey, Clock clock, JournalEraser eraser) {
    return Behaviors.setup(ctx -> new PatronBookings(patronKey, clock, ctx, eraser));
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
    if (command instanceof Reserve cmd) {
      return Replies.decide(
          Effect(),
          BookingRules.reserve(state, cmd.entry(), cmd.limit(), now),
          cmd.replyTo(),
          s -> new Bookings(s.current(now)),
          Rejected::new);
    }
    if (command instanceof Release cmd) {
      Decision<Event> release =
          state.entries().containsKey(cmd.bookingId())
              ? Decision.persist(new ReleasedEntry(cmd.bookingId(), now))
              : Decision.unchanged();
      return Replies.decide(
          Effect(), release, cmd.replyTo(), s -> new Bookings(s.current(now)), Rejected::new);
    }
    if (command instanceof Erase cmd) {
      return WholeErasure.begin(Effect(), context, eraser, this, cmd.replyTo(), Erased::new);
    }
    if (command instanceof Erased cmd) {
      return WholeErasure.ended(Effect(), context, cmd.replyTo(), cmd.failure(), new Gone());
    }
    if (command instanceof GetDays cmd) {
      return Effect().reply(cmd.replyTo(), new Days(List.copyOf(state.days().keySet())));
    }
    GetBookings cmd = (GetBookings) command;
    return Effect().reply(cmd.replyTo(), new Bookings(state.current(now)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
