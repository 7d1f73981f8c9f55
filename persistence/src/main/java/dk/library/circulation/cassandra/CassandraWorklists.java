package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dk.library.circulation.ill.IsoStatus;
import dk.library.circulation.ill.Worklists;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/** The interlibrary worklists in the journal's keyspace (schema/interlibrary_worklists.cql). */
public final class CassandraWorklists implements Worklists {

  private final CassandraSession session;
  private final CompletionStage<PreparedStatement> insert;
  private final CompletionStage<PreparedStatement> delete;
  private final CompletionStage<PreparedStatement> first;
  private final CompletionStage<PreparedStatement> after;

  private CassandraWorklists(CassandraSession session, String keyspace) {
    this.session = session;
    String table = keyspace + ".interlibrary_worklists";
    // Through Inline: continued as converted futures, each write would start a thread of its own.
    this.insert =
        Inline.of(
            session.prepare(
                "INSERT INTO "
                    + table
                    + " (list, status, requested_at, request_id, request_status, title_id,"
                    + " borrowing_agency_id, lender) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    this.delete =
        Inline.of(
            session.prepare(
                "DELETE FROM "
                    + table
                    + " WHERE list = ? AND status = ? AND requested_at = ? AND request_id = ?"));
    String select =
        "SELECT requested_at, request_id, request_status, title_id, borrowing_agency_id, lender"
            + " FROM "
            + table
            + " WHERE list = ? AND status = ?";
    this.first = Inline.of(session.prepare(select + " LIMIT ?"));
    this.after =
        Inline.of(session.prepare(select + " AND (requested_at, request_id) > (?, ?) LIMIT ?"));
  }

  public static CassandraWorklists create(ActorSystem<?> system) {
    return new CassandraWorklists(
        CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra"),
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace"));
  }

  @Override
  public CompletionStage<Done> write(List<Entry> keep, List<Entry> remove, long version) {
    return insert
        .thenCombine(
            delete,
            (ins, del) -> {
              BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED);
              for (Entry e : keep) {
                batch.addStatement(
                    ins.bind(
                        e.list(),
                        e.status(),
                        e.requestedAt(),
                        e.requestId(),
                        e.requestStatus().name(),
                        e.titleId(),
                        e.borrowingAgencyId(),
                        e.lender()));
              }
              for (Entry e : remove) {
                batch.addStatement(del.bind(e.list(), e.status(), e.requestedAt(), e.requestId()));
              }
              return batch.setQueryTimestamp(version).build();
            })
        .thenCompose(batch -> Inline.of(session.executeWriteBatch(batch)));
  }

  @Override
  public CompletionStage<Page> read(String list, String status, String cursor, int limit) {
    CompletionStage<List<Row>> rows;
    if (cursor == null) {
      rows =
          first.thenCompose(ps -> Inline.of(session.selectAll(ps.bind(list, status, limit + 1))));
    } else {
      Cursor at = Worklists.cursorOf(cursor);
      rows =
          after.thenCompose(
              ps ->
                  Inline.of(
                      session.selectAll(
                          ps.bind(list, status, at.requestedAt(), at.requestId(), limit + 1))));
    }
    return rows.thenApply(
        found -> {
          List<Entry> entries = new ArrayList<>();
          for (Row r : found.subList(0, Math.min(limit, found.size()))) {
            entries.add(
                new Entry(
                    list,
                    status,
                    r.getInstant("requested_at"),
                    r.getString("request_id"),
                    IsoStatus.valueOf(r.getString("request_status")),
                    r.getString("title_id"),
                    r.getString("borrowing_agency_id"),
                    r.getString("lender")));
          }
          String next =
              found.size() > limit ? Worklists.cursor(entries.get(entries.size() - 1)) : null;
          return new Page(List.copyOf(entries), next);
        });
  }
}
