package dk.library.circulation.desk;

import dk.library.circulation.booking.Booking;
import dk.library.circulation.booking.BookingRules;
import dk.library.circulation.booking.Resource;
import java.time.LocalDate;
import java.util.List;

/**
 * A resource on one day: its free slots and, for staff, its bookings (never who made them). {@code
 * bookings} is null for callers other than staff.
 */
public record ResourceDayView(
    Resource resource, LocalDate day, List<BookingRules.Slot> freeSlots, List<Booking> bookings) {}
