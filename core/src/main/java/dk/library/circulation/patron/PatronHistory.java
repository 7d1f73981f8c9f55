package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * R40: what a patron keeps of loans already returned, each until its window ends, and whether the
 * journal still holds events from before the last forgetting ({@code erasePending}: they are erased
 * once the snapshot that replaces them is durable, see {@link Patron}).
 */
public record PatronHistory(List<Returned> returned, boolean erasePending)
    implements CborSerializable {

  /** A returned loan, kept until {@code keptUntil} (R40). */
  public record Returned(String barcode, String checkoutId, Instant returnedAt, Instant keptUntil)
      implements CborSerializable {}

  public static final PatronHistory EMPTY = new PatronHistory(List.of(), false);

  public PatronHistory {
    returned = returned == null ? List.of() : List.copyOf(returned);
  }

  PatronHistory withReturned(Returned r) {
    List<Returned> next = new ArrayList<>(returned);
    next.add(r);
    return new PatronHistory(next, erasePending);
  }

  PatronHistory forgetting(List<String> checkoutIds) {
    return new PatronHistory(
        returned.stream().filter(r -> !checkoutIds.contains(r.checkoutId())).toList(), true);
  }

  PatronHistory erased() {
    return new PatronHistory(returned, false);
  }
}
