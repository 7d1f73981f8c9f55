package dk.library.circulation.deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** R30 at national scale: a night's burst of deadlines yields to the patrons being served. */
class YieldingPaceTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long SLOW = Duration.ofMillis(80).toNanos();
  private static final long QUICK = Duration.ofMillis(10).toNanos();

  private final DeadlineKeeper.Pace pace =
      new DeadlineKeeper.Pace(Duration.ofSeconds(1), 4, 200, 5, Duration.ofMinutes(1));
  private final ServingLoad serving = new ServingLoad(Duration.ofMillis(50));
  private final YieldingPace yielding = new YieldingPace(pace, serving, 0);

  @Test
  void R30_itStartsAtTheFloorAndSpacesTargetsByItsRate() {
    assertEquals(0, yielding.delay(0), "the first target at once");
    assertEquals(SECOND / 5, yielding.delay(0), "the next a fifth of a second later");
    assertEquals(2 * SECOND / 5, yielding.delay(0));
    assertEquals(0, yielding.delay(10 * SECOND), "no catching up after an idle spell");
  }

  @Test
  void R30_quickSecondsRaiseTheRateByATwentiethOfTheCeilingUpToIt() {
    long now = 0;
    for (int second = 1; second <= 3; second++) {
      now += SECOND;
      serving.answered(QUICK);
      yielding.delay(now);
    }
    assertEquals(5 + 3 * 10, yielding.perSecond(), 1e-9);
    for (int second = 4; second <= 40; second++) {
      now += SECOND;
      yielding.delay(now);
    }
    assertEquals(200, yielding.perSecond(), 1e-9, "a quiet night runs at the ceiling");
  }

  @Test
  void R30_aSecondWithASlowServingAnswerHalvesTheRateButNeverBelowTheFloor() {
    long now = 0;
    for (int second = 1; second <= 30; second++) {
      now += SECOND;
      yielding.delay(now);
    }
    assertEquals(200, yielding.perSecond(), 1e-9);
    serving.answered(QUICK);
    serving.answered(SLOW);
    now += SECOND;
    yielding.delay(now);
    assertEquals(100, yielding.perSecond(), 1e-9, "one slow answer in the second halves it");
    for (int second = 0; second < 10; second++) {
      serving.answered(SLOW);
      now += SECOND;
      yielding.delay(now);
    }
    assertEquals(5, yielding.perSecond(), 1e-9, "a slow day runs at the floor");
  }

  @Test
  void theRateIsLookedAtOnceASecondNotOnEveryTarget() {
    serving.answered(QUICK);
    yielding.delay(SECOND / 2);
    assertEquals(5, yielding.perSecond(), 1e-9, "half a second: not yet");
    yielding.delay(SECOND);
    assertEquals(15, yielding.perSecond(), 1e-9);
  }
}
