package dk.library.circulation.deadline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;

/** The index as a sorted set in memory; the Cassandra one is tested through the server. */
public final class MemoryDeadlineIndex implements DeadlineIndex {
  public final Set<Deadline> deadlines = ConcurrentHashMap.newKeySet();

  /** Reads, and those of them from the start of the index. */
  public final AtomicInteger reads = new AtomicInteger();

  public final AtomicInteger readsFromTheStart = new AtomicInteger();

  @Override
  public CompletionStage<Done> schedule(Deadline deadline) {
    deadlines.add(deadline);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<Deadline>> dueBy(Instant now, int limit, Deadline after) {
    reads.incrementAndGet();
    if (after == null) {
      readsFromTheStart.incrementAndGet();
    }
    List<Deadline> due = new ArrayList<>();
    deadlines.stream()
        .filter(d -> !d.due().isAfter(now))
        .filter(d -> after == null || Deadline.ORDER.compare(d, after) > 0)
        .sorted(Deadline.ORDER)
        .limit(limit)
        .forEach(due::add);
    return CompletableFuture.completedFuture(due);
  }

  @Override
  public CompletionStage<Done> remove(Deadline deadline) {
    deadlines.remove(deadline);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> removeAll(String target) {
    deadlines.removeIf(d -> d.target().equals(target));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<Deadline>> of(String target) {
    return CompletableFuture.completedFuture(
        deadlines.stream().filter(d -> d.target().equals(target)).sorted(Deadline.ORDER).toList());
  }
}
