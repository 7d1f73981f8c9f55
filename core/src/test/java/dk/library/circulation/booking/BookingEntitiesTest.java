package dk.library.circulation.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Rejection;
import dk.library.circulation.retention.RecordingJournalEraser;
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
            testKit.system(),
            ResourceDay.create("DK-1~pc1~" + TODAY, clock, new RecordingJournalEraser()));
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
  void R39_aDayForgetsADeletedAccountsBookingsAndR40ItsWholeRecordAfterItsWindow() {
    MovingClock clock = new MovingClock();
    RecordingJournalEraser eraser = new RecordingJournalEraser();
    String dayId = "DK-1~pc2~" + TODAY;
    EventSourcedBehaviorTestKit<ResourceDay.Command, ResourceDay.Event, ResourceDay.State> day =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), ResourceDay.create(dayId, clock, eraser));
    for (String patron : List.of("p1", "p2")) {
      int hour = patron.equals("p1") ? 11 : 13;
      Instant start = TODAY.atTime(hour, 0).atZone(ZONE).toInstant();
      day.<ResourceDay.Reply>runCommand(
          r ->
              new ResourceDay.Book(
                  "b-" + patron,
                  patron,
                  LocalTime.of(hour, 0),
                  LocalTime.of(hour + 1, 0),
                  start,
                  start.plus(Duration.ofMinutes(15)),
                  r));
    }
    var forgotten = day.<ResourceDay.Reply>runCommand(r -> new ResourceDay.ForgetPatron("p1", r));
    assertInstanceOf(ResourceDay.Gone.class, forgotten.reply());
    assertEquals(List.of(3L), List.copyOf(eraser.erasedBefore), "erased under its snapshot");
    day.restart();
    assertEquals(List.of("b-p2"), List.copyOf(day.getState().bookings().keySet()));

    assertEquals(
        TODAY.plusDays(1).atStartOfDay(ZONE).toInstant().plus(Duration.ofDays(30)),
        ResourceDay.keptUntil(dayId, ZONE));
    // The day stops once erased, so it is asked as the desk asks it, not through the test kit.
    var running = testKit.spawn(ResourceDay.create(dayId, clock, eraser));
    var probe = testKit.<ResourceDay.Reply>createTestProbe();
    running.tell(new ResourceDay.EraseDay(probe.getRef()));
    probe.expectMessageClass(ResourceDay.Gone.class);
    probe.expectTerminated(running);
    assertEquals(List.of("ResourceDay|" + dayId), List.copyOf(eraser.erasedWhole));
  }

  @Test
  void R39_thePatronsRecordKeepsTheDaysItBookedUntilTheirRecordsAreErased() {
    MovingClock clock = new MovingClock();
    EventSourcedBehaviorTestKit<PatronBookings.Command, PatronBookings.Event, PatronBookings.State>
        bookings =
            EventSourcedBehaviorTestKit.create(
                testKit.system(), PatronBookings.create("p9", clock, new RecordingJournalEraser()));
    PatronBookings.Entry entry = BookingRulesTest.entry("a", "pc1", TODAY, 11);
    bookings.<PatronBookings.Reply>runCommand(r -> new PatronBookings.Reserve(entry, 1, r));
    bookings.<PatronBookings.Reply>runCommand(r -> new PatronBookings.Release("a", r));
    var days = bookings.<PatronBookings.Reply>runCommand(PatronBookings.GetDays::new);
    assertEquals(
        List.of(entry.dayId()),
        assertInstanceOf(PatronBookings.Days.class, days.reply()).dayIds(),
        "a released booking's day still names the patron");
    clock.now.set(TODAY.plusDays(32).atStartOfDay(ZONE).toInstant());
    bookings.<PatronBookings.Reply>runCommand(
        r ->
            new PatronBookings.Reserve(
                BookingRulesTest.entry("b", "pc3", TODAY.plusDays(33), 11), 1, r));
    var later = bookings.<PatronBookings.Reply>runCommand(PatronBookings.GetDays::new);
    assertEquals(
        List.of(ResourceDay.entityId("DK-1", "pc3", TODAY.plusDays(33))),
        ((PatronBookings.Days) later.reply()).dayIds());
  }

  @Test
  void R44_thePatronsCountRecoversTheSameAfterARestart() {
    MovingClock clock = new MovingClock();
    EventSourcedBehaviorTestKit<PatronBookings.Command, PatronBookings.Event, PatronBookings.State>
        bookings =
            EventSourcedBehaviorTestKit.create(
                testKit.system(), PatronBookings.create("p1", clock, new RecordingJournalEraser()));
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
