package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every server announces itself in the journal's keyspace (schema/servers.cql) and keeps its row
 * alive while it runs. An initial load writes journals without their entities, so it must be the
 * only server: it starts only when no other server is announced, and no server starts serving while
 * a load is announced. Each side writes its row before it reads the others', so of two servers
 * starting at once at least one sees the other (and steps back).
 */
public final class RunningServers implements AutoCloseable {

  /** A row outlives its server by at most this long (a server killed without stopping). */
  static final Duration TTL = Duration.ofSeconds(30);

  private static final Duration REFRESH = Duration.ofSeconds(10);

  private final CqlSession session;
  private final String keyspace;
  private final String server = UUID.randomUUID().toString();
  private final String mode;
  private final Instant since = Instant.now();
  private final ScheduledExecutorService refresh =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "running-servers");
            thread.setDaemon(true);
            return thread;
          });

  private RunningServers(CqlSession session, String keyspace, String mode) {
    this.session = session;
    this.keyspace = keyspace;
    this.mode = mode;
  }

  /**
   * Announces a server in {@code mode} (serving or initial-load) over its own session, so the entry
   * lasts as long as the server's actor system, and waits up to {@code patience} for servers it
   * must not run beside to go; refuses to start if they do not.
   */
  static RunningServers announce(
      CqlSession session, String keyspace, String mode, Duration patience) {
    RunningServers servers = new RunningServers(session, keyspace, mode);
    try {
      servers.announce();
      Instant deadline = Instant.now().plus(patience);
      List<String> conflicts = servers.conflicts();
      while (!conflicts.isEmpty() && Instant.now().isBefore(deadline)) {
        Thread.sleep(1_000); // entries of stopped servers expire; there is nothing to await
        conflicts = servers.conflicts();
      }
      if (!conflicts.isEmpty()) {
        throw new IllegalStateException(
            (mode.equals("initial-load")
                    ? "an initial load must be the only server on keyspace "
                    : "no server may serve while an initial load runs on keyspace ")
                + keyspace
                + "; running: "
                + conflicts
                + " (a stopped server's entry goes within "
                + TTL.toSeconds()
                + " s)");
      }
    } catch (RuntimeException | InterruptedException e) {
      servers.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    servers.refresh.scheduleAtFixedRate(
        servers::announce, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    return servers;
  }

  private void announce() {
    session.execute(
        SimpleStatement.newInstance(
                "INSERT INTO "
                    + keyspace
                    + ".running_servers (k, server, mode, since) VALUES (0, ?, ?, ?) USING TTL "
                    + TTL.toSeconds(),
                server,
                mode,
                since)
            .setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
  }

  /** The other servers this one must not run beside, as "mode since ...". */
  private List<String> conflicts() {
    List<Row> rows =
        session
            .execute(
                SimpleStatement.newInstance(
                        "SELECT server, mode, since FROM "
                            + keyspace
                            + ".running_servers WHERE k = 0")
                    .setConsistencyLevel(DefaultConsistencyLevel.QUORUM))
            .all();
    return rows.stream()
        .filter(row -> !row.getString("server").equals(server))
        .filter(row -> mode.equals("initial-load") || "initial-load".equals(row.getString("mode")))
        .map(row -> row.getString("mode") + " since " + row.getInstant("since"))
        .toList();
  }

  /** Gone at once, so a load or a server waiting for this one can start. */
  @Override
  public void close() {
    refresh.shutdownNow();
    try {
      session.execute(
          SimpleStatement.newInstance(
                  "DELETE FROM " + keyspace + ".running_servers WHERE k = 0 AND server = ?", server)
              .setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
    } finally {
      session.close();
    }
  }
}
