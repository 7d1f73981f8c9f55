package dk.library.circulation.booking;

import dk.library.circulation.CborSerializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

/**
 * R44: something a patron books with card and PIN at one branch: a PC, a meeting room or a study
 * cell, and the rules for booking it. Defined by staff; a change applies to bookings made after it.
 *
 * @param capacity how many people it seats (one for a PC)
 * @param opens when the first slot of a day starts
 * @param closes when the last slot of a day ends
 * @param closedOn weekdays it cannot be booked
 * @param slotMinutes bookings start and end on these steps from {@code opens}
 * @param maxMinutes the longest one booking may be
 * @param daysAhead how far ahead a day may be booked (0: today only)
 * @param maxBookingsPerPatron bookings of this resource one patron may hold at once
 * @param residentsOnly R8: only residents of the agency's municipality may book it
 * @param refuseBlocked R32, R46: a patron blocked by fees or suspended may not book it
 * @param graceMinutes a booking not checked in this long after its start is released
 */
public record Resource(
    String resourceId,
    String branchId,
    Kind kind,
    String name,
    int capacity,
    LocalTime opens,
    LocalTime closes,
    List<DayOfWeek> closedOn,
    int slotMinutes,
    int maxMinutes,
    int daysAhead,
    int maxBookingsPerPatron,
    boolean residentsOnly,
    boolean refuseBlocked,
    int graceMinutes)
    implements CborSerializable {

  public enum Kind {
    PC,
    MEETING_ROOM,
    STUDY_CELL
  }

  public Resource {
    closedOn = List.copyOf(closedOn);
  }

  public boolean openOn(LocalDate day) {
    return !closedOn.contains(day.getDayOfWeek());
  }

  /** What spans fields: empty when the definition is consistent. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!opens.isBefore(closes)) {
      problems.add("opens (" + opens + ") must be before closes (" + closes + ")");
    } else if ((closes.toSecondOfDay() - opens.toSecondOfDay()) % (slotMinutes * 60) != 0) {
      problems.add("the hours from opens to closes must be a whole number of slots");
    }
    if (maxMinutes % slotMinutes != 0) {
      problems.add("maxMinutes must be a whole number of slots of " + slotMinutes + " minutes");
    }
    if (graceMinutes > maxMinutes) {
      problems.add("graceMinutes must not exceed maxMinutes");
    }
    return problems;
  }
}
