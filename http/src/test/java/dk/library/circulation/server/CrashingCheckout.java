package dk.library.circulation.server;

import dk.library.circulation.agency.Branch;
import dk.library.circulation.card.CprIndex;
import dk.library.circulation.cassandra.CassandraDeadlineIndex;
import dk.library.circulation.cassandra.CassandraDebtCollection;
import dk.library.circulation.cassandra.CassandraJournalEraser;
import dk.library.circulation.cassandra.CassandraRetiredCards;
import dk.library.circulation.cassandra.CassandraTransactionKeys;
import dk.library.circulation.cassandra.CassandraVisitLog;
import dk.library.circulation.cassandra.JournalCassandra;
import dk.library.circulation.deadline.DeadlineKeeper;
import dk.library.circulation.deadline.ServingLoad;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.ItemRegistration;
import dk.library.circulation.desk.PatronRegistration;
import dk.library.circulation.ill.Partners;
import dk.library.circulation.ill.Worklists;
import dk.library.circulation.item.Item;
import dk.library.circulation.item.ItemCommand;
import dk.library.circulation.item.ItemReply;
import dk.library.circulation.patron.Patron;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronFacts;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PinKey;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.statistics.CirculationStatistics;
import dk.library.circulation.testing.TestServers;
import dk.library.circulation.transaction.TransactionKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * A node that dies mid-protocol: it carries out the desk's steps up to {@code crashPoint} against
 * the shared Cassandra, then halts the JVM at once (no shutdown hooks, like a kill -9).
 *
 * <p>Arguments: cassandraPort agencyId card barcode checkoutId crashPoint, where crashPoint is
 * {@code after-patron} (pending checkout persisted, item untouched), {@code after-item} (item lent,
 * patron not told), {@code after-return} (loan made, item returned, patron not told) or {@code
 * amid-batches} ({@value #AT_ONCE} whole checkouts through the desk at once, halted the moment the
 * first receipt is acknowledged: the others' journal batches are on their way, unacknowledged, and
 * the acknowledged one's patron has most likely not yet recorded the loan).
 */
public final class CrashingCheckout {

  /** Checkouts under way together at the {@code amid-batches} crash. */
  static final int AT_ONCE = 8;

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      e.printStackTrace(System.out);
      System.out.flush();
      Runtime.getRuntime().halt(3);
    }
  }

  private static void run(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String agencyId = args[1];
    String card = args[2];
    String barcode = args[3];
    String checkoutId = args[4];
    String crashPoint = args[5];
    Duration timeout = Duration.ofSeconds(10);

    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "circulation",
            JournalCassandra.start(TestServers.config(port)).applyTo(TestServers.config(port)));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    // The test's server must open the day keys this process makes: the same CPR secret.
    CprIndex cprIndex =
        new CprIndex(
            Base64.getDecoder()
                .decode(TestServers.config(port).getString("library.security.cpr-lookup-key")));
    CirculationDesk desk =
        CirculationDesk.start(
            system,
            new CirculationDesk.Settings(
                Clock.systemUTC(),
                ZoneId.of("Europe/Copenhagen"),
                timeout,
                // The test's server checks the PIN this process hashed: the same key.
                new PinKey(
                    Base64.getDecoder()
                        .decode(TestServers.config(port).getString("library.security.pin-key"))),
                5,
                cprIndex,
                CassandraDeadlineIndex.create(system),
                DeadlineKeeper.Pace.every(Duration.ofSeconds(1)),
                new ServingLoad(Duration.ofMillis(50)),
                (patronKey, notice) -> CompletableFuture.completedFuture(Done.getInstance()),
                Duration.ofSeconds(10),
                CassandraVisitLog.create(system),
                CassandraDebtCollection.create(system),
                CassandraJournalEraser.create(system),
                CassandraRetiredCards.create(system),
                CirculationStatistics.none(),
                new TransactionKeys(
                    CassandraTransactionKeys.create(system),
                    CassandraDeadlineIndex.create(system),
                    cprIndex,
                    Clock.systemUTC(),
                    ZoneId.of("Europe/Copenhagen")),
                Partners.none(),
                Worklists.none()));
    AgencyPolicy policy = AgencyPolicy.simple(28, 5, 2);
    // A cold JVM's first journal calls can time out while the driver connects: retry the set-up.
    retry(
        () ->
            desk.createAgency(
                agencyId,
                "Crash Library",
                List.of(new Branch("main", "Main")),
                policy,
                "crash-test"));
    registerPatronAndItem(desk, agencyId, card, barcode);
    if (crashPoint.equals("amid-batches")) {
      amidBatches(desk, agencyId, card, barcode, checkoutId);
    }
    ClusterSharding sharding = ClusterSharding.get(system);
    PatronReply approved =
        sharding
            .entityRefFor(Patron.ENTITY_TYPE_KEY, card)
            .ask(
                (ActorRef<PatronReply> r) ->
                    new PatronCommand.BeginCheckout(
                        checkoutId, "1234", barcode, agencyId, "main", policy, "book", null, r),
                timeout)
            .toCompletableFuture()
            .get();
    check(approved instanceof PatronReply.CheckoutApproved, approved);
    if (!crashPoint.equals("after-patron")) {
      ItemReply lent =
          sharding
              .entityRefFor(Item.ENTITY_TYPE_KEY, barcode)
              .ask(
                  (ActorRef<ItemReply> r) ->
                      new ItemCommand.Lend(checkoutId, card, agencyId, "main", null, null, r),
                  timeout)
              .toCompletableFuture()
              .get();
      check(lent instanceof ItemReply.StatusReply, lent);
    }
    if (crashPoint.equals("after-return")) {
      PatronReply completed =
          sharding
              .entityRefFor(Patron.ENTITY_TYPE_KEY, card)
              .ask(
                  (ActorRef<PatronReply> r) -> new PatronCommand.CompleteCheckout(checkoutId, r),
                  timeout)
              .toCompletableFuture()
              .get();
      check(completed instanceof PatronReply.CheckoutFinished, completed);
      ItemReply returned =
          sharding
              .entityRefFor(Item.ENTITY_TYPE_KEY, barcode)
              .ask(
                  (ActorRef<ItemReply> r) ->
                      new ItemCommand.Return("ret-" + checkoutId, agencyId, "main", r),
                  timeout)
              .toCompletableFuture()
              .get();
      check(returned instanceof ItemReply.Returned, returned);
    }
    System.out.println("CRASHING " + crashPoint);
    System.out.flush();
    Runtime.getRuntime().halt(137);
  }

  /** Patron i borrows item i, all at once; the JVM halts inside the first acknowledgement. */
  private static void amidBatches(
      CirculationDesk desk, String agencyId, String card, String barcode, String checkoutId)
      throws Exception {
    for (int i = 0; i < AT_ONCE; i++) {
      registerPatronAndItem(desk, agencyId, card + i, barcode + i);
    }
    List<CompletableFuture<?>> checkouts = new java.util.ArrayList<>();
    for (int i = 0; i < AT_ONCE; i++) {
      int n = i;
      checkouts.add(
          desk.checkout(
                  new dk.library.circulation.desk.CheckoutRequest(
                      "crash-test",
                      checkoutId + "-" + n,
                      card + n,
                      "1234",
                      barcode + n,
                      agencyId,
                      "main",
                      null,
                      null))
              .whenComplete(
                  (result, failure) -> {
                    if (result instanceof dk.library.circulation.Result.Ok<?>) {
                      synchronized (CrashingCheckout.class) {
                        System.out.println("ACKNOWLEDGED " + n);
                        System.out.println("CRASHING amid-batches");
                        System.out.flush();
                        Runtime.getRuntime().halt(137);
                      }
                    }
                  })
              .toCompletableFuture());
    }
    // The first acknowledgement halts the JVM; past this, none came.
    CompletableFuture.allOf(checkouts.toArray(CompletableFuture[]::new))
        .handle((all, failure) -> null)
        .get(2, TimeUnit.MINUTES);
    throw new IllegalStateException("no checkout was acknowledged");
  }

  private static void registerPatronAndItem(
      CirculationDesk desk, String agencyId, String card, String barcode) throws Exception {
    retry(
        () ->
            desk.patrons()
                .registerPatron(
                    new PatronRegistration(
                        card,
                        "1234",
                        null,
                        "Crash Patron",
                        null,
                        null,
                        agencyId,
                        null,
                        PatronFacts.inPerson("crash-test", java.time.Instant.EPOCH),
                        null)));
    retry(
        () ->
            desk.registerItem(
                new ItemRegistration(
                    barcode, "T1", "Crash Title", agencyId, "book", null, false, "main")));
  }

  private static void retry(
      java.util.function.Supplier<java.util.concurrent.CompletionStage<?>> step) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        Object result = step.get().toCompletableFuture().get(30, TimeUnit.SECONDS);
        check(result instanceof dk.library.circulation.Result.Ok<?>, result);
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static void check(boolean ok, Object reply) {
    if (!ok) {
      System.out.println("UNEXPECTED " + reply);
      System.out.flush();
      Runtime.getRuntime().halt(2);
    }
  }

  private CrashingCheckout() {}
}
