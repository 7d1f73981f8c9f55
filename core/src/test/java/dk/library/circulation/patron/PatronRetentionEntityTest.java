package dk.library.circulation.patron;

import static dk.library.circulation.patron.ReminderRulesTest.POLICY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Passivation;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.deadline.MemoryDeadlineIndex;
import dk.library.circulation.fee.MemoryDebtCollection;
import dk.library.circulation.retention.RecordingJournalEraser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * R40 through the entity: a return indexes the end of its window, the keeper's visit then has the
 * copy forget first, and an erasure that fails is taken again after a restart although nothing new
 * is due.
 */
class PatronRetentionEntityTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");

  final PatronRemindersEntityTest.MovingClock clock = new PatronRemindersEntityTest.MovingClock();
  final MemoryDeadlineIndex deadlines = new MemoryDeadlineIndex();
  final ConcurrentLinkedQueue<String> copiesForgetting = new ConcurrentLinkedQueue<>();
  final RecordingJournalEraser eraser = new RecordingJournalEraser();

  {
    eraser.failing.set(1);
  }

  final EventSourcedBehaviorTestKit<PatronCommand, PatronEvent, PatronState> patron =
      EventSourcedBehaviorTestKit.create(
          testKit.system(),
          Patron.create(
              "C7",
              clock,
              ZONE,
              (barcode, checkoutId) -> CompletableFuture.completedFuture(true),
              3,
              new PinKey(new byte[32]),
              (patronKey, notice) -> CompletableFuture.completedFuture(Done.getInstance()),
              Passivation.NONE,
              deadlines,
              new MemoryDebtCollection(),
              (barcode, checkoutId) -> {
                copiesForgetting.add(barcode + ":" + checkoutId);
                return CompletableFuture.completedFuture(Done.getInstance());
              },
              eraser,
              new RecordingAccountRecords()));

  @BeforeEach
  void clearJournal() {
    patron.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void R40_theKeeperHasTheCopyForgetFirstAndAnErasureLeftUndoneIsTakenAgainAfterARestart() {
    register();
    assertInstanceOf(
        PatronReply.CheckoutApproved.class,
        patron
            .<PatronReply>runCommand(
                r ->
                    new PatronCommand.BeginCheckout(
                        "k1", "1234", "X1", "A1", "B1", POLICY, "book", null, r))
            .reply());
    patron.<PatronReply>runCommand(r -> new PatronCommand.CompleteCheckout("k1", r));
    Instant returnedAt = clock.instant().plus(Duration.ofDays(5));
    clock.now.set(returnedAt);
    var ended =
        patron.<PatronReply>runCommand(r -> new PatronCommand.EndLoan("X1", "k1", returnedAt, r));
    assertInstanceOf(PatronReply.LoanEndedReply.class, ended.reply());
    Instant end = returnedAt.plus(Duration.ofDays(30));
    Instant covering = earliestIndexed();
    assertTrue(
        covering.isBefore(end),
        "the loan's first reminder, already indexed, covers the end of the window");
    clock.now.set(covering);
    var reminded = patron.<PatronReply>runCommand(PatronCommand.Remind::new);
    assertTrue(assertInstanceOf(PatronReply.Reminded.class, reminded.reply()).indexed());
    assertTrue(
        deadlines.deadlines.contains(new DeadlineIndex.Deadline(Patron.deadlineTarget("C7"), end)),
        "woken for nothing, the patron indexes the end of the window");

    clock.now.set(end);
    var failed = patron.<PatronReply>runCommand(PatronCommand.Remind::new);
    assertFalse(
        assertInstanceOf(PatronReply.Reminded.class, failed.reply()).indexed(),
        "not erased: the keeper keeps the deadline");
    assertEquals(List.of("X1:k1"), List.copyOf(copiesForgetting), "the copy forgot first");
    assertTrue(patron.getState().history().returned().isEmpty());
    assertTrue(patron.getState().history().erasePending());

    patron.restart();
    assertTrue(patron.getState().history().erasePending(), "the undone erasure survives a restart");
    var again = patron.<PatronReply>runCommand(PatronCommand.Remind::new);
    assertTrue(assertInstanceOf(PatronReply.Reminded.class, again.reply()).indexed());
    assertEquals(1, eraser.erasedBefore.size());
    assertFalse(patron.getState().history().erasePending());
    assertEquals(1, copiesForgetting.size(), "nothing new for the copies");
    patron.restart();
    assertFalse(patron.getState().history().erasePending());
    assertEquals("Karen Blixen", patron.getState().profile().name());
  }

  @Test
  void R40_aRecordErasedElsewhereIsForgottenAndTheEventsNamingItGoUnderASnapshot() {
    eraser.failing.set(0);
    register();
    PatronHistory.NamedIn request =
        new PatronHistory.NamedIn(
            PatronHistory.NamedIn.Kind.INTERLIBRARY_REQUEST, "ill-1", clock.instant());
    patron.<PatronReply>runCommand(r -> new PatronCommand.RecordElsewhere(request, r));
    PatronHistory.NamedIn erased =
        new PatronHistory.NamedIn(PatronHistory.NamedIn.Kind.INTERLIBRARY_REQUEST, "ill-1", null);

    var forgotten =
        patron.<PatronReply>runCommand(r -> new PatronCommand.ForgetElsewhere(erased, r));

    assertInstanceOf(PatronReply.Forgotten.class, forgotten.reply());
    assertEquals(new PatronEvent.ElsewhereForgotten(erased), forgotten.events().get(0));
    assertTrue(patron.getState().history().namedIn().isEmpty());
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertEquals(1, eraser.erasedBefore.size(), "erased under the snapshot");
              assertFalse(patron.getState().history().erasePending());
              return null;
            });
    var again = patron.<PatronReply>runCommand(r -> new PatronCommand.ForgetElsewhere(erased, r));
    assertInstanceOf(PatronReply.Forgotten.class, again.reply());
    assertTrue(again.events().isEmpty(), "a second ask forgets nothing twice");
    patron.restart();
    assertTrue(patron.getState().history().namedIn().isEmpty());
  }

  private void register() {
    patron.<PatronReply>runCommand(
        r ->
            new PatronCommand.Register(
                PinHash.of("1234", 1000),
                "Karen Blixen",
                null,
                null,
                "A1",
                null,
                PatronFacts.inPerson("staff-1", Instant.EPOCH),
                r));
  }

  private Instant earliestIndexed() {
    return deadlines.deadlines.stream()
        .filter(d -> d.target().equals(Patron.deadlineTarget("C7")))
        .map(DeadlineIndex.Deadline::due)
        .min(Instant::compareTo)
        .orElseThrow();
  }
}
