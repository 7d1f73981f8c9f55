package dk.library.circulation.sip2;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One SIP2 2.00 message: its two-digit command, the fixed-length fields after it (kept as one
 * string, each handler knows its layout) and the variable fields ({@code AA...|}), with the
 * standard's error detection: {@code AY} sequence number and {@code AZ} checksum, both optional.
 */
record SipMessage(String command, String fixed, Map<String, String> fields, String sequence) {

  /** The standard's date and time: {@code YYYYMMDDZZZZHHMMSS}, zone four spaces for local time. */
  static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd'    'HHmmss");

  /** What a request that cannot be read turns into: answered by 96, resend. */
  static final class Unreadable extends Exception {
    Unreadable(String why) {
      super(why);
    }
  }

  String field(String code) {
    return fields.getOrDefault(code, "");
  }

  /**
   * Reads one message (without its carriage return). {@code fixedLength} gives the length of the
   * fixed part per command; a command it does not know has none.
   */
  static SipMessage parse(String text, Map<String, Integer> fixedLength) throws Unreadable {
    String line = text.strip();
    if (line.length() < 2) {
      throw new Unreadable("shorter than a command");
    }
    String sequence = null;
    int az = line.lastIndexOf("AZ");
    if (az >= 0 && az == line.length() - 6) {
      String expected = checksum(line.substring(0, az + 2));
      if (!expected.equalsIgnoreCase(line.substring(az + 2))) {
        throw new Unreadable("checksum");
      }
      int ay = line.lastIndexOf("AY", az);
      if (ay >= 0 && ay == az - 3) {
        sequence = line.substring(ay + 2, az);
        line = line.substring(0, ay);
      } else {
        line = line.substring(0, az);
      }
    }
    String command = line.substring(0, 2);
    int fixed = fixedLength.getOrDefault(command, 0);
    if (line.length() < 2 + fixed) {
      throw new Unreadable("fixed fields cut short");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    String rest = line.substring(2 + fixed);
    for (String part : rest.split("\\|")) {
      if (part.length() >= 2) {
        fields.putIfAbsent(part.substring(0, 2), part.substring(2));
      }
    }
    return new SipMessage(command, line.substring(2, 2 + fixed), fields, sequence);
  }

  /**
   * The checksum of everything up to and including {@code AZ}: the two's complement of the sum of
   * the characters, four hex digits.
   */
  static String checksum(String text) {
    int sum = 0;
    for (int i = 0; i < text.length(); i++) {
      sum += text.charAt(i);
    }
    return String.format("%04X", (-sum) & 0xFFFF);
  }

  /** A response: error detection added when the request used it, with its sequence number. */
  static String respond(String body, Optional<String> sequence) {
    if (sequence.isEmpty()) {
      return body;
    }
    String withSequence = body + "AY" + sequence.get() + "AZ";
    return withSequence + checksum(withSequence);
  }

  static String date(ZonedDateTime at) {
    return DATE.format(at);
  }

  static String date(LocalDate day, ZoneId zone) {
    return date(day.atTime(23, 59, 59).atZone(zone));
  }

  /** A variable field, its value cleared of the separator. */
  static String field(String code, String value) {
    return code + (value == null ? "" : value.replace("|", " ")) + "|";
  }

  /** A four-digit count, as the standard's item counts are. */
  static String count(int n) {
    return String.format("%04d", Math.min(n, 9999));
  }

  static String yesNo(boolean yes) {
    return yes ? "Y" : "N";
  }
}
