package dk.library.circulation.title;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Events and snapshots persisted while the title's events and state were nested in {@link Title}
 * ({@code Title$HoldPlaced}, {@code Title$State}) are read as {@link TitleEvent} and {@link
 * TitleState}: the same fields under a new class name (serialization.conf lists the old names).
 */
public final class TitleRenames extends JacksonMigration {

  private static final String OLD_PREFIX = Title.class.getName() + "$";

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    String simple = className.substring(OLD_PREFIX.length());
    return simple.equals("State")
        ? TitleState.class.getName()
        : TitleEvent.class.getName() + "$" + simple;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
