package dk.library.circulation.patron;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;

/**
 * The records elsewhere as a patron entity test sees them: what was retired and erased, and the
 * next {@link #failing} erasures fail. The desk's are tested through the server.
 */
public final class RecordingAccountRecords implements AccountRecords {

  public final ConcurrentLinkedQueue<String> retired = new ConcurrentLinkedQueue<>();
  public final ConcurrentLinkedQueue<AccountErasure> erased = new ConcurrentLinkedQueue<>();
  public final AtomicInteger failing = new AtomicInteger();
  public final ConcurrentLinkedQueue<PatronHistory.EndedHold> holdsForgotten =
      new ConcurrentLinkedQueue<>();
  public final ConcurrentLinkedQueue<PatronHistory.NamedIn> elsewhereForgotten =
      new ConcurrentLinkedQueue<>();

  @Override
  public CompletionStage<Done> retire(List<String> cardIds) {
    retired.addAll(cardIds);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> erase(AccountErasure erasure) {
    if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("node down"));
    }
    erased.add(erasure);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> forgetHolds(String patronKey, List<PatronHistory.EndedHold> holds) {
    holdsForgotten.addAll(holds);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> forgetElsewhere(List<PatronHistory.NamedIn> records) {
    elsewhereForgotten.addAll(records);
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
