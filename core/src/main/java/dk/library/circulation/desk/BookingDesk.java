package dk.library.circulation.desk;

import static dk.library.circulation.Rejection.Code.RESOURCE_NOT_FOUND;
import static dk.library.circulation.desk.CirculationDesk.done;
import static dk.library.circulation.desk.CirculationDesk.whenOk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.booking.Booking;
import dk.library.circulation.booking.BookingRules;
import dk.library.circulation.booking.PatronBookings;
import dk.library.circulation.booking.Resource;
import dk.library.circulation.booking.ResourceCatalogue;
import dk.library.circulation.booking.ResourceDay;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronReply;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Bookings of PCs, meeting rooms and study cells (R44) across the agency's resource catalogue, the
 * patron, the patron's bookings and the resource's day. The day is the single writer of its time,
 * so two bookings of the same time never both succeed; see docs/architecture.md, "Bookings".
 */
public final class BookingDesk {

  private final CirculationDesk desk;

  BookingDesk(CirculationDesk desk) {
    this.desk = desk;
  }

  // The agency's resources

  /** Staff define a resource of one of the agency's branches, or change its definition. */
  public CompletionStage<Result<Resource>> define(
      String agencyId, Resource resource, String definedBy) {
    return whenOk(
        desk.branch(agencyId, resource.branchId()),
        agency ->
            desk.<ResourceCatalogue.Command, ResourceCatalogue.Reply>ask(
                    catalogueRef(agencyId),
                    r -> new ResourceCatalogue.Define(resource, definedBy, r))
                .thenApply(defined -> Result.ok(resource)));
  }

  /**
   * The agency's resources (of one branch, if given) with their free slots on {@code day} (null:
   * today).
   */
  public CompletionStage<Result<List<ResourceDayView>>> resources(
      String agencyId, String branchId, LocalDate day, boolean withBookings) {
    LocalDate date =
        day != null
            ? day
            : LocalDate.ofInstant(desk.settings().clock().instant(), desk.settings().zone());
    return whenOk(
        desk.agency(agencyId),
        agency ->
            catalogue(agencyId)
                .thenCompose(
                    resources -> {
                      CompletableFuture<List<ResourceDayView>> all =
                          CompletableFuture.completedFuture(new ArrayList<>());
                      for (Resource resource : resources) {
                        if (branchId == null || branchId.equals(resource.branchId())) {
                          all =
                              all.thenCombine(
                                  dayView(agencyId, resource, date, withBookings)
                                      .toCompletableFuture(),
                                  (list, view) -> {
                                    list.add(view);
                                    return list;
                                  });
                        }
                      }
                      return all.thenApply(Result::ok);
                    }));
  }

  /** One resource on one day. */
  public CompletionStage<Result<ResourceDayView>> resourceDay(
      String agencyId, String resourceId, LocalDate day, boolean withBookings) {
    return whenOk(
        resource(agencyId, resourceId),
        resource -> dayView(agencyId, resource, day, withBookings).thenApply(Result::ok));
  }

  private CompletionStage<ResourceDayView> dayView(
      String agencyId, Resource resource, LocalDate day, boolean withBookings) {
    return desk.<ResourceDay.Command, ResourceDay.Reply>ask(
            dayRef(agencyId, resource.resourceId(), day), ResourceDay.GetDay::new)
        .thenApply(
            reply -> {
              List<Booking> bookings = ((ResourceDay.DayReply) reply).bookings();
              Instant now = desk.settings().clock().instant();
              return new ResourceDayView(
                  resource,
                  day,
                  BookingRules.freeSlots(resource, day, bookings, now, desk.settings().zone()),
                  withBookings ? bookings.stream().map(Booking::anonymous).toList() : null);
            });
  }

  private CompletionStage<List<Resource>> catalogue(String agencyId) {
    return desk.<ResourceCatalogue.Command, ResourceCatalogue.Reply>ask(
            catalogueRef(agencyId), ResourceCatalogue.Get::new)
        .thenApply(reply -> ((ResourceCatalogue.Catalogue) reply).resources());
  }

  private CompletionStage<Result<Resource>> resource(String agencyId, String resourceId) {
    return whenOk(
        desk.agency(agencyId),
        agency ->
            catalogue(agencyId)
                .thenApply(
                    resources ->
                        resources.stream()
                            .filter(r -> r.resourceId().equals(resourceId))
                            .findFirst()
                            .map(Result::ok)
                            .orElseGet(
                                () ->
                                    Result.refused(
                                        Rejection.of(
                                            RESOURCE_NOT_FOUND,
                                            "agency "
                                                + agencyId
                                                + " has no bookable resource "
                                                + resourceId)))));
  }

  // Booking, in protocol order

  /**
   * R44, in order: the resource's rules for the time asked; the card and PIN (or the patron's
   * token); R8 residency and R32/R46 blocks where the resource asks them; the no-show deadline
   * indexed; the patron's count of bookings of the resource; the day's time. A day that refuses
   * frees the count again. Every step is idempotent under the booking id, so a retry after a crash
   * between steps finishes the booking, and a count left behind lapses when the booking would have
   * ended.
   */
  public CompletionStage<Result<Booking>> book(BookingRequest request) {
    return whenOk(
        resource(request.agencyId(), request.resourceId()),
        resource -> {
          Instant now = desk.settings().clock().instant();
          Rejection outside =
              BookingRules.requestRefusal(
                  resource,
                  request.day(),
                  request.start(),
                  request.minutes(),
                  now,
                  desk.settings().zone());
          if (outside != null) {
            return done(outside);
          }
          return desk.withPatronKey(
              request.cardNumber(),
              key ->
                  whenOk(
                      patron(key, request.pin()),
                      status ->
                          whenOk(
                              desk.policy(request.agencyId()),
                              version -> {
                                Rejection refused =
                                    BookingRules.patronRefusal(
                                        resource,
                                        status.facts(),
                                        status.blocks(),
                                        version.policy().eligibility().municipality());
                                return refused != null
                                    ? done(refused)
                                    : reserve(request, resource, key);
                              })));
        });
  }

  private CompletionStage<Result<Booking>> reserve(
      BookingRequest request, Resource resource, String key) {
    LocalTime end = request.start().plusMinutes(request.minutes());
    Instant startsAt =
        request.day().atTime(request.start()).atZone(desk.settings().zone()).toInstant();
    Instant endsAt = request.day().atTime(end).atZone(desk.settings().zone()).toInstant();
    Instant releaseAt = BookingRules.releaseAt(resource, startsAt);
    String dayId = ResourceDay.entityId(request.agencyId(), request.resourceId(), request.day());
    PatronBookings.Entry entry =
        new PatronBookings.Entry(
            request.bookingId(),
            request.agencyId(),
            request.resourceId(),
            request.day(),
            request.start(),
            end,
            endsAt);
    DeadlineIndex index = desk.settings().deadlines();
    return index
        .schedule(new DeadlineIndex.Deadline(ResourceDay.deadlineTarget(dayId), releaseAt))
        .thenCompose(
            indexed ->
                index.schedule(
                    new DeadlineIndex.Deadline(
                        ResourceDay.deadlineTarget(dayId),
                        ResourceDay.keptUntil(dayId, desk.settings().zone()))))
        .thenCompose(
            indexed ->
                countAsk(
                    key,
                    r -> new PatronBookings.Reserve(entry, resource.maxBookingsPerPatron(), r)))
        .thenCompose(
            counted ->
                counted instanceof Result.Refused<List<PatronBookings.Entry>> refused
                    ? done(refused.rejection())
                    : dayAsk(
                            dayId,
                            r ->
                                new ResourceDay.Book(
                                    request.bookingId(),
                                    key,
                                    request.start(),
                                    end,
                                    startsAt,
                                    releaseAt,
                                    r))
                        .thenCompose(
                            booked ->
                                booked instanceof Result.Refused<Booking>
                                    ? release(key, request.bookingId()).thenApply(r -> booked)
                                    : CompletableFuture.completedFuture(booked)))
        .thenApply(BookingDesk::anonymous);
  }

  /**
   * The booker cancels with card and PIN (or their token); staff, with no card, cancel any booking
   * of their agency's resources. The patron's count is freed either way.
   */
  public CompletionStage<Result<Booking>> cancel(
      String agencyId,
      String resourceId,
      LocalDate day,
      String bookingId,
      String cardNumber,
      String pin) {
    String dayId = ResourceDay.entityId(agencyId, resourceId, day);
    if (cardNumber == null) {
      return whenOk(
              dayAsk(dayId, r -> new ResourceDay.Cancel(bookingId, null, r)),
              booking -> release(booking.patronKey(), bookingId).thenApply(r -> Result.ok(booking)))
          .thenApply(BookingDesk::anonymous);
    }
    return desk.withPatronKey(
            cardNumber,
            key ->
                whenOk(
                    patron(key, pin),
                    status ->
                        whenOk(
                            dayAsk(dayId, r -> new ResourceDay.Cancel(bookingId, key, r)),
                            booking -> release(key, bookingId).thenApply(r -> Result.ok(booking)))))
        .thenApply(BookingDesk::anonymous);
  }

  /** The patron arrives at the PC or room and checks in with card and PIN. */
  public CompletionStage<Result<Booking>> checkIn(
      String agencyId,
      String resourceId,
      LocalDate day,
      String bookingId,
      String cardNumber,
      String pin) {
    String dayId = ResourceDay.entityId(agencyId, resourceId, day);
    return desk.withPatronKey(
            cardNumber,
            key ->
                whenOk(
                    patron(key, pin),
                    status -> dayAsk(dayId, r -> new ResourceDay.CheckIn(bookingId, key, r))))
        .thenApply(BookingDesk::anonymous);
  }

  /** The patron's bookings that have not ended, earliest first. */
  public CompletionStage<Result<List<PatronBookings.Entry>>> bookingsOf(String cardNumber) {
    return desk.withPatronKey(cardNumber, key -> countAsk(key, PatronBookings.GetBookings::new));
  }

  /**
   * The no-show deadline of a day: its released bookings stop counting for their patrons. Once the
   * day's window has ended (R40), the day's whole record is erased instead.
   */
  CompletionStage<Done> wake(String target) {
    String dayId = target.substring(ResourceDay.deadlineTarget("").length());
    if (!desk.now().isBefore(ResourceDay.keptUntil(dayId, desk.settings().zone()))) {
      return desk.<ResourceDay.Command, ResourceDay.Reply>ask(
              dayRef(dayId), ResourceDay.EraseDay::new)
          .thenApply(
              reply -> {
                if (!(reply instanceof ResourceDay.Gone)) {
                  throw new IllegalStateException("day " + dayId + " not erased: " + reply);
                }
                return Done.getInstance();
              });
    }
    return desk.<ResourceDay.Command, ResourceDay.Reply>ask(
            dayRef(dayId), ResourceDay.DeadlineReached::new)
        .thenCompose(
            reply -> {
              CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
              for (Booking released : ((ResourceDay.ReleasedReply) reply).released()) {
                all =
                    all.thenCompose(
                        done ->
                            release(released.patronKey(), released.bookingId())
                                .thenApply(r -> Done.getInstance()));
              }
              return all;
            });
  }

  static boolean isTarget(String target) {
    return target.startsWith(ResourceDay.deadlineTarget(""));
  }

  // Entities

  /** The patron's status, with the PIN checked when one is given (R4). */
  private CompletionStage<Result<PatronReply.Status>> patron(String key, String pin) {
    return desk.<PatronCommand, PatronReply>ask(
            desk.patronRef(key),
            r -> pin == null ? new PatronCommand.GetStatus(r) : new PatronCommand.CheckPin(pin, r))
        .thenApply(CirculationDesk::patronStatus);
  }

  private CompletionStage<Result<List<PatronBookings.Entry>>> release(
      String key, String bookingId) {
    return countAsk(key, r -> new PatronBookings.Release(bookingId, r));
  }

  private CompletionStage<Result<List<PatronBookings.Entry>>> countAsk(
      String key, Function<ActorRef<PatronBookings.Reply>, PatronBookings.Command> command) {
    return desk.<PatronBookings.Command, PatronBookings.Reply>ask(
            desk.sharding().entityRefFor(PatronBookings.ENTITY_TYPE_KEY, key), command::apply)
        .thenApply(
            reply ->
                reply instanceof PatronBookings.Bookings bookings
                    ? Result.ok(bookings.entries())
                    : Result.refused(((PatronBookings.Rejected) reply).rejection()));
  }

  private CompletionStage<Result<Booking>> dayAsk(
      String dayId, Function<ActorRef<ResourceDay.Reply>, ResourceDay.Command> command) {
    return desk.<ResourceDay.Command, ResourceDay.Reply>ask(dayRef(dayId), command::apply)
        .thenApply(
            reply ->
                reply instanceof ResourceDay.BookingReply booking
                    ? Result.ok(booking.booking())
                    : Result.refused(((ResourceDay.Rejected) reply).rejection()));
  }

  private EntityRef<ResourceDay.Command> dayRef(String agencyId, String resourceId, LocalDate day) {
    return dayRef(ResourceDay.entityId(agencyId, resourceId, day));
  }

  private EntityRef<ResourceDay.Command> dayRef(String dayId) {
    return desk.sharding().entityRefFor(ResourceDay.ENTITY_TYPE_KEY, dayId);
  }

  private EntityRef<ResourceCatalogue.Command> catalogueRef(String agencyId) {
    return desk.sharding().entityRefFor(ResourceCatalogue.ENTITY_TYPE_KEY, agencyId);
  }

  /** Patron keys may be keyed hashes of CPR numbers (R3): they never leave the core. */
  private static Result<Booking> anonymous(Result<Booking> result) {
    return result.map(Booking::anonymous);
  }
}
