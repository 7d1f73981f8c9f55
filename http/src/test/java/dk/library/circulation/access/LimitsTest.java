package dk.library.circulation.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.library.circulation.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LimitsTest {

  final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));

  @Test
  void aBucketHoldsOneSecondOfRequestsAndRefillsWithTime() {
    RateLimiter limiter = new RateLimiter(clock);
    for (int i = 0; i < 5; i++) {
      assertEquals(0, limiter.acquire("client:a", 5));
    }
    assertEquals(1, limiter.acquire("client:a", 5));
    assertEquals(0, limiter.acquire("client:b", 5), "buckets are per key");
    clock.advance(Duration.ofMillis(200));
    assertEquals(0, limiter.acquire("client:a", 5));
    assertEquals(1, limiter.acquire("client:a", 5));
  }

  @Test
  void failuresBlockAKeyAtTheLimitUntilItsWindowEnds() {
    FailureCounter counter = new FailureCounter(clock, 3, Duration.ofMinutes(15));
    counter.failed("card:1");
    counter.failed("card:1");
    assertEquals(0, counter.blockedFor("card:1"));
    counter.failed("card:1");
    assertEquals(15 * 60, counter.blockedFor("card:1"));
    clock.advance(Duration.ofMinutes(10));
    assertEquals(5 * 60, counter.blockedFor("card:1"));
    clock.advance(Duration.ofMinutes(5));
    assertEquals(0, counter.blockedFor("card:1"));
  }

  @Test
  void aSuccessClearsTheKeysFailures() {
    FailureCounter counter = new FailureCounter(clock, 2, Duration.ofMinutes(15));
    counter.failed("card:1");
    counter.succeeded("card:1");
    counter.failed("card:1");
    assertEquals(0, counter.blockedFor("card:1"));
  }
}
