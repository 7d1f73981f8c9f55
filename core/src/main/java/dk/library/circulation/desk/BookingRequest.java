package dk.library.circulation.desk;

import java.time.LocalDate;
import java.time.LocalTime;

/**
 * R44: a booking of {@code minutes} from {@code start} on {@code day}. {@code pin} is null when the
 * patron's own token proves the card.
 */
public record BookingRequest(
    String bookingId,
    String agencyId,
    String resourceId,
    LocalDate day,
    LocalTime start,
    int minutes,
    String cardNumber,
    String pin) {}
