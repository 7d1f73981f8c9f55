package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * R39: a deleted account's records outside the patron's own journal, erased after the patron has
 * recorded that its deletion began: the card index entries ({@code cardIds}, the patron's key
 * first), the copies that still remember a returned loan, and the titles whose records name the
 * patron through a past hold. Kept only until the patron's journal itself is erased.
 */
public record AccountErasure(
    String patronKey,
    List<String> cardIds,
    List<PatronHistory.Returned> returned,
    List<String> heldTitles,
    Instant at)
    implements CborSerializable {

  public AccountErasure {
    cardIds = List.copyOf(cardIds);
    returned = List.copyOf(returned);
    heldTitles = List.copyOf(heldTitles);
  }
}
