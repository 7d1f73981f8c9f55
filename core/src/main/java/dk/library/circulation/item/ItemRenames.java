package dk.library.circulation.item;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Events and snapshots persisted while the item's events and state were nested in {@link Item}
 * ({@code Item$Lent}, {@code Item$State}) are read as {@link ItemEvent} and {@link ItemState}: the
 * same fields under a new class name (serialization.conf lists the old names).
 */
public final class ItemRenames extends JacksonMigration {

  private static final String OLD_PREFIX = Item.class.getName() + "$";

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    String simple = className.substring(OLD_PREFIX.length());
    return simple.equals("State")
        ? ItemState.class.getName()
        : ItemEvent.class.getName() + "$" + simple;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
