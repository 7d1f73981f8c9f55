package dk.library.circulation.deadline;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * How the serving path fares on this node: every API request and SIP2 message answered, and how
 * many took longer than the serving target. The deadline keeper reads it to yield: a night's burst
 * of reminders slows down as soon as patrons' requests grow slow, and speeds up again while they
 * are quick or there are none (see {@link YieldingPace}).
 */
public final class ServingLoad {

  private final long slowNanos;
  private final LongAdder answered = new LongAdder();
  private final LongAdder slow = new LongAdder();

  /** Requests that take longer than {@code slow} count against background work. */
  public ServingLoad(Duration slow) {
    if (slow.isNegative() || slow.isZero()) {
      throw new IllegalArgumentException("deadlines.yield-when-serving-slower-than must be > 0");
    }
    this.slowNanos = slow.toNanos();
  }

  /** One request or message answered, {@code nanos} after it arrived. */
  public void answered(long nanos) {
    answered.increment();
    if (nanos > slowNanos) {
      slow.increment();
    }
  }

  /** What was answered since the last call; one reader (the keeper's pace) takes them. */
  Window take() {
    return new Window(answered.sumThenReset(), slow.sumThenReset());
  }

  record Window(long answered, long slow) {}
}
