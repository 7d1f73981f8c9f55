package dk.library.circulation.cassandra;

import dk.library.circulation.card.RetiredCards;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/** R39's retired cards in the journal's keyspace (schema/retired_cards.cql). */
public final class CassandraRetiredCards implements RetiredCards {

  private final CassandraSession session;
  private final String keyspace;

  private CassandraRetiredCards(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  public static CassandraRetiredCards create(ActorSystem<?> system) {
    return new CassandraRetiredCards(
        CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra"),
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace"));
  }

  @Override
  public CompletionStage<Done> retire(List<String> marks) {
    return CompletableFuture.allOf(
            marks.stream()
                .map(
                    mark ->
                        Inline.of(
                                session.executeWrite(
                                    "INSERT INTO " + keyspace + ".retired_cards (mark) VALUES (?)",
                                    mark))
                            .toCompletableFuture())
                .toArray(CompletableFuture[]::new))
        .thenApply(all -> Done.getInstance());
  }

  @Override
  public CompletionStage<Boolean> isRetired(String mark) {
    return Inline.of(
            session.selectOne(
                "SELECT mark FROM " + keyspace + ".retired_cards WHERE mark = ?", mark))
        .thenApply(java.util.Optional::isPresent);
  }
}
