package dk.library.circulation.booking;

import static dk.library.circulation.Rejection.Code.BOOKING_LIMIT_REACHED;
import static dk.library.circulation.Rejection.Code.BOOKING_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.BOOKING_NOT_USABLE;
import static dk.library.circulation.Rejection.Code.BOOKING_OUTSIDE_RULES;
import static dk.library.circulation.Rejection.Code.RESIDENTS_ONLY;
import static dk.library.circulation.Rejection.Code.RESOURCE_TAKEN;
import static dk.library.circulation.Rejection.Code.TRANSACTION_ID_REUSED;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.patron.Fees;
import dk.library.circulation.patron.PatronFacts;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** R44: the rules of booking PCs, meeting rooms and study cells, as pure functions. */
public final class BookingRules {

  /** How long before its start a booking may be checked in. */
  public static final Duration EARLY_CHECK_IN = Duration.ofMinutes(10);

  private BookingRules() {}

  /** A free stretch of a resource's day, one slot long. */
  public record Slot(LocalTime start, LocalTime end) {}

  /**
   * Why {@code minutes} from {@code start} on {@code day} cannot be booked under the resource's
   * rules, or null: a closed weekday, a day past or too far ahead, outside the opening hours, off
   * the slot steps, longer than allowed, or over already.
   */
  public static Rejection requestRefusal(
      Resource resource, LocalDate day, LocalTime start, int minutes, Instant now, ZoneId zone) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    String name = resource.name();
    if (day.isBefore(today)) {
      return outside(day + " is past");
    }
    if (day.isAfter(today.plusDays(resource.daysAhead()))) {
      return outside(
          name
              + " can be booked at most "
              + resource.daysAhead()
              + " days ahead, until "
              + today.plusDays(resource.daysAhead()));
    }
    if (!resource.openOn(day)) {
      return outside(name + " is closed on " + day.getDayOfWeek().name().toLowerCase() + "s");
    }
    if (minutes <= 0 || minutes > resource.maxMinutes()) {
      return outside(name + " can be booked for at most " + resource.maxMinutes() + " minutes");
    }
    if (minutes % resource.slotMinutes() != 0) {
      return outside(
          "a booking of " + name + " lasts whole slots of " + resource.slotMinutes() + " minutes");
    }
    int fromOpening = start.toSecondOfDay() - resource.opens().toSecondOfDay();
    if (fromOpening < 0
        || fromOpening % (resource.slotMinutes() * 60) != 0
        || start.toSecondOfDay() + minutes * 60 > resource.closes().toSecondOfDay()) {
      return outside(
          name
              + " is open "
              + resource.opens()
              + "-"
              + resource.closes()
              + " in slots of "
              + resource.slotMinutes()
              + " minutes from "
              + resource.opens());
    }
    if (!day.atTime(start).plusMinutes(minutes).atZone(zone).toInstant().isAfter(now)) {
      return outside("that time is over");
    }
    return null;
  }

  private static Rejection outside(String message) {
    return Rejection.of(BOOKING_OUTSIDE_RULES, message);
  }

  /**
   * Why the patron may not book the resource, or null: R8 residents only, R32/R46 blocked or
   * suspended where the resource says so.
   */
  public static Rejection patronRefusal(
      Resource resource, PatronFacts facts, List<Fees.Block> blocks, String municipality) {
    if (resource.residentsOnly()
        && (municipality == null || !municipality.equals(facts.municipality()))) {
      return Rejection.of(
          RESIDENTS_ONLY,
          resource.name() + " can be booked only by residents of municipality " + municipality);
    }
    if (resource.refuseBlocked() && !blocks.isEmpty()) {
      Fees.Block block = blocks.get(0);
      return Rejection.of(
          Rejection.Code.valueOf(block.code()),
          "the patron cannot book " + resource.name() + ": " + block.detail());
    }
    return null;
  }

  /** The patron's count: at most {@code limit} current bookings of one resource. */
  public static Decision<PatronBookings.Event> reserve(
      PatronBookings.State state, PatronBookings.Entry entry, int limit, Instant now) {
    PatronBookings.Entry known = state.entries().get(entry.bookingId());
    if (known != null) {
      return known.equals(entry) ? Decision.unchanged() : reused(entry.bookingId());
    }
    long held = state.current(now).stream().filter(e -> e.sameResource(entry)).count();
    if (held >= limit) {
      return Decision.refuse(
          BOOKING_LIMIT_REACHED,
          "the patron already holds "
              + held
              + " booking(s) of this resource, the most allowed; cancel one first");
    }
    return Decision.persist(new PatronBookings.Reserved(entry, now));
  }

  private static <E> Decision<E> reused(String bookingId) {
    return Decision.refuse(
        TRANSACTION_ID_REUSED,
        "bookingId " + bookingId + " is already used for another booking; choose a new one");
  }

  /**
   * One writer per resource and day: the time is taken if a booking that still holds it overlaps.
   * The same booking again (a retry) is answered as made.
   */
  public static Decision<ResourceDay.Event> book(
      ResourceDay.State state, ResourceDay.Book cmd, Instant now) {
    Booking known = state.bookings().get(cmd.bookingId());
    if (known != null) {
      boolean same =
          known.patronKey().equals(cmd.patronKey())
              && known.start().equals(cmd.start())
              && known.end().equals(cmd.end());
      return same ? Decision.unchanged() : reused(cmd.bookingId());
    }
    for (Booking other : state.bookings().values()) {
      if (other.holdsTimeAt(now) && other.overlaps(cmd.start(), cmd.end())) {
        return Decision.refuse(
            RESOURCE_TAKEN,
            "the resource is booked " + other.start() + "-" + other.end() + "; choose a free slot");
      }
    }
    return Decision.persist(
        new ResourceDay.Booked(
            new Booking(
                cmd.bookingId(),
                cmd.patronKey(),
                cmd.start(),
                cmd.end(),
                cmd.startsAt(),
                cmd.releaseAt(),
                Booking.Status.BOOKED,
                now)));
  }

  /** The booker (or staff, with no key) cancels; cancelling again changes nothing. */
  public static Decision<ResourceDay.Event> cancel(
      ResourceDay.State state, String bookingId, String patronKey, Instant now) {
    Booking booking = state.bookings().get(bookingId);
    if (booking == null || (patronKey != null && !patronKey.equals(booking.patronKey()))) {
      return notFound(bookingId);
    }
    if (booking.status() == Booking.Status.CANCELLED
        || booking.status() == Booking.Status.RELEASED) {
      return Decision.unchanged();
    }
    return Decision.persist(new ResourceDay.Cancelled(bookingId, now));
  }

  private static <E> Decision<E> notFound(String bookingId) {
    return Decision.refuse(BOOKING_NOT_FOUND, "no booking " + bookingId + " of this card here");
  }

  /**
   * The patron arrives: from {@link #EARLY_CHECK_IN} before the start until the release time; after
   * that the booking is a no-show and its time is free.
   */
  public static Decision<ResourceDay.Event> checkIn(
      ResourceDay.State state, String bookingId, String patronKey, Instant now) {
    Booking booking = state.bookings().get(bookingId);
    if (booking == null || !Objects.equals(patronKey, booking.patronKey())) {
      return notFound(bookingId);
    }
    if (booking.status() == Booking.Status.CHECKED_IN) {
      return Decision.unchanged();
    }
    if (booking.status() != Booking.Status.BOOKED || !now.isBefore(booking.releaseAt())) {
      return Decision.refuse(
          BOOKING_NOT_USABLE,
          "booking "
              + bookingId
              + " was "
              + (booking.status() == Booking.Status.CANCELLED ? "cancelled" : "released")
              + "; book again");
    }
    Instant earliest = booking.startsAt().minus(EARLY_CHECK_IN);
    if (now.isBefore(earliest)) {
      return Decision.refuse(
          BOOKING_NOT_USABLE,
          "booking " + bookingId + " starts at " + booking.start() + "; check in from then");
    }
    return Decision.persist(new ResourceDay.CheckedIn(bookingId, now));
  }

  /** Releases every booking not checked in by its release time. */
  public static List<ResourceDay.Event> noShows(ResourceDay.State state, Instant now) {
    List<ResourceDay.Event> released = new ArrayList<>();
    for (Booking b : state.bookings().values()) {
      if (b.status() == Booking.Status.BOOKED && !now.isBefore(b.releaseAt())) {
        released.add(new ResourceDay.Released(b.bookingId(), now));
      }
    }
    return released;
  }

  /** When a booking starting at {@code startsAt} is released unless checked in. */
  public static Instant releaseAt(Resource resource, Instant startsAt) {
    return startsAt.plus(Duration.ofMinutes(resource.graceMinutes()));
  }

  /** The slots of the day no booking holds, and that are not over at {@code now}. */
  public static List<Slot> freeSlots(
      Resource resource, LocalDate day, Collection<Booking> bookings, Instant now, ZoneId zone) {
    List<Slot> free = new ArrayList<>();
    if (!resource.openOn(day)) {
      return free;
    }
    for (LocalTime start = resource.opens();
        start.isBefore(resource.closes());
        start = start.plusMinutes(resource.slotMinutes())) {
      LocalTime end = start.plusMinutes(resource.slotMinutes());
      LocalTime s = start;
      boolean taken = bookings.stream().anyMatch(b -> b.holdsTimeAt(now) && b.overlaps(s, end));
      boolean over = !day.atTime(end).atZone(zone).toInstant().isAfter(now);
      if (!taken && !over) {
        free.add(new Slot(start, end));
      }
    }
    return free;
  }
}
