package dk.library.circulation.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.retention.RecordingJournalEraser;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AuditTrailTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void recordsAreKeptInOrderAndSurviveARestart() {
    EventSourcedBehaviorTestKit<AuditTrail.Command, AuditTrail.Event, AuditTrail.State> trail =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), AuditTrail.create("2026-11-22", new RecordingJournalEraser()));
    AuditRecord first =
        new AuditRecord(
            Instant.parse("2026-11-22T09:00:00Z"),
            "staff-1",
            "staff",
            "10.0.0.7",
            "REGISTER_PATRON",
            "patron ******1234",
            201,
            null);
    AuditRecord second =
        new AuditRecord(
            Instant.parse("2026-11-22T09:01:00Z"),
            "operator-1",
            "operator",
            "10.0.0.8",
            "REVOKE_CLIENT",
            "client staff-1",
            200,
            null);
    assertEquals(
        1L,
        trail
            .<AuditTrail.Appended>runCommand(r -> new AuditTrail.Append(first, r))
            .reply()
            .sequenceNr());
    trail.<AuditTrail.Appended>runCommand(r -> new AuditTrail.Append(second, r));
    trail.restart();
    AuditTrail.Records records = trail.<AuditTrail.Records>runCommand(AuditTrail.Get::new).reply();
    assertEquals(LocalDate.parse("2026-11-22"), records.day());
    assertEquals(java.util.List.of(first, second), records.records());
  }

  @Test
  void R40_aDaysTrailIsErasedWholeAndTheEntityStops() {
    RecordingJournalEraser eraser = new RecordingJournalEraser();
    var trail = testKit.spawn(AuditTrail.create("2026-05-01", eraser));
    var appended = testKit.<AuditTrail.Appended>createTestProbe();
    trail.tell(
        new AuditTrail.Append(
            new AuditRecord(
                Instant.parse("2026-05-01T09:00:00Z"),
                "staff-1",
                "staff",
                "10.0.0.7",
                "LOST_CARD",
                "card ******1234",
                200,
                null),
            appended.getRef()));
    appended.expectMessage(new AuditTrail.Appended(1));
    var erased = testKit.<AuditTrail.Erased>createTestProbe();

    trail.tell(new AuditTrail.Erase(erased.getRef()));

    erased.expectMessage(new AuditTrail.Erased());
    erased.expectTerminated(trail);
    assertEquals(
        java.util.List.of("AuditTrail|2026-05-01"), java.util.List.copyOf(eraser.erasedWhole));
  }
}
