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

  /**
   * R40: forgets every entry of a settled claim: its hand-over, payments and write-offs, all made
   * from {@code handedOverAt} to {@code settledAt}.
   */
  CompletionStage<Done> forgetClaim(
      String agencyId, String claimId, Instant handedOverAt, Instant settledAt);

  /** What the deadline targets of settled claims' entries start with. */
  String DEADLINE_PREFIX = "DebtCollection/";

  /**
   * The deadline target that forgets a settled claim's entries when no patron is left to do it (a
   * deleted account's, R39); agency ids hold no {@code ~}, claim ids may.
   */
  static String deadlineTarget(
      String agencyId, String claimId, Instant handedOverAt, Instant settledAt) {
    return DEADLINE_PREFIX + agencyId + "~" + handedOverAt + "~" + settledAt + "~" + claimId;
  }

  /** Forgets the claim a {@link #deadlineTarget} names. */
  default CompletionStage<Done> forgetClaim(String target) {
    String[] parts = target.substring(DEADLINE_PREFIX.length()).split("~", 4);
    return forgetClaim(parts[0], parts[3], Instant.parse(parts[1]), Instant.parse(parts[2]));
  }

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

      @Override
      public CompletionStage<Done> forgetClaim(
          String agencyId, String claimId, Instant handedOverAt, Instant settledAt) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
    };
  }
}
