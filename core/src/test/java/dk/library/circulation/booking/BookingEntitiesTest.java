package dk.library.circulation.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** R44: the day and the patron's bookings persist their decisions and recover them. */
class BookingEntitiesTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");
  static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
  static final LocalDate TODAY = LocalDate.of(2026, 11, 23);

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(NOW);

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void R44_aDayKeepsItsBookingsAndReleasesNoShowsAcrossARestart() {
    MovingClock clock = new MovingClock();
    EventSourcedBehaviorTestKit<ResourceDay.Command, ResourceDay.Event, ResourceDay.State> day =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), ResourceDay.create("DK-1~pc1~" + TODAY, clock));
    Instant start = TODAY.atTime(11, 0).atZone(ZONE).toInstant();
    ResourceDay.Reply booked =
        day.<ResourceDay.Reply>runCommand(
                r ->
                    new ResourceDay.Book(
                        "a",
                        "p1",
                        LocalTime.of(11, 0),
                        LocalTime.of(12, 0),
                        start,
                        start.plus(Duration.ofMinutes(15)),
                        r))
            .reply();
    assertEquals(
        Booking.Status.BOOKED,
        assertInstanceOf(ResourceDay.BookingReply.class, booked).booking().status());
    day.restart();
    ResourceDay.Reply taken =
        day.<ResourceDay.Reply>runCommand(
                r ->
                    new ResourceDay.Book(
                        "b",
                        "p2",
                        LocalTime.of(11, 0),
                        LocalTime.of(12, 0),
                        start,
                        start.plus(Duration.ofMinutes(15)),
                        r))
            .reply();
    assertEquals(
        Rejection.Code.RESOURCE_TAKEN,
        assertInstanceOf(ResourceDay.Rejected.class, taken).rejection().code());

    clock.now.set(start.plus(Duration.ofMinutes(16)));
    var released = day.<ResourceDay.Reply>runCommand(ResourceDay.DeadlineReached::new);
    assertEquals(1, released.events().size());
    assertEquals(
        List.of("a"),
        assertInstanceOf(ResourceDay.ReleasedReply.class, released.reply()).released().stream()
            .map(Booking::bookingId)
            .toList());
    day.restart();
    assertEquals(Booking.Status.RELEASED, day.getState().bookings().get("a").status());
    var again = day.<ResourceDay.Reply>runCommand(ResourceDay.DeadlineReached::new);
    assertEquals(0, again.events().size(), "a deadline handed out twice releases nothing twice");
  }

  @Test
  void R44_thePatronsCountRecoversTheSameAfterARestart() {
    MovingClock clock = new MovingClock();
    EventSourcedBehaviorTestKit<PatronBookings.Command, PatronBookings.Event, PatronBookings.State>
        bookings =
            EventSourcedBehaviorTestKit.create(
                testKit.system(), PatronBookings.create("p1", clock));
    bookings.<PatronBookings.Reply>runCommand(
        r -> new PatronBookings.Reserve(BookingRulesTest.entry("a", "pc1", TODAY, 11), 1, r));
    bookings.restart();
    var refused =
        bookings.<PatronBookings.Reply>runCommand(
            r ->
                new PatronBookings.Reserve(
                    BookingRulesTest.entry("b", "pc1", TODAY.plusDays(1), 11), 1, r));
    assertEquals(
        Rejection.Code.BOOKING_LIMIT_REACHED,
        assertInstanceOf(PatronBookings.Rejected.class, refused.reply()).rejection().code());
    clock.now.set(TODAY.atTime(13, 0).atZone(ZONE).toInstant());
    var reserved =
        bookings.<PatronBookings.Reply>runCommand(
            r ->
                new PatronBookings.Reserve(
                    BookingRulesTest.entry("b", "pc1", TODAY.plusDays(1), 11), 1, r));
    assertEquals(
        List.of("b"),
        assertInstanceOf(PatronBookings.Bookings.class, reserved.reply()).entries().stream()
            .map(PatronBookings.Entry::bookingId)
            .toList());
    bookings.restart();
    assertEquals(List.of("b"), List.copyOf(bookings.getState().entries().keySet()));
  }
}
