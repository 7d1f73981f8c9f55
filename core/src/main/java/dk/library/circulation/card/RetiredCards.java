package dk.library.circulation.card;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * R39: the cards of accounts deleted at the patron's request, which are never issued again. Each is
 * kept only as a keyed hash of its number ({@link #mark}), so the record of a deleted account names
 * no one: it can only answer whether a number keyed in again was one of them.
 */
public interface RetiredCards {

  CompletionStage<Done> retire(List<String> marks);

  CompletionStage<Boolean> isRetired(String mark);

  /**
   * What a card id is retired under: a keyed hash unlike the CPR index's, so a retired CPR card is
   * not found again by the hash the card index used for it.
   */
  static String mark(CprIndex index, String cardId) {
    return index.keyedHash("retired-card:" + cardId);
  }
}
