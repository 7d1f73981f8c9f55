package dk.library.circulation.testing;

import com.datastax.oss.driver.api.core.CqlSession;

/** Reads the real journal, to prove what was, and was not, persisted. */
public final class Journal implements AutoCloseable {

  private final CqlSession session = TestCassandra.session();

  /** Events stored for one entity, e.g. {@code events("Patron", "1234")}. */
  public long events(String entityType, String entityId) {
    return session
        .execute(
            "SELECT count(*) FROM "
                + TestCassandra.KEYSPACE
                + ".messages WHERE persistence_id = ? AND partition_nr = 0",
            entityType + "|" + entityId)
        .one()
        .getLong(0);
  }

  @Override
  public void close() {
    session.close();
  }
}
