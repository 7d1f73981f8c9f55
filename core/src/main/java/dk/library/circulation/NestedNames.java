package dk.library.circulation;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Events and snapshots persisted while an entity's events and state were nested in its class
 * ({@code Item$Lent}, {@code Item$State}) are read under their new names ({@code ItemEvent$Lent},
 * {@code ItemState}): the same fields under another class name. One subclass per entity, named in
 * serialization.conf against each old name.
 */
public abstract class NestedNames extends JacksonMigration {

  private final String oldPrefix;
  private final String events;
  private final String state;

  protected NestedNames(Class<?> entity, Class<?> events, Class<?> state) {
    this.oldPrefix = entity.getName() + "$";
    this.events = events.getName() + "$";
    this.state = state.getName();
  }

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    String simple = className.substring(oldPrefix.length());
    return simple.equals("State") ? state : events + simple;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
