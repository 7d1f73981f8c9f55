package dk.library.circulation.title;

import dk.library.circulation.CborSerializable;
import java.util.Map;

/**
 * A message the title owes a patron, persisted with the event that made it due and handed over
 * until the patron confirms (at least once; the patron ignores a repeat by its id): a notice for
 * the patron's outbox (R26), or word that a hold has left the queue, freeing a reservation (R21).
 */
public record Dispatch(
    String dispatchId,
    String patronKey,
    Kind kind,
    String holdId,
    String templateKey,
    Map<String, String> data)
    implements CborSerializable {

  public enum Kind {
    NOTICE,
    HOLD_ENDED
  }

  public Dispatch {
    data = Map.copyOf(data);
  }

  static Dispatch notice(
      String holdId, String patronKey, String templateKey, Map<String, String> data) {
    return new Dispatch(
        holdId + ":" + templateKey, patronKey, Kind.NOTICE, holdId, templateKey, data);
  }

  static Dispatch holdEnded(String holdId, String patronKey) {
    return new Dispatch(holdId + ":ended", patronKey, Kind.HOLD_ENDED, holdId, null, Map.of());
  }
}
