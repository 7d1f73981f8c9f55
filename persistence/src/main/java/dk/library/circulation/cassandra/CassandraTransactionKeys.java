package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import dk.library.circulation.transaction.TransactionKeys;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * R40's day keys of transaction claims in the journal's keyspace (schema/transaction_keys.cql). The
 * first node to make a day's key wins by a lightweight transaction, so every node hashes with the
 * same key; that costs one Paxos round a day.
 */
public final class CassandraTransactionKeys implements TransactionKeys.Store {

  private final CassandraSession session;
  private final String keyspace;

  private CassandraTransactionKeys(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  public static CassandraTransactionKeys create(ActorSystem<?> system) {
    return new CassandraTransactionKeys(
        CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra"),
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace"));
  }

  @Override
  public CompletionStage<Optional<byte[]>> read(LocalDate day) {
    return Inline.of(
            session.selectOne(
                "SELECT wrapped FROM " + keyspace + ".transaction_keys WHERE day = ?", day))
        .thenApply(row -> row.map(CassandraTransactionKeys::wrapped));
  }

  @Override
  public CompletionStage<byte[]> putIfAbsent(LocalDate day, byte[] wrapped) {
    return Inline.of(
            session.selectOne(
                "INSERT INTO "
                    + keyspace
                    + ".transaction_keys (day, wrapped) VALUES (?, ?) IF NOT EXISTS",
                day,
                ByteBuffer.wrap(wrapped)))
        .thenApply(row -> row.orElseThrow().getBoolean("[applied]") ? wrapped : wrapped(row.get()));
  }

  @Override
  public CompletionStage<Done> delete(LocalDate day) {
    return Inline.of(
        session.executeWrite("DELETE FROM " + keyspace + ".transaction_keys WHERE day = ?", day));
  }

  private static byte[] wrapped(Row row) {
    ByteBuffer buffer = row.getByteBuffer("wrapped");
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
