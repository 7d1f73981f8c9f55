package dk.library.circulation.booking;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalTime;

/**
 * One booking of a resource on one day. {@code patronKey} never leaves the core: views show the
 * booking without it.
 *
 * @param releaseAt when the booking is released unless checked in by then
 */
public record Booking(
    String bookingId,
    String patronKey,
    LocalTime start,
    LocalTime end,
    Instant startsAt,
    Instant releaseAt,
    Status status,
    Instant bookedAt)
    implements CborSerializable {

  public enum Status {
    BOOKED,
    CHECKED_IN,
    CANCELLED,
    RELEASED
  }

  /** Whether the booking keeps its time from others at {@code now}: a no-show's time is free. */
  public boolean holdsTimeAt(Instant now) {
    return status == Status.CHECKED_IN || (status == Status.BOOKED && now.isBefore(releaseAt));
  }

  public boolean overlaps(LocalTime otherStart, LocalTime otherEnd) {
    return start.isBefore(otherEnd) && otherStart.isBefore(end);
  }

  Booking with(Status newStatus) {
    return new Booking(bookingId, patronKey, start, end, startsAt, releaseAt, newStatus, bookedAt);
  }

  /** The booking as the API shows it. */
  public Booking anonymous() {
    return new Booking(bookingId, null, start, end, startsAt, releaseAt, status, bookedAt);
  }
}
