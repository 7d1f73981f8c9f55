package dk.library.circulation.access;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-caller request rates as token buckets: a bucket holds one second's worth of requests and
 * refills continuously. Time comes from the injected clock, so tests control refills.
 */
public final class RateLimiter {

  private static final int MAX_BUCKETS = 100_000;

  private static final class Bucket {
    private double tokens;
    private long lastMillis;

    Bucket(double tokens, long lastMillis) {
      this.tokens = tokens;
      this.lastMillis = lastMillis;
    }
  }

  private final Clock clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(Clock clock) {
    this.clock = clock;
  }

  /** Takes one request from the key's bucket: 0 when allowed, else the seconds to wait. */
  public long acquire(String key, int perSecond) {
    long now = clock.millis();
    if (buckets.size() > MAX_BUCKETS) {
      buckets.values().removeIf(b -> now - b.lastMillis > 60_000);
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(perSecond, now));
    synchronized (bucket) {
      bucket.tokens =
          Math.min(perSecond, bucket.tokens + (now - bucket.lastMillis) * perSecond / 1000.0);
      bucket.lastMillis = Math.max(bucket.lastMillis, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond));
    }
  }
}
