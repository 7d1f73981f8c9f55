package dk.library.circulation.cassandra;

import dk.library.circulation.statistics.CirculationStatistics;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * R42's counts in the journal's keyspace (schema/statistics.cql). A transaction adds one to a
 * counter in memory; every {@code flushEvery} the node adds what it counted to Cassandra's
 * counters, one write per key that changed, so the store costs the serving path nothing and the
 * database a few writes a minute. A node that dies loses what it counted since its last flush (at
 * most {@code flushEvery}); a flush that fails is added back and written with the next. Reads add
 * this node's unwritten counts, so a single node answers exactly.
 */
public final class CassandraStatistics implements CirculationStatistics {

  private final ConcurrentHashMap<Key, LongAdder> unwritten = new ConcurrentHashMap<>();
  private final CassandraSession session;
  private final String keyspace;

  private CassandraStatistics(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  /** Flushes every {@code flushEvery}, and once more when the node shuts down. */
  public static CassandraStatistics start(ActorSystem<?> system, Duration flushEvery) {
    CassandraStatistics statistics =
        new CassandraStatistics(
            CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra"),
            system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace"));
    system
        .scheduler()
        .scheduleWithFixedDelay(
            flushEvery, flushEvery, statistics::flushQuietly, system.executionContext());
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseServiceStop(), "statistics-flush", statistics::flush);
    return statistics;
  }

  @Override
  public void count(Key key) {
    unwritten.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  private void flushQuietly() {
    flush();
  }

  /** Writes what was counted since the last flush. */
  public CompletionStage<Done> flush() {
    List<CompletableFuture<Done>> writes = new ArrayList<>();
    for (Map.Entry<Key, LongAdder> entry : unwritten.entrySet()) {
      long n = entry.getValue().sumThenReset();
      if (n == 0) {
        continue;
      }
      Key key = entry.getKey();
      writes.add(
          Inline.of(
                  session.executeWrite(
                      "UPDATE "
                          + keyspace
                          + ".statistics SET count = count + ? WHERE agency_id = ? AND month = ?"
                          + " AND day = ? AND branch_id = ? AND material_type = ? AND kind = ?",
                      n,
                      key.agencyId(),
                      YearMonth.from(key.day()).toString(),
                      key.day(),
                      key.branchId(),
                      key.materialType(),
                      key.kind().name()))
              .exceptionally(
                  failure -> {
                    entry.getValue().add(n);
                    return Done.getInstance();
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenApply(all -> Done.getInstance());
  }

  @Override
  public CompletionStage<List<Count>> counts(String agencyId, LocalDate from, LocalDate to) {
    List<CompletableFuture<List<Count>>> months = new ArrayList<>();
    for (YearMonth month = YearMonth.from(from);
        !month.isAfter(YearMonth.from(to));
        month = month.plusMonths(1)) {
      months.add(
          Inline.of(
                  session.selectAll(
                      "SELECT day, branch_id, material_type, kind, count FROM "
                          + keyspace
                          + ".statistics WHERE agency_id = ? AND month = ? AND day >= ? AND day"
                          + " <= ?",
                      agencyId,
                      month.toString(),
                      from,
                      to))
              .thenApply(
                  rows ->
                      rows.stream()
                          .map(
                              r ->
                                  new Count(
                                      r.getLocalDate("day"),
                                      r.getString("branch_id"),
                                      r.getString("material_type"),
                                      Kind.valueOf(r.getString("kind")),
                                      r.getLong("count")))
                          .toList())
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(months.toArray(CompletableFuture[]::new))
        .thenApply(all -> withUnwritten(agencyId, from, to, months));
  }

  private List<Count> withUnwritten(
      String agencyId, LocalDate from, LocalDate to, List<CompletableFuture<List<Count>>> months) {
    Map<Key, Long> totals = new HashMap<>();
    months.forEach(
        month ->
            month
                .join()
                .forEach(
                    c ->
                        totals.merge(
                            new Key(agencyId, c.branchId(), c.materialType(), c.day(), c.kind()),
                            c.count(),
                            Long::sum)));
    unwritten.forEach(
        (key, n) -> {
          long count = n.sum();
          if (count > 0
              && key.agencyId().equals(agencyId)
              && !key.day().isBefore(from)
              && !key.day().isAfter(to)) {
            totals.merge(key, count, Long::sum);
          }
        });
    return totals.entrySet().stream()
        .map(
            e ->
                new Count(
                    e.getKey().day(),
                    e.getKey().branchId(),
                    e.getKey().materialType(),
                    e.getKey().kind(),
                    e.getValue()))
        .sorted(
            java.util.Comparator.comparing(Count::day)
                .thenComparing(Count::branchId)
                .thenComparing(Count::materialType)
                .thenComparing(Count::kind))
        .toList();
  }
}
