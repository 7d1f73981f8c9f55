package dk.library.circulation.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dk.library.circulation.CborSerializable;
import dk.library.circulation.cassandra.JournalCassandra;
import dk.library.circulation.cassandra.MessagesTable;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.TestServers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project's journal and snapshot store (CassandraJournal, CassandraSnapshotStore) against the
 * real Cassandra node: what an entity persisted comes back whole and in order, across partitions
 * and snapshots; a cold wake of a short history is one Cassandra request, of a long one at most
 * three; writes of many entities share requests.
 */
class CassandraJournalTest {

  static ActorSystem<Void> system;

  /** The journal's counters go to Micrometer's global registry; this test reads them there. */
  static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** Small partitions, so a short entity already spans several of them. */
  static final int PARTITION = 5;

  @BeforeAll
  static void start() {
    Metrics.globalRegistry.add(meters);
    Config config =
        ConfigFactory.parseString(
                "pekko.persistence.cassandra.journal.target-partition-size = " + PARTITION)
            .withFallback(TestServers.config());
    system =
        ActorSystem.create(
            Behaviors.empty(), "journal-test", JournalCassandra.start(config).applyTo(config));
  }

  @AfterAll
  static void stop() {
    system.terminate();
    Metrics.globalRegistry.remove(meters);
  }

  record Noted(String text) implements CborSerializable {}

  record Seen(List<String> texts) implements CborSerializable {}

  sealed interface Command {}

  record Note(List<String> texts, ActorRef<Done> replyTo) implements Command {}

  record Read(ActorRef<Seen> replyTo) implements Command {}

  record Stop() implements Command {}

  /** An entity that records texts, optionally with a snapshot every few events. */
  static final class Notebook extends EventSourcedBehavior<Command, Noted, Seen> {
    private final int snapshotEvery;

    Notebook(String id, int snapshotEvery) {
      super(PersistenceId.ofUniqueId(id));
      this.snapshotEvery = snapshotEvery;
    }

    @Override
    public Seen emptyState() {
      return new Seen(List.of());
    }

    @Override
    public CommandHandler<Command, Noted, Seen> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Note.class,
              cmd ->
                  Effect()
                      .persist(cmd.texts().stream().map(Noted::new).toList())
                      .thenReply(cmd.replyTo(), s -> Done.getInstance()))
          .onCommand(Read.class, (s, cmd) -> Effect().reply(cmd.replyTo(), s))
          .onCommand(Stop.class, cmd -> Effect().stop())
          .build();
    }

    @Override
    public EventHandler<Seen, Noted> eventHandler() {
      return newEventHandlerBuilder()
          .forAnyState()
          .onAnyEvent(
              (s, e) -> {
                List<String> next = new ArrayList<>(s.texts());
                next.add(e.text());
                return new Seen(List.copyOf(next));
              });
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      return snapshotEvery > 0
          ? RetentionCriteria.snapshotEvery(snapshotEvery, 2)
          : RetentionCriteria.disabled();
    }
  }

  static ActorRef<Command> spawn(String id, int snapshotEvery) {
    Behavior<Command> notebook = new Notebook(id, snapshotEvery);
    return system.systemActorOf(notebook, "notebook-" + id + "-" + Api.unique(""), props());
  }

  static org.apache.pekko.actor.typed.Props props() {
    return org.apache.pekko.actor.typed.Props.empty();
  }

  static <T> T ask(ActorRef<Command> notebook, java.util.function.Function<ActorRef<T>, Command> c)
      throws Exception {
    return AskPattern.ask(notebook, c::apply, Duration.ofSeconds(10), system.scheduler())
        .toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
  }

  static List<String> texts(int from, int to) {
    List<String> texts = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      texts.add("text " + i);
    }
    return texts;
  }

  static double count(String name, String kind) {
    Counter counter = Metrics.globalRegistry.find(name).tag("kind", kind).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void eventsComeBackWholeAndInOrder_acrossPartitionsAndAtomicWritesThatCrossABoundary()
      throws Exception {
    String id = Api.unique("notebook-");
    ActorRef<Command> notebook = spawn(id, 0);
    // Atomic writes of 3, 4 (across the boundary after 5: written whole into the later
    // partition), 3, 6 (across the boundary after 15) and 1 events: partitions 0 to 3.
    ask(notebook, (ActorRef<Done> r) -> new Note(texts(1, 3), r));
    ask(notebook, (ActorRef<Done> r) -> new Note(texts(4, 7), r));
    ask(notebook, (ActorRef<Done> r) -> new Note(texts(8, 10), r));
    ask(notebook, (ActorRef<Done> r) -> new Note(texts(11, 16), r));
    ask(notebook, (ActorRef<Done> r) -> new Note(texts(17, 17), r));
    notebook.tell(new Stop());

    ActorRef<Command> again = spawn(id, 0);
    assertEquals(texts(1, 17), ask(again, (ActorRef<Seen> r) -> new Read(r)).texts());
    ask(again, (ActorRef<Done> r) -> new Note(texts(18, 18), r));
    again.tell(new Stop());
    assertEquals(texts(1, 18), ask(spawn(id, 0), (ActorRef<Seen> r) -> new Read(r)).texts());
  }

  static double wakeRequests() {
    return count("circulation.journal.requests", "wake")
        + count("circulation.journal.requests", "replay")
        + count("circulation.journal.requests", "snapshot-load");
  }

  /** Records {@code events} texts one write at a time and stops. */
  static void write(String id, int events, int snapshotEvery) throws Exception {
    ActorRef<Command> notebook = spawn(id, snapshotEvery);
    for (int i = 1; i <= events; i++) {
      int n = i;
      ask(notebook, (ActorRef<Done> r) -> new Note(List.of("text " + n), r));
    }
    notebook.tell(new Stop());
  }

  @Test
  void aColdWakeOfAShortHistoryIsOneCassandraRequest_withSnapshotsOrWithout() throws Exception {
    // Four events: fewer than the whole-history read takes (here the partition size, 5).
    for (int snapshotEvery : new int[] {0, 2}) {
      String id = Api.unique("notebook-");
      write(id, 4, snapshotEvery);
      double before = wakeRequests();
      ActorRef<Command> woken = spawn(id, snapshotEvery);
      assertEquals(texts(1, 4), ask(woken, (ActorRef<Seen> r) -> new Read(r)).texts());
      double requests = wakeRequests() - before;
      assertEquals(
          1, requests, "a wake with snapshots every " + snapshotEvery + " took " + requests);
      woken.tell(new Stop());
    }
  }

  @Test
  void aLongHistoryWakesFromItsSnapshot_inThreeRequests() throws Exception {
    // Ten events in partitions 0 and 1, snapshots after 4 and 8: the whole-history read finds too
    // many, the snapshot of 8 is read, then events 9 and 10.
    String id = Api.unique("notebook-");
    write(id, 10, 4);
    CqlSession session =
        MessagesTable.session(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
    String snapshots =
        system.settings().config().getString("pekko.persistence.cassandra.snapshot.keyspace")
            + ".snapshots";
    Eventually.await(
        "the snapshot after event 8 is stored",
        Duration.ofSeconds(10),
        () ->
            session
                .execute("SELECT sequence_nr FROM " + snapshots + " WHERE persistence_id = ?", id)
                .all()
                .stream()
                .anyMatch(row -> row.getLong(0) == 8));

    double before = wakeRequests();
    double snapshotLoads = count("circulation.journal.requests", "snapshot-load");
    ActorRef<Command> woken = spawn(id, 4);
    assertEquals(texts(1, 10), ask(woken, (ActorRef<Seen> r) -> new Read(r)).texts());
    assertEquals(1, count("circulation.journal.requests", "snapshot-load") - snapshotLoads);
    assertEquals(3, wakeRequests() - before);
    ask(woken, (ActorRef<Done> r) -> new Note(texts(11, 11), r));
    woken.tell(new Stop());
    assertEquals(texts(1, 11), ask(spawn(id, 4), (ActorRef<Seen> r) -> new Read(r)).texts());
  }

  @Test
  void writesOfManyEntitiesAtOnceShareRequests_andEachIsDurableWhenAcknowledged() throws Exception {
    double requestsBefore = count("circulation.journal.requests", "write");
    double rowsBefore = count("circulation.journal.rows", "write");
    List<String> ids = new ArrayList<>();
    List<CompletionStage<Done>> written = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String id = Api.unique("notebook-");
      ids.add(id);
      ActorRef<Command> notebook = spawn(id, 0);
      written.add(
          AskPattern.ask(
              notebook,
              (ActorRef<Done> r) -> new Note(List.of("only " + id), r),
              Duration.ofSeconds(20),
              system.scheduler()));
    }
    CompletableFuture.allOf(
            written.stream()
                .map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new))
        .get(30, TimeUnit.SECONDS);
    double requests = count("circulation.journal.requests", "write") - requestsBefore;
    double rows = count("circulation.journal.rows", "write") - rowsBefore;
    assertTrue(rows >= 200, "every event was written: " + rows);
    assertTrue(requests < rows, requests + " requests carried " + rows + " rows");
    for (String id : ids.subList(0, 20)) {
      assertEquals(
          List.of("only " + id), ask(spawn(id, 0), (ActorRef<Seen> r) -> new Read(r)).texts());
    }
  }

  /**
   * Batches fill up to the byte limit only with bigger events: what a batch is counted at must be
   * what Cassandra counts, manifests and every cell included, or it refuses the whole batch.
   */
  @Test
  void manyEntitiesWritingLargerEventsAtOnceStayUnderCassandrasBatchLimit() throws Exception {
    String filler = "x".repeat(500);
    List<CompletionStage<Done>> written = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String id = Api.unique("large-");
      ids.add(id);
      written.add(
          AskPattern.ask(
              spawn(id, 0),
              (ActorRef<Done> r) -> new Note(List.of(id + filler), r),
              Duration.ofSeconds(20),
              system.scheduler()));
    }
    CompletableFuture.allOf(
            written.stream()
                .map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new))
        .get(30, TimeUnit.SECONDS);
    for (String id : ids.subList(0, 10)) {
      assertEquals(
          List.of(id + filler), ask(spawn(id, 0), (ActorRef<Seen> r) -> new Read(r)).texts());
    }
  }
}
