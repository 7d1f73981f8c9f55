package dk.library.circulation.patron;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Events and snapshots persisted while the patron's events and state were nested in {@link Patron}
 * ({@code Patron$Registered}, {@code Patron$State}) are read as {@link PatronEvent} and {@link
 * PatronState}: the same fields under a new class name (serialization.conf lists the old names).
 */
public final class PatronRenames extends JacksonMigration {

  private static final String OLD_PREFIX = Patron.class.getName() + "$";

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    String simple = className.substring(OLD_PREFIX.length());
    return simple.equals("State")
        ? PatronState.class.getName()
        : PatronEvent.class.getName() + "$" + simple;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
