package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * R39: a deleted account's records outside the patron's own journal, erased after the patron has
 * recorded that its deletion began: the card index entries ({@code cardIds}, the patron's key
 * first), the copies that still remember a returned loan, the titles whose records name the patron
 * through a past hold, and the interlibrary requests and payment sessions that name it. Kept only
 * until the patron's journal itself is erased.
 */
public record AccountErasure(
    String patronKey,
    List<String> cardIds,
    List<PatronHistory.Returned> returned,
    List<String> heldTitles,
    Instant at,
    List<PatronHistory.NamedIn> namedIn)
    implements CborSerializable {

  /** Erasures begun before other records were recorded have none. */
  public AccountErasure {
    cardIds = List.copyOf(cardIds);
    returned = List.copyOf(returned);
    heldTitles = List.copyOf(heldTitles);
    namedIn = namedIn == null ? List.of() : List.copyOf(namedIn);
  }

  public AccountErasure(
      String patronKey,
      List<String> cardIds,
      List<PatronHistory.Returned> returned,
      List<String> heldTitles,
      Instant at) {
    this(patronKey, cardIds, returned, heldTitles, at, List.of());
  }
}
