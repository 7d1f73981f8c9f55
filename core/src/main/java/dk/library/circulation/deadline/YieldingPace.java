package dk.library.circulation.deadline;

import dk.library.circulation.metrics.EntityMetrics;

/**
 * The keeper's rate of waking targets, yielding to the serving path: once a second it looks at the
 * requests answered in that second and halves its rate if any was slower than the serving target
 * (never below the pace's floor, so a night's work still advances), else raises it by a twentieth
 * of its ceiling. It starts at the floor, so a keeper that starts in the middle of a busy day does
 * not take a second at full rate before it has seen the serving path. A quiet night reaches the
 * ceiling in twenty seconds; a busy day with a slow tail runs near the floor. The same
 * additive-increase, multiplicative-decrease rule as TCP's, for the same reason: it backs off fast
 * when the shared resource suffers and probes back slowly.
 */
final class YieldingPace {

  private static final long SECOND = 1_000_000_000L;

  private final DeadlineKeeper.Pace pace;
  private final ServingLoad serving;
  private double perSecond;
  private long windowStart;
  private long next;

  YieldingPace(DeadlineKeeper.Pace pace, ServingLoad serving, long nanoTime) {
    this.pace = pace;
    this.serving = serving;
    this.perSecond = pace.floorPerSecond();
    this.windowStart = nanoTime;
    this.next = nanoTime;
    EntityMetrics.deadlinePace(perSecond);
  }

  /** How long to wait, from {@code nanoTime}, before the next target is woken. */
  synchronized long delay(long nanoTime) {
    if (nanoTime - windowStart >= SECOND) {
      ServingLoad.Window window = serving.take();
      perSecond =
          window.slow() > 0
              ? Math.max(pace.floorPerSecond(), perSecond / 2)
              : Math.min(pace.perSecond(), perSecond + Math.max(1, pace.perSecond() / 20.0));
      windowStart = nanoTime;
      EntityMetrics.deadlinePace(perSecond);
    }
    long at = Math.max(nanoTime, next);
    next = at + (long) (SECOND / perSecond);
    return at - nanoTime;
  }

  synchronized double perSecond() {
    return perSecond;
  }
}
