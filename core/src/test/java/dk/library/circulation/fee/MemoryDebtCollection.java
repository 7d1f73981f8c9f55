package dk.library.circulation.fee;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/** The debt-collection ledger in memory, keyed like the Cassandra table: one row per entry id. */
public final class MemoryDebtCollection implements DebtCollection {

  public final Map<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Done> record(Entry entry) {
    entries.put(entry.agencyId() + "/" + entry.entryId(), entry);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<Entry>> entries(
      String agencyId, Instant from, Instant to, int limit) {
    return CompletableFuture.completedFuture(
        entries.values().stream()
            .filter(e -> e.agencyId().equals(agencyId))
            .filter(e -> !e.at().isBefore(from) && e.at().isBefore(to))
            .sorted(Comparator.comparing(Entry::at).thenComparing(Entry::entryId))
            .limit(limit)
            .toList());
  }

  @Override
  public CompletionStage<Done> forgetClaim(
      String agencyId, String claimId, Instant handedOverAt, Instant settledAt) {
    entries.values().removeIf(e -> e.agencyId().equals(agencyId) && e.claimId().equals(claimId));
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
