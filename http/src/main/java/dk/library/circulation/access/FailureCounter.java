package dk.library.circulation.access;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failures per key (a card's wrong PINs, a terminal's wrong PINs, an address's failed
 * logins) in fixed windows; at the limit the key is refused until its window ends. Kept in memory
 * on each node: it slows guessing down, the patron's durable PIN lockout stops it.
 */
public final class FailureCounter {

  private static final int MAX_KEYS = 100_000;

  private record Window(long startMillis, int failures) {}

  private final Clock clock;
  private final int limit;
  private final long windowMillis;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  public FailureCounter(Clock clock, int limit, Duration window) {
    this.clock = clock;
    this.limit = limit;
    this.windowMillis = window.toMillis();
  }

  /** 0 when the key may try again, else the seconds until its window ends. */
  public long blockedFor(String key) {
    Window w = windows.get(key);
    long now = clock.millis();
    if (w == null || now - w.startMillis() >= windowMillis || w.failures() < limit) {
      return 0;
    }
    return Math.max(1, (w.startMillis() + windowMillis - now + 999) / 1000);
  }

  public void failed(String key) {
    long now = clock.millis();
    if (windows.size() > MAX_KEYS) {
      windows.values().removeIf(w -> now - w.startMillis() >= windowMillis);
    }
    windows.compute(
        key,
        (k, w) ->
            w == null || now - w.startMillis() >= windowMillis
                ? new Window(now, 1)
                : new Window(w.startMillis(), w.failures() + 1));
  }

  public void succeeded(String key) {
    windows.remove(key);
  }
}
