package dk.library.circulation.ill;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Events and snapshots persisted while the request's events and state were nested in {@link
 * InterlibraryRequest} ({@code InterlibraryRequest$Created}, {@code InterlibraryRequest$State}) are
 * read as {@link InterlibraryRequestEvent} and {@link InterlibraryRequestState}: the same fields
 * under a new class name (serialization.conf lists the old names).
 */
public final class InterlibraryRequestRenames extends JacksonMigration {

  private static final String OLD_PREFIX = InterlibraryRequest.class.getName() + "$";

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    String simple = className.substring(OLD_PREFIX.length());
    return simple.equals("State")
        ? InterlibraryRequestState.class.getName()
        : InterlibraryRequestEvent.class.getName() + "$" + simple;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
