package dk.library.circulation.patron;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * R39, R40: the records outside a patron's own journal that name it, as a deleted account, or a
 * hold whose window ended, needs them handled; the desk wires them to the card index, the copies,
 * the titles and the visit log. Each call is idempotent: an erasure interrupted by a crash is
 * simply taken again.
 */
public interface AccountRecords {

  /** Marks the cards as a deleted account's for good, so no registration issues them again. */
  CompletionStage<Done> retire(List<String> cardIds);

  /** Erases the card index entries, the copies' and titles' memory of the patron, its visits. */
  CompletionStage<Done> erase(AccountErasure erasure);

  /**
   * R40: the titles forget these ended holds of the patron (snapshot, then erase), completing once
   * every title has.
   */
  CompletionStage<Done> forgetHolds(String patronKey, List<PatronHistory.EndedHold> holds);

  /** R40: these records elsewhere (payment sessions) go whole, completing once all have. */
  CompletionStage<Done> forgetElsewhere(List<PatronHistory.NamedIn> records);
}
