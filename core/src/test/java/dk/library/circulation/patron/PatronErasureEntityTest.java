package dk.library.circulation.patron;

import static dk.library.circulation.patron.ReminderRulesTest.POLICY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Passivation;
import dk.library.circulation.Rejection;
import dk.library.circulation.deadline.MemoryDeadlineIndex;
import dk.library.circulation.fee.MemoryDebtCollection;
import dk.library.circulation.retention.RecordingJournalEraser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * R39 through the entity: the cards are retired and a deadline indexed before the deletion is
 * recorded; the records elsewhere go first, the journal next, the deadlines last; a deletion a
 * crash interrupted is finished by the keeper after a restart, and the number is never registered
 * again.
 */
class PatronErasureEntityTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");

  final PatronRemindersEntityTest.MovingClock clock = new PatronRemindersEntityTest.MovingClock();
  final MemoryDeadlineIndex deadlines = new MemoryDeadlineIndex();
  final RecordingJournalEraser eraser = new RecordingJournalEraser();
  final RecordingAccountRecords records = new RecordingAccountRecords();

  final EventSourcedBehaviorTestKit<PatronCommand, PatronEvent, PatronState> patron =
      EventSourcedBehaviorTestKit.create(
          testKit.system(),
          Patron.create(
              "C9",
              clock,
              ZONE,
              (barcode, checkoutId) -> CompletableFuture.completedFuture(true),
              3,
              new PinKey(new byte[32]),
              (patronKey, notice) -> CompletableFuture.completedFuture(Done.getInstance()),
              Passivation.NONE,
              deadlines,
              new MemoryDebtCollection(),
              (barcode, checkoutId) -> CompletableFuture.completedFuture(Done.getInstance()),
              eraser,
              records));

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private void registerBorrowAndReturn() {
    patron.<PatronReply>runCommand(
        r ->
            new PatronCommand.Register(
                PinHash.of("1234", 1000),
                "Tove Ditlevsen",
                "td@example.dk",
                "+4512345678",
                "A1",
                null,
                PatronFacts.inPerson("staff-1", Instant.EPOCH),
                List.of("cpr-hash-of-the-cpr"),
                r));
    patron.<PatronReply>runCommand(r -> new PatronCommand.RecordCard("C10", r));
    patron.<PatronReply>runCommand(
        r ->
            new PatronCommand.BeginCheckout(
                "k1", "1234", "X1", "A1", "B1", POLICY, "book", null, r));
    patron.<PatronReply>runCommand(r -> new PatronCommand.CompleteCheckout("k1", r));
    Instant returnedAt = clock.instant().plus(Duration.ofDays(3));
    clock.now.set(returnedAt);
    patron.<PatronReply>runCommand(r -> new PatronCommand.EndLoan("X1", "k1", returnedAt, r));
  }

  @Test
  void R39_theDeletionRetiresTheCardsErasesTheRecordsElsewhereThenTheJournalThenTheDeadlines() {
    registerBorrowAndReturn();
    assertFalse(deadlines.of(Patron.deadlineTarget("C9")).toCompletableFuture().join().isEmpty());

    var erased = patron.<PatronReply>runCommand(r -> new PatronCommand.EraseAccount("passport", r));

    assertInstanceOf(PatronReply.AccountErased.class, erased.reply());
    assertEquals(List.of("C9", "cpr-hash-of-the-cpr", "C10"), List.copyOf(records.retired));
    AccountErasure erasure = records.erased.peek();
    assertEquals(List.of("X1"), erasure.returned().stream().map(r -> r.barcode()).toList());
    assertEquals(List.of("Patron|C9"), List.copyOf(eraser.erasedWhole));
    assertTrue(
        deadlines.of(Patron.deadlineTarget("C9")).toCompletableFuture().join().isEmpty(),
        "no deadline names the patron");
    assertFalse(patron.getState().registered());
    assertEquals(
        Rejection.Code.CARD_DELETED,
        assertInstanceOf(
                PatronReply.Rejected.class,
                patron
                    .<PatronReply>runCommand(
                        r ->
                            new PatronCommand.Register(
                                PinHash.of("1234", 1000),
                                "Someone Else",
                                null,
                                null,
                                "A1",
                                null,
                                PatronFacts.inPerson("staff-1", Instant.EPOCH),
                                r))
                    .reply())
            .rejection()
            .code());
  }

  @Test
  void R39_aDeletionACrashInterruptedIsFinishedByTheKeeperAfterARestart() {
    registerBorrowAndReturn();
    records.failing.set(1);
    TestProbe<PatronReply> staff = testKit.createTestProbe();

    patron.runCommand(new PatronCommand.EraseAccount("driving-licence", staff.ref()));
    staff.expectNoMessage(Duration.ofMillis(300));
    assertTrue(eraser.erasedWhole.isEmpty(), "the journal is kept while records elsewhere remain");
    Instant takenUp =
        deadlines.of(Patron.deadlineTarget("C9")).toCompletableFuture().join().stream()
            .map(d -> d.due())
            .filter(due -> due.isAfter(clock.instant()))
            .min(Instant::compareTo)
            .orElseThrow();

    patron.restart();
    assertFalse(patron.getState().registered(), "the deletion survives the restart");
    clock.now.set(takenUp);
    var reminded = patron.<PatronReply>runCommand(PatronCommand.Remind::new);

    assertTrue(assertInstanceOf(PatronReply.Reminded.class, reminded.reply()).indexed());
    assertEquals(1, records.erased.size());
    assertEquals(List.of("Patron|C9"), List.copyOf(eraser.erasedWhole));
    assertTrue(deadlines.of(Patron.deadlineTarget("C9")).toCompletableFuture().join().isEmpty());
  }

  @Test
  void R39_anAccountWithALoanIsKeptAndNothingIsRetired() {
    patron.<PatronReply>runCommand(
        r ->
            new PatronCommand.Register(
                PinHash.of("1234", 1000),
                "Tove Ditlevsen",
                null,
                null,
                "A1",
                null,
                PatronFacts.inPerson("staff-1", Instant.EPOCH),
                r));
    patron.<PatronReply>runCommand(
        r ->
            new PatronCommand.BeginCheckout(
                "k1", "1234", "X1", "A1", "B1", POLICY, "book", null, r));
    patron.<PatronReply>runCommand(r -> new PatronCommand.CompleteCheckout("k1", r));

    var refused =
        patron.<PatronReply>runCommand(r -> new PatronCommand.EraseAccount("passport", r));

    assertEquals(
        Rejection.Code.ACCOUNT_NOT_SETTLED,
        assertInstanceOf(PatronReply.Rejected.class, refused.reply()).rejection().code());
    assertTrue(records.retired.isEmpty());
    assertTrue(patron.getState().registered());
  }
}
