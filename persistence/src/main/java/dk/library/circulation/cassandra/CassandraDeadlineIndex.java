package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import dk.library.circulation.deadline.DeadlineIndex;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The deadline index in the journal's keyspace (schema/deadlines.cql), written through the
 * journal's own Cassandra session. Writes are idempotent: scheduling the same deadline twice is one
 * row.
 */
public final class CassandraDeadlineIndex implements DeadlineIndex {

  private final CassandraSession session;
  private final String keyspace;

  private CassandraDeadlineIndex(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  public static CassandraDeadlineIndex create(ActorSystem<?> system) {
    return new CassandraDeadlineIndex(
        CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra"),
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace"));
  }

  private static LocalDate day(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC);
  }

  /** The day is listed first, so a deadline is never in a day the keeper does not read. */
  @Override
  public CompletionStage<Done> schedule(Deadline deadline) {
    LocalDate day = day(deadline.due());
    return Inline.of(
            session.executeWrite(
                "INSERT INTO " + keyspace + ".deadline_days (k, day) VALUES (0, ?)", day))
        .thenCompose(
            done ->
                Inline.of(
                    session.executeWrite(
                        "INSERT INTO "
                            + keyspace
                            + ".deadlines (day, due, target) VALUES (?, ?, ?)",
                        day,
                        deadline.due(),
                        deadline.target())));
  }

  @Override
  public CompletionStage<List<Deadline>> dueBy(Instant now, int limit, Deadline after) {
    LocalDate today = day(now);
    LocalDate first = after == null ? LocalDate.MIN : day(after.due());
    return Inline.of(
            session.selectAll(
                "SELECT day FROM " + keyspace + ".deadline_days WHERE k = 0 AND day <= ?", today))
        .thenCompose(
            days -> {
              CompletionStage<List<Deadline>> all =
                  CompletableFuture.completedFuture(new ArrayList<>());
              for (Row dayRow : days) {
                LocalDate day = dayRow.getLocalDate("day");
                if (day.isBefore(first)) {
                  continue;
                }
                all =
                    all.thenCompose(
                        found ->
                            found.size() >= limit
                                ? CompletableFuture.completedFuture(found)
                                : day.equals(first)
                                    ? readDayAfter(day, now, limit, found, after)
                                    : readDay(day, now, limit, found, today));
              }
              return all;
            });
  }

  /**
   * Adds what is due of one day; a past day with nothing left is struck off the list. Only a read
   * from the start of a day may strike it off: one read after a deadline does not see the deadlines
   * before it that are still to be handled.
   */
  private CompletionStage<List<Deadline>> readDay(
      LocalDate day, Instant now, int limit, List<Deadline> found, LocalDate today) {
    return Inline.of(
            session.selectAll(
                "SELECT due, target FROM "
                    + keyspace
                    + ".deadlines WHERE day = ? AND due <= ? LIMIT "
                    + (limit - found.size()),
                day,
                now))
        .thenCompose(
            rows -> {
              rows.forEach(r -> found.add(deadline(r)));
              if (!rows.isEmpty() || !day.isBefore(today)) {
                return CompletableFuture.completedFuture(found);
              }
              return Inline.of(
                      session.executeWrite(
                          "DELETE FROM " + keyspace + ".deadline_days WHERE k = 0 AND day = ?",
                          day))
                  .thenApply(done -> found);
            });
  }

  /**
   * Adds what is due of one day after a deadline: the slice starts past it, so Cassandra seeks over
   * the deletions of the deadlines handled before it instead of reading them. CQL does not combine
   * the tuple's bound with {@code due <= ?}: the rows come in due order, and the first one not yet
   * due ends what is taken.
   */
  private CompletionStage<List<Deadline>> readDayAfter(
      LocalDate day, Instant now, int limit, List<Deadline> found, Deadline after) {
    return Inline.of(
            session.selectAll(
                "SELECT due, target FROM "
                    + keyspace
                    + ".deadlines WHERE day = ? AND (due, target) > (?, ?) LIMIT "
                    + (limit - found.size()),
                day,
                after.due(),
                after.target()))
        .thenApply(
            rows -> {
              for (Row r : rows) {
                Deadline deadline = deadline(r);
                if (deadline.due().isAfter(now)) {
                  break;
                }
                found.add(deadline);
              }
              return found;
            });
  }

  private static Deadline deadline(Row row) {
    return new Deadline(row.getString("target"), row.getInstant("due"));
  }

  @Override
  public CompletionStage<Done> remove(Deadline deadline) {
    return Inline.of(
        session.executeWrite(
            "DELETE FROM " + keyspace + ".deadlines WHERE day = ? AND due = ? AND target = ?",
            day(deadline.due()),
            deadline.due(),
            deadline.target()));
  }

  /**
   * Each listed day's partition is read whole, filtered by target on the node: see the interface.
   */
  @Override
  public CompletionStage<List<Deadline>> of(String target) {
    return Inline.of(
            session.selectAll("SELECT day FROM " + keyspace + ".deadline_days WHERE k = 0"))
        .thenCompose(
            days -> {
              List<CompletableFuture<List<Row>>> reads = new ArrayList<>();
              for (Row day : days) {
                reads.add(
                    Inline.of(
                            session.selectAll(
                                "SELECT due, target FROM "
                                    + keyspace
                                    + ".deadlines WHERE day = ? AND target = ? ALLOW FILTERING",
                                day.getLocalDate("day"),
                                target))
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                  .thenApply(
                      all ->
                          reads.stream()
                              .flatMap(read -> read.join().stream())
                              .map(CassandraDeadlineIndex::deadline)
                              .sorted(Deadline.ORDER)
                              .toList());
            });
  }

  @Override
  public CompletionStage<Done> removeAll(String target) {
    return of(target)
        .thenCompose(
            found ->
                CompletableFuture.allOf(
                        found.stream()
                            .map(d -> remove(d).toCompletableFuture())
                            .toArray(CompletableFuture[]::new))
                    .thenApply(all -> Done.getInstance()));
  }
}
