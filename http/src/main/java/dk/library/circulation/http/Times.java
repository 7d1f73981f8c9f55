package dk.library.circulation.http;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/** Dates and times of day in request bodies and paths, checked by form and by the calendar. */
final class Times {

  private Times() {}

  /** A date field; null (with the field's error) when absent and required, or not a date. */
  static LocalDate date(RequestBody body, String field, boolean required) {
    String text =
        required
            ? body.text(field, Forms.DATE, Forms.DATE_TEXT)
            : body.optionalText(field, Forms.DATE, Forms.DATE_TEXT);
    LocalDate date = text == null ? null : date(text);
    if (text != null && date == null) {
      body.error(field, "is not a date in the calendar");
    }
    return date;
  }

  /** A date in a path or query: null when it is not one. */
  static LocalDate date(String text) {
    if (text == null || !Forms.DATE.matcher(text).matches()) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static LocalTime time(RequestBody body, String field) {
    String text = body.text(field, Forms.TIME, Forms.TIME_TEXT);
    return text == null ? null : LocalTime.parse(text);
  }
}
