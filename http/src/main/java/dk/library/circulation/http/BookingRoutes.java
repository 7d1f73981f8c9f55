package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.BOOK_RESOURCE;
import static dk.library.circulation.access.Operation.CANCEL_BOOKING;
import static dk.library.circulation.access.Operation.CHECK_IN_BOOKING;
import static dk.library.circulation.access.Operation.MANAGE_RESOURCES;
import static dk.library.circulation.access.Operation.READ_RESOURCES;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.Operation;
import dk.library.circulation.booking.Resource;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.BookingDesk;
import dk.library.circulation.desk.BookingRequest;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.patron.PatronRules;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Bookable resources and bookings (R44): staff define their branches' PCs, meeting rooms and study
 * cells; terminals (card + PIN) and patrons (their own token) book, cancel and check in. See
 * docs/api.md, "Bookings".
 */
final class BookingRoutes extends ApiDirectives {

  private static final String RESOURCES = "/api/v1/agencies/{agencyId}/resources";
  private static final String BOOKING =
      RESOURCES + "/{resourceId}/days/{date}/bookings/{bookingId}";

  private final BookingDesk bookings;

  BookingRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.bookings = desk.bookings();
  }

  Route routes(Call call) {
    return concat(
        path(
            "bookings",
            () ->
                post(
                    () ->
                        named(
                            "/api/v1/bookings",
                            () -> allowed(call, BOOK_RESOURCE, () -> withBody(call, this::book))))),
        pathPrefix(
            "agencies",
            () ->
                pathPrefix(
                    segment(),
                    agency ->
                        pathPrefix(
                            "resources",
                            () ->
                                withId(
                                    agency,
                                    "agencyId",
                                    Forms.AGENCY_ID,
                                    Forms.AGENCY_ID_TEXT,
                                    a -> resources(call, a))))));
  }

  private Route resources(Call call, String agency) {
    return concat(
        pathEnd(
            () ->
                get(
                    () ->
                        named(
                            RESOURCES,
                            () ->
                                allowed(
                                    call,
                                    READ_RESOURCES,
                                    () ->
                                        parameterOptional(
                                            "date",
                                            date ->
                                                parameterOptional(
                                                    "branchId",
                                                    branch ->
                                                        list(call, agency, date, branch))))))),
        pathPrefix(
            segment(),
            resource ->
                withId(
                    resource,
                    "resourceId",
                    Forms.ID,
                    Forms.ID_TEXT,
                    r -> oneResource(call, agency, r))));
  }

  private Route oneResource(Call call, String agency, String resource) {
    return concat(
        pathEnd(
            () ->
                put(
                    () ->
                        named(
                            RESOURCES + "/{resourceId}",
                            () ->
                                allowed(
                                    call,
                                    MANAGE_RESOURCES,
                                    () ->
                                        withBody(
                                            call,
                                            (c, body) -> define(c, agency, resource, body)))))),
        pathPrefix(
            "days",
            () ->
                pathPrefix(
                    segment(),
                    dateText ->
                        withDate(dateText, day -> resourceDay(call, agency, resource, day)))));
  }

  private Route resourceDay(Call call, String agency, String resource, LocalDate day) {
    return concat(
        pathEnd(
            () ->
                get(
                    () ->
                        named(
                            RESOURCES + "/{resourceId}/days/{date}",
                            () ->
                                allowed(
                                    call,
                                    READ_RESOURCES,
                                    () ->
                                        inScope(
                                            call,
                                            READ_RESOURCES,
                                            agency,
                                            () ->
                                                answer(
                                                    bookings.resourceDay(
                                                        agency, resource, day, isStaff(call)),
                                                    StatusCodes.OK)))))),
        pathPrefix(
            "bookings",
            () ->
                pathPrefix(
                    segment(),
                    booking ->
                        withId(
                            booking,
                            "bookingId",
                            Forms.ID,
                            Forms.ID_TEXT,
                            b -> oneBooking(call, new DayIds(agency, resource, day, b))))));
  }

  private Route oneBooking(Call call, DayIds ids) {
    return concat(
        bookingAction(call, "cancellation", CANCEL_BOOKING, (c, body) -> cancel(c, ids, body)),
        bookingAction(call, "check-in", CHECK_IN_BOOKING, (c, body) -> checkIn(c, ids, body)));
  }

  private Route bookingAction(Call call, String name, Operation operation, BodyHandler handler) {
    return path(
        name,
        () ->
            post(
                () ->
                    named(
                        BOOKING + "/" + name,
                        () -> allowed(call, operation, () -> withBody(call, handler)))));
  }

  private record DayIds(String agencyId, String resourceId, LocalDate day, String bookingId) {}

  private Route withDate(String text, Function<LocalDate, Route> inner) {
    LocalDate day = Times.date(text);
    return day != null
        ? inner.apply(day)
        : complete(
            problem(
                Problem.invalidRequest(
                    List.of(new Problem.FieldError("date", "must be " + Forms.DATE_TEXT)))));
  }

  private static boolean isStaff(Call call) {
    return call.caller().role() == Role.STAFF;
  }

  private Route inScope(
      Call call,
      Operation operation,
      String agency,
      Supplier<CompletionStage<HttpResponse>> action) {
    return operation.permits(call.caller(), agency)
        ? completeWithFuture(recover(action.get()))
        : complete(outsideScope(call, agency));
  }

  // Resources

  private Route list(Call call, String agency, Optional<String> date, Optional<String> branch) {
    LocalDate day = date.map(Times::date).orElse(null);
    if (date.isPresent() && day == null) {
      return complete(
          problem(
              Problem.invalidRequest(
                  List.of(new Problem.FieldError("date", "must be " + Forms.DATE_TEXT)))));
    }
    if (branch.isPresent() && !Forms.BRANCH_ID.matcher(branch.get()).matches()) {
      return complete(
          problem(
              Problem.invalidRequest(
                  List.of(new Problem.FieldError("branchId", "must be " + Forms.BRANCH_ID_TEXT)))));
    }
    return inScope(
        call,
        READ_RESOURCES,
        agency,
        () ->
            answer(
                bookings.resources(agency, branch.orElse(null), day, isStaff(call)),
                StatusCodes.OK));
  }

  private CompletionStage<HttpResponse> define(
      Call call, String agency, String resourceId, RequestBody body) throws RequestBody.Invalid {
    String branchId = body.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT);
    String kind = body.text("kind", Forms.RESOURCE_KIND, Forms.RESOURCE_KIND_TEXT);
    String name = body.text("name", Forms.NAME, Forms.NAME_TEXT);
    int capacity = body.optionalInteger("capacity", 1, 500, 1);
    LocalTime opens = Times.time(body, "opens");
    LocalTime closes = Times.time(body, "closes");
    List<DayOfWeek> closedOn =
        body.optionalTextList("closedOn", Forms.WEEKDAY, Forms.WEEKDAY_TEXT, 7).stream()
            .map(DayOfWeek::valueOf)
            .distinct()
            .toList();
    int slotMinutes = body.optionalInteger("slotMinutes", 5, 240, 60);
    int maxMinutes = body.optionalInteger("maxMinutes", 5, 1440, 120);
    int daysAhead = body.optionalInteger("daysAhead", 0, 365, 14);
    int maxBookings = body.optionalInteger("maxBookingsPerPatron", 1, 100, 2);
    boolean residentsOnly = body.optionalBoolean("residentsOnly", false);
    boolean refuseBlocked = body.optionalBoolean("refuseBlocked", true);
    int graceMinutes = body.optionalInteger("graceMinutes", 0, 240, 15);
    body.finish();
    Resource resource =
        new Resource(
            resourceId,
            branchId,
            Resource.Kind.valueOf(kind),
            name,
            capacity,
            opens,
            closes,
            closedOn,
            slotMinutes,
            maxMinutes,
            daysAhead,
            maxBookings,
            residentsOnly,
            refuseBlocked,
            graceMinutes);
    resource.problems().forEach(body::objectError);
    body.finish();
    if (!MANAGE_RESOURCES.permits(call.caller(), agency)) {
      return CompletableFuture.completedFuture(outsideScope(call, agency));
    }
    return audited(
        call,
        "DEFINE_RESOURCE",
        "resource " + resourceId + " at " + agency + "/" + branchId,
        answer(bookings.define(agency, resource, call.caller().clientId()), StatusCodes.OK));
  }

  // Bookings

  private CompletionStage<HttpResponse> book(Call call, RequestBody body)
      throws RequestBody.Invalid {
    String bookingId = body.text("bookingId", Forms.ID, Forms.ID_TEXT);
    String agency = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    String resource = body.text("resourceId", Forms.ID, Forms.ID_TEXT);
    LocalDate day = Times.date(body, "date", true);
    LocalTime start = Times.time(body, "start");
    int minutes = body.integer("minutes", 1, 1440);
    String card = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String pin = pin(call, body);
    body.finish();
    BookingRequest request =
        new BookingRequest(bookingId, agency, resource, day, start, minutes, card, pin);
    return forCard(
        call, BOOK_RESOURCE, agency, card, pin, StatusCodes.CREATED, () -> bookings.book(request));
  }

  /** A terminal proves the card with its PIN; a patron's token already proved it. */
  private static String pin(Call call, RequestBody body) {
    return call.caller().role() == Role.TERMINAL
        ? body.text("pin", Forms.PIN, Forms.PIN_TEXT)
        : body.optionalText("pin", Forms.PIN, Forms.PIN_TEXT);
  }

  private CompletionStage<HttpResponse> cancel(Call call, DayIds ids, RequestBody body)
      throws RequestBody.Invalid {
    boolean staff = isStaff(call);
    String card = staff ? null : body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String pin = staff ? null : pin(call, body);
    body.finish();
    if (staff) {
      if (!CANCEL_BOOKING.permits(call.caller(), ids.agencyId())) {
        return CompletableFuture.completedFuture(outsideScope(call, ids.agencyId()));
      }
      return audited(
          call,
          "CANCEL_BOOKING",
          "booking " + ids.bookingId() + " of " + ids.resourceId() + " on " + ids.day(),
          answer(
              bookings.cancel(
                  ids.agencyId(), ids.resourceId(), ids.day(), ids.bookingId(), null, null),
              StatusCodes.OK));
    }
    return forCard(
        call,
        CANCEL_BOOKING,
        ids.agencyId(),
        card,
        pin,
        StatusCodes.OK,
        () ->
            bookings.cancel(
                ids.agencyId(), ids.resourceId(), ids.day(), ids.bookingId(), card, pin));
  }

  private CompletionStage<HttpResponse> checkIn(Call call, DayIds ids, RequestBody body)
      throws RequestBody.Invalid {
    String card = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String pin = body.text("pin", Forms.PIN, Forms.PIN_TEXT);
    body.finish();
    return forCard(
        call,
        CHECK_IN_BOOKING,
        ids.agencyId(),
        card,
        pin,
        StatusCodes.OK,
        () ->
            bookings.checkIn(
                ids.agencyId(), ids.resourceId(), ids.day(), ids.bookingId(), card, pin));
  }

  /**
   * A patron's token acts only for its own card (another card answers as unknown); a terminal only
   * at its own agencies, with its PIN counted towards the guessing limits (R4).
   */
  private <T> CompletionStage<HttpResponse> forCard(
      Call call,
      Operation operation,
      String agency,
      String card,
      String pin,
      StatusCode success,
      Supplier<CompletionStage<Result<T>>> action) {
    if (call.caller().role() == Role.PATRON) {
      return card.equals(call.caller().cardNumber())
          ? answer(action.get(), success)
          : CompletableFuture.completedFuture(
              answer(Result.refused(PatronRules.notFound(card)), StatusCodes.OK));
    }
    if (!operation.permits(call.caller(), agency)) {
      return CompletableFuture.completedFuture(outsideScope(call, agency));
    }
    return answer(pin == null ? action.get() : pinGuarded(call, card, action), success);
  }
}
