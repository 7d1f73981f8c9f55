package dk.library.circulation.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** R44: bookable resources and bookings over HTTP against the real server and Cassandra. */
class BookingApiTest {

  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");
  // A Monday, 10:00 in Copenhagen.
  static final TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));
  static final Duration WITHIN = Duration.ofSeconds(20);
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  String agency;

  /** An agency of municipality 0101 with a PC (60-minute slots, at most 2 h, 7 days ahead). */
  @BeforeEach
  void library() {
    agency = Api.unique("DK-");
    Answer created =
        api()
            .post(
                "/api/v1/agencies",
                """
                {"agencyId":"%s","name":"Booking Library",
                 "branches":[{"branchId":"main","name":"Main"}],
                 "policy":{"loanPeriodDays":28,"maxLoans":10,"maxRenewals":2,
                           "eligibility":{"municipality":"0101"}}}
                """
                    .formatted(agency));
    assertEquals(201, created.status(), created.body().toString());
    api().enrol(agency);
    Answer pc =
        define(
            "pc1",
            """
            {"branchId":"main","kind":"PC","name":"PC 1","opens":"09:00","closes":"21:00",
             "slotMinutes":60,"maxMinutes":120,"daysAhead":7,"maxBookingsPerPatron":1,
             "graceMinutes":15,"closedOn":["SUNDAY"]}
            """);
    assertEquals(200, pc.status(), pc.body().toString());
  }

  @Test
  void R44_aPatronBooksAPcWithCardAndPinAndItsTimeIsNoLongerFree() {
    String card = patron("0101");
    LocalDate day = today().plusDays(1);
    assertEquals(12, freeSlots(day).size());

    Answer wrongPin = book("b1", card, "9999", day, "10:00", 120);
    assertEquals(401, wrongPin.status(), wrongPin.body().toString());
    assertEquals("WRONG_PIN", wrongPin.code());

    Answer booked = book("b1", card, "1234", day, "10:00", 120);
    assertEquals(201, booked.status(), booked.body().toString());
    assertEquals("BOOKED", booked.body().get("status").asText());
    assertFalse(booked.body().has("patronKey"), "the patron's key never leaves the core");
    Answer retried = book("b1", card, "1234", day, "10:00", 120);
    assertEquals(201, retried.status(), "the same booking again is a retry");

    List<String> free = freeSlots(day);
    assertEquals(10, free.size());
    assertFalse(free.contains("10:00") || free.contains("11:00"), free.toString());
    assertTrue(free.contains("09:00") && free.contains("12:00"), free.toString());

    Answer taken = book("b2", patron("0101"), "1234", day, "11:00", 60);
    assertEquals(409, taken.status(), taken.body().toString());
    assertEquals("RESOURCE_TAKEN", taken.code());

    Answer mine = api().staff(agency).get("/api/v1/patrons/" + card + "/bookings");
    assertEquals(200, mine.status(), mine.body().toString());
    assertEquals(1, mine.body().size());
    assertEquals("pc1", mine.body().get(0).get("resourceId").asText());

    Answer staffView = api().staff(agency).get(dayPath(day));
    assertEquals(1, staffView.body().get("bookings").size(), staffView.body().toString());
    Answer terminalView = api().terminal(agency).get(dayPath(day));
    assertFalse(terminalView.body().has("bookings"), "only staff see the bookings");
  }

  @Test
  void R44_theResourcesRulesRefuseWhatItDoesNotAllow() {
    String card = patron("0101");
    LocalDate tomorrow = today().plusDays(1);
    String[][] refused = {
      {"09:00", "180", tomorrow.toString(), "longer than 2 h"},
      {"09:30", "60", tomorrow.toString(), "off the slot steps"},
      {"20:00", "120", tomorrow.toString(), "past closing"},
      {"10:00", "60", today().plusDays(8).toString(), "too far ahead"},
      {"10:00", "60", today().minusDays(1).toString(), "a day past"},
      {"09:00", "60", today().toString(), "over already"},
      {"10:00", "60", nextSunday().toString(), "closed on Sundays"}
    };
    for (String[] r : refused) {
      Answer answer =
          book(Api.unique("b"), card, "1234", LocalDate.parse(r[2]), r[0], Integer.parseInt(r[1]));
      assertEquals(422, answer.status(), r[3] + ": " + answer.body());
      assertEquals("BOOKING_OUTSIDE_RULES", answer.code(), r[3]);
    }

    assertEquals(201, book("b1", card, "1234", tomorrow, "12:00", 60).status());
    Answer second = book("b2", card, "1234", tomorrow.plusDays(1), "12:00", 60);
    assertEquals(422, second.status(), second.body().toString());
    assertEquals("BOOKING_LIMIT_REACHED", second.code());

    Answer invalid =
        api()
            .terminal(agency)
            .post(
                "/api/v1/bookings",
                """
                {"bookingId":"x","agencyId":"%s","resourceId":"pc1","date":"2026-02-30",
                 "start":"25:00","minutes":60,"cardNumber":"%s"}
                """
                    .formatted(agency, card));
    assertEquals(400, invalid.status(), invalid.body().toString());
    String errors = invalid.body().get("errors").toString();
    assertTrue(
        errors.contains("date") && errors.contains("start") && errors.contains("pin"), errors);

    Answer unknown = book("b3", card, "1234", tomorrow, "12:00", 60, "no-such-pc");
    assertEquals(404, unknown.status());
    assertEquals("RESOURCE_NOT_FOUND", unknown.code());
  }

  @Test
  void R44_R8_R46_residentsOnlyAndSuspendedPatronsAreRefusedWhereTheResourceSaysSo() {
    assertEquals(
        200,
        define(
                "room1",
                """
                {"branchId":"main","kind":"MEETING_ROOM","name":"Room 1","capacity":8,
                 "opens":"09:00","closes":"21:00","residentsOnly":true}
                """)
            .status());
    LocalDate day = today().plusDays(1);
    Answer outsider = book("b1", patron("0202"), "1234", day, "10:00", 60, "room1");
    assertEquals(422, outsider.status(), outsider.body().toString());
    assertEquals("RESIDENTS_ONLY", outsider.code());

    String suspended = patron("0101");
    Answer suspension =
        api()
            .staff(agency)
            .put(
                "/api/v1/patrons/" + suspended + "/suspension",
                "{\"until\":\"%s\",\"reason\":\"House rules\"}".formatted(today().plusDays(30)));
    assertEquals(200, suspension.status(), suspension.body().toString());
    Answer blocked = book("b2", suspended, "1234", day, "10:00", 60, "room1");
    assertEquals(422, blocked.status(), blocked.body().toString());
    assertEquals("PATRON_SUSPENDED", blocked.code());
    assertEquals(201, book("b3", patron("0101"), "1234", day, "10:00", 60, "room1").status());
  }

  @Test
  void R44_noResourceIsEverBookedTwiceForTheSameTime() throws Exception {
    LocalDate day = today().plusDays(2);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (String[] round : new String[][] {{"13:00", "14:00"}, {"15:00", "16:00"}}) {
        // Each round's patrons are new: one booking of the PC is each patron's limit.
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          cards.add(patron("0101"));
        }
        List<Callable<Answer>> attempts = new ArrayList<>();
        for (int i = 0; i < cards.size(); i++) {
          String card = cards.get(i);
          // Half ask from the first hour for two, half from the second for one: all overlap.
          String start = i % 2 == 0 ? round[0] : round[1];
          int minutes = i % 2 == 0 ? 120 : 60;
          attempts.add(() -> book(Api.unique("c"), card, "1234", day, start, minutes));
        }
        int booked = 0;
        for (Future<Answer> f : pool.invokeAll(attempts)) {
          Answer a = f.get();
          if (a.status() == 201) {
            booked++;
          } else {
            assertEquals("RESOURCE_TAKEN", a.code(), a.body().toString());
          }
        }
        assertEquals(1, booked, "exactly one of the overlapping bookings is made");
      }
    } finally {
      pool.shutdownNow();
    }
    JsonNode bookings = api().staff(agency).get(dayPath(day)).body().get("bookings");
    assertEquals(2, bookings.size(), bookings.toString());
  }

  @Test
  void R44_aBookingNotCheckedInWithinTheGracePeriodIsReleasedAndCancellingFreesTheTime() {
    String card = patron("0101");
    LocalDate day = today().plusDays(1);
    String token = token(card);
    Api patron = api().as(token);
    Answer byToken =
        patron.post(
            "/api/v1/bookings",
            """
            {"bookingId":"t1","agencyId":"%s","resourceId":"pc1","date":"%s","start":"14:00",
             "minutes":60,"cardNumber":"%s"}
            """
                .formatted(agency, day, card));
    assertEquals(201, byToken.status(), byToken.body().toString());
    Answer early = checkIn("t1", day, card);
    assertEquals(422, early.status());
    assertEquals("BOOKING_NOT_USABLE", early.code());

    Answer cancelled =
        patron.post(
            bookingPath(day, "t1") + "/cancellation", "{\"cardNumber\":\"%s\"}".formatted(card));
    assertEquals(200, cancelled.status(), cancelled.body().toString());
    assertEquals("CANCELLED", cancelled.body().get("status").asText());
    assertTrue(freeSlots(day).contains("14:00"));

    // The count was freed: the patron (limit 1) books again, twice in the day.
    assertEquals(201, book("n1", card, "1234", day, "09:00", 60).status());
    clock.advance(Duration.ofDays(1).minusMinutes(40)); // 09:20 on the day
    Eventually.await("the no-show released", WITHIN, () -> status(day, "n1").equals("RELEASED"));
    Eventually.await(
        "the patron's count freed",
        WITHIN,
        () -> api().staff(agency).get("/api/v1/patrons/" + card + "/bookings").body().isEmpty());
    assertTrue(freeSlots(day).contains("10:00"));

    assertEquals(201, book("n2", card, "1234", day, "10:00", 60).status());
    Answer late = checkIn("n1", day, card);
    assertEquals("BOOKING_NOT_USABLE", late.code());
    clock.advance(Duration.ofMinutes(45)); // 10:05
    Answer used = checkIn("n2", day, card);
    assertEquals(200, used.status(), used.body().toString());
    assertEquals("CHECKED_IN", used.body().get("status").asText());
    clock.advance(Duration.ofMinutes(20)); // 10:25, past the grace period
    assertEquals("CHECKED_IN", status(day, "n2"));
    assertFalse(freeSlots(day).contains("10:00"));

    Answer byStaff = api().staff(agency).post(bookingPath(day, "n2") + "/cancellation", "{}");
    assertEquals(200, byStaff.status(), byStaff.body().toString());
    assertEquals("CANCELLED", byStaff.body().get("status").asText());
    // The resource was defined the day before the clock moved on to the booked day.
    String dayBefore = api().get("/api/v1/audit/" + today().minusDays(1)).body().toString();
    String trail = api().get("/api/v1/audit/" + today()).body().toString();
    assertTrue(dayBefore.contains("DEFINE_RESOURCE"), "staff's definitions are audited");
    assertTrue(trail.contains("CANCEL_BOOKING"), "staff's cancellations are audited");
  }

  // Helpers

  private Answer define(String resourceId, String json) {
    return api().staff(agency).put("/api/v1/agencies/" + agency + "/resources/" + resourceId, json);
  }

  private String patron(String municipality) {
    String card = Api.unique("C");
    Answer registered =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons",
                """
                {"cardNumber":"%s","pin":"1234","name":"Patron","homeAgencyId":"%s",
                 "municipality":"%s"}
                """
                    .formatted(card, agency, municipality));
    assertEquals(201, registered.status(), registered.body().toString());
    return card;
  }

  private String token(String card) {
    Answer session =
        api()
            .terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card));
    assertEquals(201, session.status(), session.body().toString());
    return session.body().get("token").asText();
  }

  private Answer book(String id, String card, String pin, LocalDate day, String start, int min) {
    return book(id, card, pin, day, start, min, "pc1");
  }

  private Answer book(
      String id, String card, String pin, LocalDate day, String start, int min, String resource) {
    return api()
        .terminal(agency)
        .post(
            "/api/v1/bookings",
            """
            {"bookingId":"%s","agencyId":"%s","resourceId":"%s","date":"%s","start":"%s",
             "minutes":%d,"cardNumber":"%s","pin":"%s"}
            """
                .formatted(id, agency, resource, day, start, min, card, pin));
  }

  private Answer checkIn(String id, LocalDate day, String card) {
    return api()
        .terminal(agency)
        .post(
            bookingPath(day, id) + "/check-in",
            "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card));
  }

  private String status(LocalDate day, String bookingId) {
    for (JsonNode b : api().staff(agency).get(dayPath(day)).body().get("bookings")) {
      if (b.get("bookingId").asText().equals(bookingId)) {
        return b.get("status").asText();
      }
    }
    return "none";
  }

  private List<String> freeSlots(LocalDate day) {
    Answer view = api().terminal(agency).get(dayPath(day));
    assertEquals(200, view.status(), view.body().toString());
    List<String> starts = new ArrayList<>();
    view.body().get("freeSlots").forEach(s -> starts.add(s.get("start").asText().substring(0, 5)));
    return starts;
  }

  private String dayPath(LocalDate day) {
    return "/api/v1/agencies/" + agency + "/resources/pc1/days/" + day;
  }

  private String bookingPath(LocalDate day, String bookingId) {
    return dayPath(day) + "/bookings/" + bookingId;
  }

  private static LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZONE);
  }

  private static LocalDate nextSunday() {
    LocalDate d = today().plusDays(1);
    while (d.getDayOfWeek() != java.time.DayOfWeek.SUNDAY) {
      d = d.plusDays(1);
    }
    return d;
  }
}
