package dk.library.circulation.patron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Passivation;
import dk.library.circulation.Rejection;
import dk.library.circulation.deadline.MemoryDeadlineIndex;
import dk.library.circulation.fee.DebtCollection;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.retention.RecordingJournalEraser;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A patron's reservations (R2, R21) and notice outbox (R26, R5/R43), on the entity. */
class PatronHoldsAndNoticesTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  static final AgencyPolicy POLICY =
      new AgencyPolicy(
          28,
          2,
          null,
          10,
          2,
          Map.of("child", new AgencyPolicy.CategoryLimits(5, 1)),
          Map.of("book", AgencyPolicy.MaterialRule.standard()),
          Map.of(),
          200,
          AgencyPolicy.Eligibility.open());

  final ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
  volatile boolean senderWorks = true;
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
                ZoneId.of("Europe/Copenhagen"),
                (barcode, checkoutId) -> CompletableFuture.completedFuture(false),
                5,
                new PinKey(new byte[32]),
                (patronKey, notice) -> {
                  if (!senderWorks) {
                    return CompletableFuture.failedFuture(
                        new IllegalStateException("gateway down"));
                  }
                  sent.add(notice.noticeId());
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

  private void register(PatronFacts facts, String category) {
    var result =
        patron.<PatronReply>runCommand(
            r ->
                new PatronCommand.Register(
                    PinHash.of("1234", 1000),
                    "Tove Ditlevsen",
                    "td@example.dk",
                    null,
                    "A1",
                    category,
                    facts,
                    r));
    assertInstanceOf(PatronReply.StatusReply.class, result.reply());
  }

  private PatronReply reserve(String holdId) {
    return patron
        .<PatronReply>runCommand(
            r -> new PatronCommand.ReserveHold(holdId, "A1~T" + holdId, POLICY, r))
        .reply();
  }

  private static Rejection.Code code(PatronReply reply) {
    return ((PatronReply.Rejected) reply).rejection().code();
  }

  @Test
  void R21_reservationsCountUpToTheCategoryLimitAndAnEndedHoldFreesItsPlace() {
    register(PatronFacts.inPerson("staff-1", Instant.EPOCH), null);
    assertInstanceOf(PatronReply.StatusReply.class, reserve("h1"));
    assertInstanceOf(PatronReply.StatusReply.class, reserve("h1"), "the same hold again");
    assertInstanceOf(PatronReply.StatusReply.class, reserve("h2"));
    assertEquals(Rejection.Code.RESERVATION_LIMIT_REACHED, code(reserve("h3")));
    patron.<PatronReply>runCommand(r -> new PatronCommand.ReleaseHold("h1", r));
    assertInstanceOf(PatronReply.StatusReply.class, reserve("h3"));
    patron.restart();
    assertEquals(2, patron.getState().holds().size());
  }

  @Test
  void R21_aCategoryHasItsOwnReservationLimit() {
    register(PatronFacts.inPerson("staff-1", Instant.EPOCH), "child");
    assertInstanceOf(PatronReply.StatusReply.class, reserve("h1"));
    assertEquals(Rejection.Code.RESERVATION_LIMIT_REACHED, code(reserve("h2")));
  }

  @Test
  void R2_aPatronRegisteredByPhoneMayNotReserveUntilStaffSawId() {
    register(
        new PatronFacts(
            "phone", "cpr", null, null, "DK", null, true, java.util.List.of(), null, null),
        null);
    assertEquals(Rejection.Code.IDENTITY_NOT_VERIFIED, code(reserve("h1")));
    patron.<PatronReply>runCommand(
        r -> new PatronCommand.VerifyIdentity("passport seen", "staff-1", r));
    assertInstanceOf(PatronReply.StatusReply.class, reserve("h1"));
  }

  @Test
  void R46_aSuspendedPatronMayNotReserve() {
    register(PatronFacts.inPerson("staff-1", Instant.EPOCH), null);
    patron.<PatronReply>runCommand(
        r -> new PatronCommand.Suspend(LocalDate.parse("2026-12-31"), "House rules", "staff-1", r));
    assertEquals(Rejection.Code.PATRON_SUSPENDED, code(reserve("h1")));
  }

  @Test
  void R43_R26_aNoticeGoesByEmailByDefaultAndIsSentOnce() {
    register(PatronFacts.inPerson("staff-1", Instant.EPOCH), null);
    patron.<PatronReply>runCommand(
        r -> new PatronCommand.Notify("n1", "hold-ready", Map.of("title", "Vejen"), r));
    patron.<PatronReply>runCommand(
        r -> new PatronCommand.Notify("n1", "hold-ready", Map.of("title", "Vejen"), r));
    var notices =
        (PatronReply.NoticesReply)
            patron.<PatronReply>runCommand(PatronCommand.GetNotices::new).reply();
    assertEquals(1, notices.notices().size());
    assertEquals("email", notices.notices().get(0).channel());
    assertEquals("td@example.dk", notices.notices().get(0).address());
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(1, sent.size());
              assertNotNull(patron.getState().notices().get(0).sentAt());
              return null;
            });
  }

  @Test
  void aNoticeTheSenderFailedIsSentAgainAfterARestart() {
    register(PatronFacts.inPerson("staff-1", Instant.EPOCH), null);
    senderWorks = false;
    patron.<PatronReply>runCommand(
        r -> new PatronCommand.Notify("n1", "hold-ready", Map.of("title", "Vejen"), r));
    assertNull(patron.getState().notices().get(0).sentAt());
    senderWorks = true;
    patron.restart();
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(1, sent.size());
              assertNotNull(patron.getState().notices().get(0).sentAt());
              return null;
            });
  }
}
