package dk.library.circulation.fee;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * R35: what each agency has handed to its debt-collection agency, and what happened to it since:
 * the ledger the collection agency is given (docs/payments.md, "Debt collection"). A patron writes
 * an entry here before it records the hand-over, payment or write-off, under an id that is the same
 * on every retry, so each is in the ledger exactly once.
 */
public interface DebtCollection {

  enum Kind {
    /** The claim was handed over; {@code amountDkk} is what is claimed. */
    HANDED_OVER,
    /** The patron paid {@code amountDkk} towards a handed-over claim. */
    PAID,
    /** Staff wrote {@code amountDkk} of the claim off. */
    WRITTEN_OFF
  }

  /**
   * One entry. {@code name} is the debtor's name, the one personal datum beside the card number the
   * collection agency needs to find them (it has the CPR register for the rest).
   */
  record Entry(
      String agencyId,
      String entryId,
      Kind kind,
      String claimId,
      String cardNumber,
      String name,
      int amountDkk,
      Instant at) {}

  CompletionStage<Done> record(Entry entry);

  /** The agency's entries from {@code from} (inclusive) to {@code to} (exclusive), oldest first. */
  CompletionStage<List<Entry>> entries(String agencyId, Instant from, Instant to, int limit);

  /** Nothing recorded: for tests of other rules, and servers without debt collection. */
  static DebtCollection none() {
    return new DebtCollection() {
      @Override
      public CompletionStage<Done> record(Entry entry) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }

      @Override
      public CompletionStage<List<Entry>> entries(
          String agencyId, Instant from, Instant to, int limit) {
        return CompletableFuture.completedFuture(List.of());
      }
    };
  }
}
