package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * R41: what the patron asked of their data beyond access and erasure. {@code restriction}: the
 * processing is restricted (the account is kept, but lends, renews and reserves nothing and is not
 * deleted as idle) until staff lift it; {@code objections}: each objection recorded, with what it
 * concerns and who took it.
 */
public record DataRights(Restriction restriction, List<Objection> objections)
    implements CborSerializable {

  public record Restriction(String reason, String restrictedBy, Instant since)
      implements CborSerializable {}

  public record Objection(
      String objectionId, String concerning, String text, String recordedBy, Instant at)
      implements CborSerializable {}

  public static final DataRights NONE = new DataRights(null, List.of());

  public DataRights {
    objections = objections == null ? List.of() : List.copyOf(objections);
  }

  DataRights restricted(Restriction next) {
    return new DataRights(next, objections);
  }

  DataRights withObjection(Objection objection) {
    if (objections.stream().anyMatch(o -> o.objectionId().equals(objection.objectionId()))) {
      return this;
    }
    List<Objection> next = new ArrayList<>(objections);
    next.add(objection);
    return new DataRights(restriction, next);
  }
}
