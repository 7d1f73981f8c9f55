package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import dk.library.circulation.fee.DebtCollection;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * R35's ledger of hand-overs in the journal's keyspace (schema/debt_collection.cql), through the
 * journal's own Cassandra session: one partition per agency and month (UTC), so an export reads the
 * months it spans and no partition grows without end; a month's entries are put in time order here.
 */
public final class CassandraDebtCollection implements DebtCollection {

  private final CassandraSession session;
  private final String keyspace;

  private CassandraDebtCollection(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  public static CassandraDebtCollection create(ActorSystem<?> system) {
    return new CassandraDebtCollection(
        CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra"),
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace"));
  }

  private static YearMonth month(Instant at) {
    return YearMonth.from(at.atOffset(ZoneOffset.UTC));
  }

  @Override
  public CompletionStage<Done> record(Entry e) {
    return Inline.of(
        session.executeWrite(
            "INSERT INTO "
                + keyspace
                + ".debt_collection (agency_id, month, entry_id, at, kind, claim_id, card_number,"
                + " name, amount_dkk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            e.agencyId(),
            month(e.at()).toString(),
            e.entryId(),
            e.at(),
            e.kind().name(),
            e.claimId(),
            e.cardNumber(),
            e.name(),
            e.amountDkk()));
  }

  @Override
  public CompletionStage<List<Entry>> entries(
      String agencyId, Instant from, Instant to, int limit) {
    CompletionStage<List<Entry>> all = CompletableFuture.completedFuture(new ArrayList<>());
    for (YearMonth m = month(from); !m.isAfter(month(to)); m = m.plusMonths(1)) {
      String partition = m.toString();
      all =
          all.thenCompose(
              found ->
                  Inline.of(
                          session.selectAll(
                              "SELECT at, entry_id, kind, claim_id, card_number, name, amount_dkk"
                                  + " FROM "
                                  + keyspace
                                  + ".debt_collection WHERE agency_id = ? AND month = ?",
                              agencyId,
                              partition))
                      .thenApply(
                          rows -> {
                            rows.forEach(r -> found.add(entry(agencyId, r)));
                            return found;
                          }));
    }
    return all.thenApply(
        found ->
            found.stream()
                .filter(e -> !e.at().isBefore(from) && e.at().isBefore(to))
                .sorted(Comparator.comparing(Entry::at).thenComparing(Entry::entryId))
                .limit(limit)
                .toList());
  }

  /** Reads each month from the hand-over to the settlement and deletes the claim's rows in it. */
  @Override
  public CompletionStage<Done> forgetClaim(
      String agencyId, String claimId, Instant handedOverAt, Instant settledAt) {
    CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
    for (YearMonth m = month(handedOverAt); !m.isAfter(month(settledAt)); m = m.plusMonths(1)) {
      String partition = m.toString();
      all =
          all.thenCompose(
              done ->
                  Inline.of(
                          session.selectAll(
                              "SELECT entry_id, claim_id FROM "
                                  + keyspace
                                  + ".debt_collection WHERE agency_id = ? AND month = ?",
                              agencyId,
                              partition))
                      .thenCompose(rows -> deleteOf(agencyId, partition, claimId, rows)));
    }
    return all;
  }

  private CompletionStage<Done> deleteOf(
      String agencyId, String partition, String claimId, List<Row> rows) {
    CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
    for (Row row : rows) {
      if (claimId.equals(row.getString("claim_id"))) {
        String entryId = row.getString("entry_id");
        all =
            all.thenCompose(
                done ->
                    Inline.of(
                        session.executeWrite(
                            "DELETE FROM "
                                + keyspace
                                + ".debt_collection WHERE agency_id = ? AND month = ? AND"
                                + " entry_id = ?",
                            agencyId,
                            partition,
                            entryId)));
      }
    }
    return all;
  }

  private static Entry entry(String agencyId, Row r) {
    return new Entry(
        agencyId,
        r.getString("entry_id"),
        Kind.valueOf(r.getString("kind")),
        r.getString("claim_id"),
        r.getString("card_number"),
        r.getString("name"),
        r.getInt("amount_dkk"),
        r.getInstant("at"));
  }
}
