package dk.library.circulation.patron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Passivation;
import dk.library.circulation.Rejection;
import dk.library.circulation.card.Card;
import dk.library.circulation.deadline.MemoryDeadlineIndex;
import dk.library.circulation.fee.DebtCollection;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.retention.RecordingJournalEraser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PatronEntityTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");
  static final AgencyPolicy POLICY = AgencyPolicy.simple(28, 5, 2);

  /** The item side as the patron sees it: which settlements were asked, and the answer to give. */
  final ConcurrentLinkedQueue<String> settlementsAsked = new ConcurrentLinkedQueue<>();

  volatile boolean itemSaysLent = true;

  final ConcurrentLinkedQueue<String> noticesSent = new ConcurrentLinkedQueue<>();

  EventSourcedBehaviorTestKit<PatronCommand, PatronEvent, PatronState> patron;
  final MemoryDeadlineIndex deadlines = new MemoryDeadlineIndex();
  final DebtCollection debts = DebtCollection.none();

  @BeforeEach
  void setUp() {
    patron =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Patron.create(
                "C1",
                CLOCK,
                ZONE,
                (barcode, checkoutId) -> {
                  settlementsAsked.add(checkoutId);
                  return CompletableFuture.completedFuture(itemSaysLent);
                },
                3,
                new PinKey(new byte[32]),
                (patronKey, notice) -> {
                  noticesSent.add(notice.noticeId());
                  return CompletableFuture.completedFuture(Done.getInstance());
                },
                Passivation.NONE,
                deadlines,
                debts,
                (barcode, checkoutId) -> CompletableFuture.completedFuture(Done.getInstance()),
                new RecordingJournalEraser(),
                new RecordingAccountRecords()));
    patron.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private void register() {
    var result =
        patron.<PatronReply>runCommand(
            r ->
                new PatronCommand.Register(
                    PinHash.of("1234", 1000),
                    "Inger Christensen",
                    "ic@example.dk",
                    null,
                    "A1",
                    null,
                    PatronFacts.inPerson("staff-1", java.time.Instant.EPOCH),
                    r));
    assertInstanceOf(PatronReply.StatusReply.class, result.reply());
  }

  private PatronReply begin(String checkoutId, String barcode) {
    return patron
        .<PatronReply>runCommand(
            r ->
                new PatronCommand.BeginCheckout(
                    checkoutId, "1234", barcode, "A1", "B1", POLICY, "book", null, r))
        .reply();
  }

  @Test
  void R1_registrationIsPersistedAndSurvivesRestart() {
    register();
    patron.restart();
    assertEquals("Inger Christensen", patron.getState().profile().name());
  }

  @Test
  void R12_thePatronAnswersForItsOwnCardAndRefusesItOnceItsLossIsRecorded() {
    PatronReply.Identified unknown =
        (PatronReply.Identified)
            patron.<PatronReply>runCommand(PatronCommand.Identify::new).reply();
    assertEquals(new PatronReply.Identified(false, false, null), unknown);
    register();
    assertEquals(
        new PatronReply.Identified(true, true, null),
        patron.<PatronReply>runCommand(PatronCommand.Identify::new).reply());

    Card.Lost lost = new Card.Lost("C2", "staff-1", CLOCK.instant());
    var recorded =
        patron.<PatronReply>runCommand(r -> new PatronCommand.RecordOwnCardLost(lost, r));
    assertEquals(List.of(new PatronEvent.OwnCardLost(lost)), recorded.events());
    var again =
        patron.<PatronReply>runCommand(
            r ->
                new PatronCommand.RecordOwnCardLost(
                    new Card.Lost("C3", "staff-2", Instant.MAX), r));
    assertTrue(again.events().isEmpty(), "the first report stands");
    patron.restart();
    assertEquals(
        new PatronReply.Identified(true, true, lost),
        patron.<PatronReply>runCommand(PatronCommand.Identify::new).reply());
  }

  @Test
  void R12_aPatronRegisteredBeforePatronsRecordedTheirCardsLossLeavesTheCardToItsEntity() {
    PatronState before =
        PatronState.empty()
            .apply(
                new PatronEvent.Registered(
                    "C1",
                    PinHash.of("1234", 1000),
                    "Inger Christensen",
                    null,
                    null,
                    "A1",
                    null,
                    PatronFacts.inPerson("staff-1", Instant.EPOCH),
                    Instant.EPOCH,
                    null,
                    null,
                    null));
    assertTrue(before.registered());
    assertEquals(false, before.profile().ownCardKnown());
  }

  @Test
  void R17_checkoutBeginsThenCompletesIntoALoanWithAReceipt() {
    register();
    assertInstanceOf(PatronReply.CheckoutApproved.class, begin("t1", "X1"));
    var done = patron.<PatronReply>runCommand(r -> new PatronCommand.CompleteCheckout("t1", r));
    PatronReply.CheckoutFinished finished =
        assertInstanceOf(PatronReply.CheckoutFinished.class, done.reply());
    assertEquals("2026-12-20", finished.outcome().receipt().dueDate().toString());
    assertEquals(1, done.state().loans().size());
    // A lost reply: the same transaction again answers the same receipt and adds nothing.
    PatronReply.CheckoutFinished again =
        assertInstanceOf(PatronReply.CheckoutFinished.class, begin("t1", "X1"));
    assertEquals(finished.outcome(), again.outcome());
    assertEquals(1, patron.getState().loans().size());
  }

  @Test
  void R4_aWrongPinIsCountedAndNothingElseChanges() {
    register();
    var result =
        patron.<PatronReply>runCommand(
            r ->
                new PatronCommand.BeginCheckout(
                    "t1", "9999", "X1", "A1", "B1", POLICY, "book", null, r));
    assertEquals(
        Rejection.Code.WRONG_PIN,
        assertInstanceOf(PatronReply.Rejected.class, result.reply()).rejection().code());
    assertInstanceOf(PatronEvent.WrongPinEntered.class, result.event());
    assertTrue(patron.getState().pending().isEmpty());
    assertEquals(1, patron.getState().pinGuard().wrongPins());
  }

  @Test
  void R4_threeWrongPinsInARowLockTheCardAcrossRestartsUntilStaffUnlockIt() {
    register();
    for (int i = 0; i < 3; i++) {
      patron.<PatronReply>runCommand(r -> new PatronCommand.CheckPin("9999", r));
    }
    patron.restart();
    var rightPin = patron.<PatronReply>runCommand(r -> new PatronCommand.CheckPin("1234", r));
    assertEquals(
        Rejection.Code.PIN_LOCKED,
        assertInstanceOf(PatronReply.Rejected.class, rightPin.reply()).rejection().code());
    patron.<PatronReply>runCommand(r -> new PatronCommand.UnlockPin("staff-1", r));
    assertInstanceOf(
        PatronReply.StatusReply.class,
        patron.<PatronReply>runCommand(r -> new PatronCommand.CheckPin("1234", r)).reply());
  }

  @Test
  void R4_aRightPinClearsTheCountAndAResetPinRecordsTheIdentityCheck() {
    register();
    patron.<PatronReply>runCommand(r -> new PatronCommand.CheckPin("9999", r));
    patron.<PatronReply>runCommand(r -> new PatronCommand.CheckPin("9999", r));
    patron.<PatronReply>runCommand(r -> new PatronCommand.CheckPin("1234", r));
    assertEquals(0, patron.getState().pinGuard().wrongPins());
    var reset =
        patron.<PatronReply>runCommand(
            r ->
                new PatronCommand.ResetPin(
                    PinHash.of("4321", 1000), "passport seen", "staff-2", r));
    PatronEvent.PinReset event = assertInstanceOf(PatronEvent.PinReset.class, reset.event());
    assertEquals("passport seen", event.identityCheck().method());
    assertEquals("staff-2", event.identityCheck().verifiedBy());
    assertInstanceOf(
        PatronReply.Rejected.class,
        patron.<PatronReply>runCommand(r -> new PatronCommand.CheckPin("1234", r)).reply());
    assertInstanceOf(
        PatronReply.StatusReply.class,
        patron.<PatronReply>runCommand(r -> new PatronCommand.CheckPin("4321", r)).reply());
  }

  @Test
  void aCheckoutLeftPendingByACrashIsCompletedWhenTheItemWasLent() {
    register();
    begin("t1", "X1");
    itemSaysLent = true;
    patron.restart();
    awaitNoPending();
    assertEquals(List.of("t1"), List.copyOf(settlementsAsked));
    assertEquals("t1", patron.getState().loans().get("X1").checkoutId());
  }

  @Test
  void aCheckoutLeftPendingByACrashIsAbandonedWhenTheItemWasNotLent() {
    register();
    begin("t1", "X1");
    itemSaysLent = false;
    patron.restart();
    awaitNoPending();
    assertTrue(patron.getState().loans().isEmpty());
    assertEquals(
        Rejection.Code.CHECKOUT_CANCELLED,
        patron.getState().outcomes().get("t1").rejection().code());
  }

  @Test
  void R19_renewalIsPersistedWithItsCount() {
    register();
    begin("t1", "X1");
    patron.<PatronReply>runCommand(r -> new PatronCommand.CompleteCheckout("t1", r));
    var result =
        patron.<PatronReply>runCommand(
            r ->
                new PatronCommand.Renew(
                    "1234",
                    List.of("X1"),
                    // The agency lengthened its loan period since: the renewal moves the due date.
                    Map.of("A1", AgencyPolicy.simple(35, 5, 2)),
                    java.util.Set.of(),
                    200,
                    r));
    assertInstanceOf(PatronReply.Renewals.class, result.reply());
    assertEquals(1, result.state().loans().get("X1").renewals());
    patron.restart();
    assertEquals(1, patron.getState().loans().get("X1").renewals());
  }

  private void awaitNoPending() {
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertTrue(patron.getState().pending().isEmpty());
          return null;
        });
  }

  @Test
  void R5_R11_contactDataUpdatedByThePatronSurvivesARestart() {
    register();
    var updated =
        patron.<PatronReply>runCommand(
            r -> new PatronCommand.UpdateContact(null, "+45 12345678", "sms", "patron", r));
    assertEquals(
        "sms",
        assertInstanceOf(PatronReply.StatusReply.class, updated.reply()).status().noticeChannel());
    patron.restart();
    assertEquals("+45 12345678", patron.getState().profile().mobile());
    assertEquals("sms", patron.getState().profile().noticeChannel());
  }
}
