package dk.library.circulation.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.patron.Fees;
import dk.library.circulation.patron.PatronFacts;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** R44 as pure functions: the resource's rules, the day's single time line, the patron's count. */
class BookingRulesTest {

  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");
  // Monday 23 November 2026, 10:00 in Copenhagen.
  static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
  static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
  static final Resource PC =
      new Resource(
          "pc1",
          "main",
          Resource.Kind.PC,
          "PC 1",
          1,
          LocalTime.of(9, 0),
          LocalTime.of(21, 0),
          List.of(DayOfWeek.SUNDAY),
          60,
          120,
          7,
          2,
          true,
          true,
          15);

  static Rejection.Code refusal(LocalDate day, String start, int minutes) {
    Rejection r = BookingRules.requestRefusal(PC, day, LocalTime.parse(start), minutes, NOW, ZONE);
    return r == null ? null : r.code();
  }

  @Test
  void R44_aTimeIsBookableOnlyWithinTheResourcesRules() {
    assertNull(refusal(TODAY, "11:00", 120));
    assertNull(refusal(TODAY, "10:00", 60), "the hour under way may still be booked");
    assertNull(refusal(TODAY.plusDays(7), "20:00", 60));
    Rejection.Code outside = Rejection.Code.BOOKING_OUTSIDE_RULES;
    assertEquals(outside, refusal(TODAY, "09:00", 60), "over already");
    assertEquals(outside, refusal(TODAY.minusDays(1), "12:00", 60), "a day past");
    assertEquals(outside, refusal(TODAY.plusDays(8), "12:00", 60), "too far ahead");
    assertEquals(outside, refusal(TODAY.plusDays(6), "12:00", 60), "Sunday 29 November");
    assertEquals(outside, refusal(TODAY, "11:00", 180), "longer than allowed");
    assertEquals(outside, refusal(TODAY, "11:00", 90), "not whole slots");
    assertEquals(outside, refusal(TODAY, "11:30", 60), "off the slot steps");
    assertEquals(outside, refusal(TODAY, "08:00", 60), "before opening");
    assertEquals(outside, refusal(TODAY, "20:00", 120), "past closing");
  }

  @Test
  void R44_R8_R32_R46_theResourceMayAdmitOnlyResidentsWhoAreNotBlocked() {
    PatronFacts resident = withMunicipality("0101");
    assertNull(BookingRules.patronRefusal(PC, resident, List.of(), "0101"));
    assertEquals(
        Rejection.Code.RESIDENTS_ONLY,
        BookingRules.patronRefusal(PC, withMunicipality("0202"), List.of(), "0101").code());
    assertEquals(
        Rejection.Code.FEES_OWED,
        BookingRules.patronRefusal(
                PC, resident, List.of(new Fees.Block("FEES_OWED", "owes 250 DKK")), "0101")
            .code());
  }

  static PatronFacts withMunicipality(String municipality) {
    return new PatronFacts(
        "in-person", "cpr", null, null, "DK", municipality, true, List.of(), null, null);
  }

  static ResourceDay.Book book(String id, String patron, String start, String end) {
    Instant startsAt = TODAY.atTime(LocalTime.parse(start)).atZone(ZONE).toInstant();
    return new ResourceDay.Book(
        id,
        patron,
        LocalTime.parse(start),
        LocalTime.parse(end),
        startsAt,
        BookingRules.releaseAt(PC, startsAt),
        null);
  }

  static ResourceDay.State apply(ResourceDay.State state, Decision<ResourceDay.Event> decision) {
    for (ResourceDay.Event e : ((Decision.Persist<ResourceDay.Event>) decision).events()) {
      state = state.apply(e);
    }
    return state;
  }

  @Test
  void R44_theDayNeverBooksOverlappingTimesAndANoShowsTimeIsFreeAfterTheGracePeriod() {
    ResourceDay.State day =
        apply(
            ResourceDay.State.empty(),
            BookingRules.book(ResourceDay.State.empty(), book("a", "p1", "11:00", "13:00"), NOW));
    Decision<ResourceDay.Event> overlapping =
        BookingRules.book(day, book("b", "p2", "12:00", "13:00"), NOW);
    assertEquals(
        Rejection.Code.RESOURCE_TAKEN,
        assertInstanceOf(Decision.Refuse.class, overlapping).rejection().code());
    assertInstanceOf(
        Decision.Persist.class, BookingRules.book(day, book("c", "p2", "13:00", "14:00"), NOW));
    assertInstanceOf(
        Decision.Unchanged.class, BookingRules.book(day, book("a", "p1", "11:00", "13:00"), NOW));
    assertEquals(
        Rejection.Code.TRANSACTION_ID_REUSED,
        assertInstanceOf(
                Decision.Refuse.class,
                BookingRules.book(day, book("a", "p2", "15:00", "16:00"), NOW))
            .rejection()
            .code());

    Instant afterGrace = NOW.plus(Duration.ofMinutes(75)); // 11:15
    assertEquals(
        9,
        BookingRules.freeSlots(PC, TODAY, day.bookings().values(), NOW, ZONE).size(),
        "10:00-11:00 and 13:00-21:00");
    assertEquals(
        10,
        BookingRules.freeSlots(PC, TODAY, day.bookings().values(), afterGrace, ZONE).size(),
        "the no-show's 11:00 and 12:00 are free again; 10:00 is over");
    assertInstanceOf(
        Decision.Persist.class,
        BookingRules.book(day, book("d", "p2", "12:00", "13:00"), afterGrace));
    List<ResourceDay.Event> released = BookingRules.noShows(day, afterGrace);
    assertEquals(List.of(new ResourceDay.Released("a", afterGrace)), released);
    assertTrue(BookingRules.noShows(day, NOW).isEmpty());
  }

  @Test
  void R44_aBookingIsCheckedInFromTenMinutesBeforeItsStartUntilItsReleaseTime() {
    ResourceDay.State day =
        apply(
            ResourceDay.State.empty(),
            BookingRules.book(ResourceDay.State.empty(), book("a", "p1", "11:00", "12:00"), NOW));
    Instant start = TODAY.atTime(11, 0).atZone(ZONE).toInstant();
    assertEquals(
        Rejection.Code.BOOKING_NOT_USABLE,
        ((Decision.Refuse<ResourceDay.Event>)
                BookingRules.checkIn(day, "a", "p1", start.minus(Duration.ofMinutes(11))))
            .rejection()
            .code());
    assertEquals(
        Rejection.Code.BOOKING_NOT_FOUND,
        ((Decision.Refuse<ResourceDay.Event>) BookingRules.checkIn(day, "a", "p2", start))
            .rejection()
            .code(),
        "another patron's booking answers as unknown");
    assertInstanceOf(
        Decision.Persist.class,
        BookingRules.checkIn(day, "a", "p1", start.minus(Duration.ofMinutes(10))));
    assertInstanceOf(
        Decision.Refuse.class,
        BookingRules.checkIn(day, "a", "p1", start.plus(Duration.ofMinutes(15))),
        "at the release time it is a no-show");
    ResourceDay.State used = apply(day, BookingRules.checkIn(day, "a", "p1", start));
    assertTrue(used.bookings().get("a").holdsTimeAt(start.plus(Duration.ofMinutes(50))));
    assertTrue(BookingRules.noShows(used, start.plus(Duration.ofMinutes(30))).isEmpty());
  }

  @Test
  void R44_aPatronHoldsAtMostTheResourcesNumberOfBookingsAndEndedOnesStopCounting() {
    PatronBookings.State state = PatronBookings.State.empty();
    for (String id : List.of("a", "b")) {
      Decision<PatronBookings.Event> reserved =
          BookingRules.reserve(state, entry(id, "pc1", TODAY, 12), 2, NOW);
      state = state.apply(((Decision.Persist<PatronBookings.Event>) reserved).events().get(0));
    }
    assertEquals(
        Rejection.Code.BOOKING_LIMIT_REACHED,
        ((Decision.Refuse<PatronBookings.Event>)
                BookingRules.reserve(state, entry("c", "pc1", TODAY.plusDays(1), 12), 2, NOW))
            .rejection()
            .code());
    assertInstanceOf(
        Decision.Persist.class,
        BookingRules.reserve(state, entry("d", "room1", TODAY, 12), 2, NOW),
        "another resource has its own count");
    assertInstanceOf(
        Decision.Unchanged.class,
        BookingRules.reserve(state, entry("a", "pc1", TODAY, 12), 2, NOW));
    Instant afterTheirEnd = TODAY.atTime(13, 0).atZone(ZONE).toInstant();
    assertInstanceOf(
        Decision.Persist.class,
        BookingRules.reserve(state, entry("c", "pc1", TODAY.plusDays(1), 12), 2, afterTheirEnd),
        "bookings that ended count no more");
  }

  static PatronBookings.Entry entry(String id, String resource, LocalDate day, int hour) {
    return new PatronBookings.Entry(
        id,
        "DK-1",
        resource,
        day,
        LocalTime.of(hour, 0),
        LocalTime.of(hour + 1, 0),
        day.atTime(hour + 1, 0).atZone(ZONE).toInstant());
  }
}
