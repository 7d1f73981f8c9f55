package dk.library.circulation.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Passivation;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A transaction id is one checkout's: its retries are granted, anything else is refused. */
class TransactionClaimTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final LocalDate DAY = LocalDate.of(2026, 11, 22);

  EventSourcedBehaviorTestKit<
          TransactionClaim.Command, TransactionClaim.Event, TransactionClaim.State>
      claim;

  @BeforeEach
  void setUp() {
    claim =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            TransactionClaim.create(
                "kiosk-1/t-1", Clock.fixed(NOW, ZoneOffset.UTC), Passivation.NONE));
    claim.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private TransactionClaim.Reply claim(LocalDate day, String fingerprint) {
    return claim
        .<TransactionClaim.Reply>runCommand(r -> new TransactionClaim.Claim(day, fingerprint, r))
        .reply();
  }

  @Test
  void theFirstCheckoutClaimsTheIdAndItsRetriesAreGranted() {
    assertInstanceOf(TransactionClaim.Granted.class, claim(DAY, "f1"));
    assertInstanceOf(TransactionClaim.Granted.class, claim(DAY, "f1"));

    assertEquals(new TransactionClaim.State(DAY, "f1", NOW), claim.getState());
    assertEquals(new TransactionClaim.Taken(NOW), claim(DAY, "f2"));
  }

  @Test
  void R40_aClaimAskedUnderAnotherDaysKeyNamesItsOwnDayAndStaysAsItWas() {
    claim(DAY, "f1");

    assertEquals(new TransactionClaim.ClaimedOn(DAY, NOW), claim(DAY.plusDays(1), "f9"));
    assertEquals(new TransactionClaim.State(DAY, "f1", NOW), claim.getState());
  }

  @Test
  void theClaimSurvivesARestart() {
    claim(DAY, "f1");
    claim.restart();

    assertEquals(new TransactionClaim.Taken(NOW), claim(DAY, "f2"));
    assertInstanceOf(TransactionClaim.Granted.class, claim(DAY, "f1"));
  }
}
