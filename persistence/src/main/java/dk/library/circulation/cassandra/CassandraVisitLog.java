package dk.library.circulation.cassandra;

import dk.library.circulation.openlibrary.Visit;
import dk.library.circulation.openlibrary.VisitLog;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The open library's visits in the journal's keyspace (schema/visits.cql), through the journal's
 * own Cassandra session. A day's visits are deleted as one partition when their expiry deadline
 * falls due, so no visit is kept past its 30 days however many there were.
 */
public final class CassandraVisitLog implements VisitLog {

  private final CassandraSession session;
  private final String keyspace;

  private CassandraVisitLog(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  public static CassandraVisitLog create(ActorSystem<?> system) {
    return new CassandraVisitLog(
        CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra"),
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace"));
  }

  @Override
  public CompletionStage<Done> record(Visit v) {
    return Inline.of(
        session.executeWrite(
            "INSERT INTO "
                + keyspace
                + ".visits (agency_id, branch_id, day, at, visit_id, card_number, door_client_id,"
                + " expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            v.agencyId(),
            v.branchId(),
            v.day(),
            v.at(),
            v.visitId(),
            v.cardNumber(),
            v.doorClientId(),
            v.expires()));
  }

  @Override
  public CompletionStage<List<Visit>> visits(String agencyId, String branchId, LocalDate day) {
    return Inline.of(
            session.selectAll(
                "SELECT at, visit_id, card_number, door_client_id, expires FROM "
                    + keyspace
                    + ".visits WHERE agency_id = ? AND branch_id = ? AND day = ?",
                agencyId,
                branchId,
                day))
        .thenApply(
            rows ->
                rows.stream()
                    .map(
                        r ->
                            new Visit(
                                agencyId,
                                branchId,
                                day,
                                r.getInstant("at"),
                                r.getString("visit_id"),
                                r.getString("card_number"),
                                r.getString("door_client_id"),
                                r.getInstant("expires")))
                    .toList());
  }

  /**
   * The table holds at most 30 days of visits (R40), filtered on the nodes; an access request or a
   * deletion is rare enough to pay for reading them.
   */
  @Override
  public CompletionStage<List<Visit>> visitsOf(String patronKey) {
    return Inline.of(
            session.selectAll(
                "SELECT agency_id, branch_id, day, at, visit_id, card_number, door_client_id,"
                    + " expires FROM "
                    + keyspace
                    + ".visits WHERE card_number = ? ALLOW FILTERING",
                patronKey))
        .thenApply(
            rows ->
                rows.stream()
                    .map(
                        r ->
                            new Visit(
                                r.getString("agency_id"),
                                r.getString("branch_id"),
                                r.getLocalDate("day"),
                                r.getInstant("at"),
                                r.getString("visit_id"),
                                r.getString("card_number"),
                                r.getString("door_client_id"),
                                r.getInstant("expires")))
                    .toList());
  }

  @Override
  public CompletionStage<Done> forgetVisitsOf(String patronKey) {
    return visitsOf(patronKey)
        .thenCompose(
            visits ->
                CompletableFuture.allOf(
                        visits.stream()
                            .map(
                                v ->
                                    Inline.of(
                                            session.executeWrite(
                                                "DELETE FROM "
                                                    + keyspace
                                                    + ".visits WHERE agency_id = ? AND branch_id ="
                                                    + " ? AND day = ? AND at = ? AND visit_id = ?",
                                                v.agencyId(),
                                                v.branchId(),
                                                v.day(),
                                                v.at(),
                                                v.visitId()))
                                        .toCompletableFuture())
                            .toArray(CompletableFuture[]::new))
                    .thenApply(all -> Done.getInstance()));
  }

  @Override
  public CompletionStage<Done> forget(String agencyId, String branchId, LocalDate day) {
    return Inline.of(
        session.executeWrite(
            "DELETE FROM " + keyspace + ".visits WHERE agency_id = ? AND branch_id = ? AND day = ?",
            agencyId,
            branchId,
            day));
  }
}
