package dk.library.circulation.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Passivation;
import dk.library.circulation.Rejection;
import dk.library.circulation.retention.RecordingJournalEraser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ItemEntityTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  final ConcurrentLinkedQueue<String> noticesSent = new ConcurrentLinkedQueue<>();
  volatile boolean patronAnswers = false;
  final RecordingJournalEraser eraser = new RecordingJournalEraser();

  EventSourcedBehaviorTestKit<ItemCommand, ItemEvent, ItemState> item;

  @BeforeEach
  void setUp() {
    item =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Item.create(
                "X1",
                CLOCK,
                (card, barcode, checkoutId, at, title, hold) -> {
                  noticesSent.add(card + ":" + checkoutId);
                  return patronAnswers
                      ? CompletableFuture.completedFuture(null)
                      : CompletableFuture.failedFuture(
                          new IllegalStateException("patron unreachable"));
                },
                Passivation.NONE,
                eraser));
    item.clear();
    item.<ItemReply>runCommand(
        r ->
            new ItemCommand.Register(
                "T1", "Det forsømte forår", "A1", "book", null, false, "B1", r));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void lendingIsPersistedAndAnotherCheckoutIsRefused() {
    var lent =
        item.<ItemReply>runCommand(
            r -> new ItemCommand.Lend("t1", "C1", "A1", "B1", null, null, r));
    assertInstanceOf(ItemReply.StatusReply.class, lent.reply());
    var second =
        item.<ItemReply>runCommand(
            r -> new ItemCommand.Lend("t2", "C2", "A1", "B1", null, null, r));
    assertEquals(
        Rejection.Code.ITEM_ON_LOAN,
        assertInstanceOf(ItemReply.Rejected.class, second.reply()).rejection().code());
    assertTrue(second.hasNoEvents());
    item.restart();
    assertEquals("C1", item.getState().loan().cardNumber());
  }

  @Test
  void settlingAnUnknownCheckoutRefusesItsLateLend() {
    var settled = item.<ItemReply>runCommand(r -> new ItemCommand.SettleLend("t1", r));
    assertEquals(false, assertInstanceOf(ItemReply.LendSettlement.class, settled.reply()).lent());
    var late =
        item.<ItemReply>runCommand(
            r -> new ItemCommand.Lend("t1", "C1", "A1", "B1", null, null, r));
    assertEquals(
        Rejection.Code.CHECKOUT_CANCELLED,
        assertInstanceOf(ItemReply.Rejected.class, late.reply()).rejection().code());
  }

  @Test
  void R22_aReturnIsKeptUnsettledUntilThePatronConfirmsEvenAcrossRestarts() {
    item.<ItemReply>runCommand(r -> new ItemCommand.Lend("t1", "C1", "A1", "B1", null, null, r));
    var returned = item.<ItemReply>runCommand(r -> new ItemCommand.Return("r1", "A1", "B2", r));
    assertEquals(
        "B2", assertInstanceOf(ItemReply.Returned.class, returned.reply()).receipt().branchId());
    assertNull(returned.state().loan());
    assertEquals(1, returned.state().unsettledReturns().size());

    patronAnswers = true;
    item.restart();
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertTrue(item.getState().unsettledReturns().isEmpty());
              return null;
            });
    assertTrue(noticesSent.contains("C1:t1"));
  }

  @Test
  void R40_theCopyForgetsItsBorrowerAndAnswersOnlyOnceItsJournalIsErasedUnderTheSnapshot() {
    item.<ItemReply>runCommand(r -> new ItemCommand.Lend("t1", "C1", "A1", "B1", null, null, r));
    item.<ItemReply>runCommand(r -> new ItemCommand.Return("r1", "A1", "B2", r));
    patronAnswers = true;
    item.<ItemReply>runCommand(r -> new ItemCommand.ForgetBorrower("unknown", r));
    eraser.erasedBefore.clear();

    var forgotten = item.<ItemReply>runCommand(r -> new ItemCommand.ForgetBorrower("t1", r));
    assertEquals("t1", assertInstanceOf(ItemReply.Forgotten.class, forgotten.reply()).checkoutId());
    assertInstanceOf(ItemEvent.BorrowerForgotten.class, forgotten.event());
    assertNull(forgotten.state().lastReturn(), "no receipt names the borrower");
    assertEquals("B2", forgotten.state().location(), "the copy's own state stays");
    assertEquals(1, forgotten.state().timesLent(), "and that it was lent");
    assertEquals(1, eraser.erasedBefore.size());
    assertTrue(
        eraser.erasedBefore.peek() > 3, "erased under the forgetting's snapshot, not before it");

    item.restart();
    assertNull(item.getState().lastReturn());
    assertNull(item.getState().loan());
  }
}
