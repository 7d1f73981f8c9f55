package dk.library.circulation.patron;

import static dk.library.circulation.patron.ReminderRulesTest.DUE;
import static dk.library.circulation.patron.ReminderRulesTest.POLICY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Passivation;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.deadline.MemoryDeadlineIndex;
import dk.library.circulation.fee.DebtCollection;
import dk.library.circulation.fee.MemoryDebtCollection;
import dk.library.circulation.notice.Notice;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.retention.RecordingJournalEraser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The schedule after a due date through the entity, with a restart between every step: nothing
 * recorded is lost, no notice is recorded or sent twice, and the next deadline is always indexed
 * before a step is recorded (R30, R31, R33, R34).
 */
class PatronRemindersEntityTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");

  /** The injected clock, moved by the test. */
  static final class MovingClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(ReminderRulesTest.NOW_AT_CHECKOUT);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  final MovingClock clock = new MovingClock();
  final MemoryDeadlineIndex deadlines = new MemoryDeadlineIndex();
  final MemoryDebtCollection debts = new MemoryDebtCollection();
  final ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();

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
              (patronKey, notice) -> {
                sent.add(notice.noticeId());
                return CompletableFuture.completedFuture(Done.getInstance());
              },
              Passivation.NONE,
              deadlines,
              debts,
              (barcode, checkoutId) -> CompletableFuture.completedFuture(Done.getInstance()),
              new RecordingJournalEraser(),
              new RecordingAccountRecords()));

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private void lend(String checkoutId, String barcode) {
    lend(checkoutId, barcode, POLICY);
  }

  private void lend(String checkoutId, String barcode, AgencyPolicy policy) {
    assertInstanceOf(
        PatronReply.CheckoutApproved.class,
        patron
            .<PatronReply>runCommand(
                r ->
                    new PatronCommand.BeginCheckout(
                        checkoutId, "1234", barcode, "A1", "B1", policy, "book", null, r))
            .reply());
    assertInstanceOf(
        PatronReply.CheckoutFinished.class,
        patron
            .<PatronReply>runCommand(r -> new PatronCommand.CompleteCheckout(checkoutId, r))
            .reply());
  }

  /** The deadline keeper's visit on {@code day}, then a restart; returns the templates recorded. */
  private List<String> wakeOnAndRestart(LocalDate day) {
    clock.now.set(day.atStartOfDay(ZONE).toInstant());
    var result = patron.<PatronReply>runCommand(PatronCommand.Remind::new);
    assertEquals(true, assertInstanceOf(PatronReply.Reminded.class, result.reply()).indexed());
    List<String> templates = new ArrayList<>();
    result.events().stream()
        .filter(e -> e instanceof PatronEvent.NoticeRecorded)
        .forEach(e -> templates.add(((PatronEvent.NoticeRecorded) e).notice().templateKey()));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertTrue(patron.getState().notices().stream().allMatch(n -> n.sentAt() != null));
              return null;
            });
    patron.restart();
    var again = patron.<PatronReply>runCommand(PatronCommand.Remind::new);
    assertTrue(again.events().isEmpty(), "the same deadline again after a restart changes nothing");
    return templates;
  }

  /** The latest reminder deadline indexed (the idle account's notice, R38, is years away). */
  private Instant indexedNext() {
    Instant yearAhead = clock.instant().plus(java.time.Duration.ofDays(365));
    return deadlines.deadlines.stream()
        .filter(d -> d.target().equals(Patron.deadlineTarget("C9")))
        .map(DeadlineIndex.Deadline::due)
        .filter(due -> due.isBefore(yearAhead))
        .max(Instant::compareTo)
        .orElseThrow();
  }

  @Test
  void R30_R31_R33_R34_fromCheckoutToExclusionWithARestartBetweenEveryStep() {
    register();
    assertEquals(1, deadlines.deadlines.size(), "registration indexes the idle account's notice");
    lend("t1", "X1");
    assertEquals(2, deadlines.deadlines.size(), "the first loan indexes its due-soon day");
    lend("t2", "X2");
    assertEquals(2, deadlines.deadlines.size(), "a second loan due the same day needs none");
    assertEquals(DUE.minusDays(3).atStartOfDay(ZONE).toInstant(), indexedNext());

    assertEquals(List.of("loan-due-soon", "loan-due-soon"), wakeOnAndRestart(DUE.minusDays(3)));
    assertEquals(DUE.plusDays(1).atStartOfDay(ZONE).toInstant(), indexedNext());
    for (int day : new int[] {1, 14, 28}) {
      assertEquals(List.of("loan-overdue", "loan-overdue"), wakeOnAndRestart(DUE.plusDays(day)));
    }
    assertEquals(240, patron.getState().ledger().balanceDkk(), "2 x (20 + 40 + 60)");

    List<String> lost = wakeOnAndRestart(DUE.plusDays(35));
    assertEquals(List.of("loan-lost", "loan-lost", "exclusion-announced"), lost);
    assertEquals(240 + 2 * 350, patron.getState().ledger().balanceDkk());
    LocalDate effective = DUE.plusDays(42);
    assertEquals(effective.atStartOfDay(ZONE).toInstant(), indexedNext());

    assertEquals(List.of("exclusion-in-force"), wakeOnAndRestart(effective));
    assertTrue(patron.getState().exclusion().inForce());
    assertEquals(
        sent.size(), sent.stream().distinct().count(), "no notice was handed over twice: " + sent);
    // R40: what was sent more than 30 days ago is forgotten; everything kept was sent.
    Instant monthAgo = clock.instant().minus(RetentionRules.SENT_NOTICES_KEPT);
    List<Notice> kept = patron.getState().notices();
    assertTrue(kept.size() < sent.size(), "older notices forgotten");
    assertTrue(kept.stream().allMatch(n -> n.sentAt().isAfter(monthAgo)), kept.toString());
    assertTrue(sent.containsAll(kept.stream().map(Notice::noticeId).toList()));

    patron.<PatronReply>runCommand(r -> new PatronCommand.LiftExclusion("staff-1", r));
    patron.restart();
    assertNull(patron.getState().exclusion());
  }

  private void register() {
    patron.<PatronReply>runCommand(
        r ->
            new PatronCommand.Register(
                PinHash.of("1234", 1000),
                "Tove Ditlevsen",
                "td@example.dk",
                null,
                "A1",
                null,
                PatronFacts.inPerson("staff-1", Instant.EPOCH),
                r));
  }

  private long entries(DebtCollection.Kind kind) {
    return debts.entries.values().stream().filter(e -> e.kind() == kind).count();
  }

  @Test
  void R35_handOverPaymentAndWriteOffAreInTheCollectionLedgerOnceBeforeTheyAreRecorded() {
    register();
    lend("t1", "X1", ReminderRulesTest.WITH_COLLECTION);
    for (int day : new int[] {1, 14, 28, 35}) {
      wakeOnAndRestart(DUE.plusDays(day));
    }
    assertEquals(List.of("claim-handed-over"), wakeOnAndRestart(DUE.plusDays(50)));
    assertEquals(1, entries(DebtCollection.Kind.HANDED_OVER));
    DebtCollection.Entry handed = debts.entries.values().iterator().next();
    assertEquals(470, handed.amountDkk());
    assertEquals("Tove Ditlevsen", handed.name());

    for (int delivery = 0; delivery < 2; delivery++) {
      patron.<PatronReply>runCommand(r -> new PatronCommand.Pay("p1", 100, r));
      patron.restart();
    }
    assertEquals(1, entries(DebtCollection.Kind.PAID), "the same payment once");
    assertEquals(370, patron.getState().ledger().openClaimsDkk());

    patron.<PatronReply>runCommand(r -> new PatronCommand.WriteOffClaims("w1", "staff-1", r));
    patron.restart();
    assertEquals(1, entries(DebtCollection.Kind.WRITTEN_OFF));
    assertEquals(0, patron.getState().ledger().openClaimsDkk());
    assertEquals(0, patron.getState().ledger().balanceDkk());
  }
}
