package dk.library.circulation.cache;

import dk.library.circulation.Result;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * This node's copy of records that every request reads and that change rarely: agencies, their
 * current policies, API clients. A request served from here asks no entity. The entity stays the
 * single writer and the truth:
 *
 * <ul>
 *   <li>a change made through this node replaces the copy with the entity's answer before the
 *       change is acknowledged, so this node never serves what it has already changed;
 *   <li>the change is announced to the other nodes ({@link CacheInvalidations}), which drop their
 *       copy and ask the entity on next use;
 *   <li>a copy is kept at most {@code timeToLive}, which bounds how stale another node can be if
 *       the node that made a change died before its announcement went out.
 * </ul>
 *
 * Only found records are kept: an unknown id is asked every time, so a record created on another
 * node is seen at once.
 */
public final class NodeCache<V> {

  private final String name;
  private final long timeToLiveNanos;
  private final int maxEntries;
  private final CacheInvalidations invalidations;
  private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();

  /** Counts changes: a load that began before a change must not store what it read. */
  private final AtomicLong changes = new AtomicLong();

  private record Entry<V>(V value, long storedAt) {}

  public NodeCache(
      String name, Duration timeToLive, int maxEntries, CacheInvalidations invalidations) {
    this.name = name;
    this.timeToLiveNanos = timeToLive.toNanos();
    this.maxEntries = maxEntries;
    this.invalidations = invalidations;
    invalidations.register(name, this::forget);
  }

  /** The kept copy, or what {@code load} answers (kept when found). */
  public CompletionStage<Result<V>> get(String key, Supplier<CompletionStage<Result<V>>> load) {
    Entry<V> entry = entries.get(key);
    if (entry != null && System.nanoTime() - entry.storedAt() < timeToLiveNanos) {
      return CompletableFuture.completedFuture(Result.ok(entry.value()));
    }
    long before = changes.get();
    return load.get()
        .thenApply(
            result -> {
              if (result instanceof Result.Ok<V> ok && changes.get() == before) {
                store(key, ok.value());
              }
              return result;
            });
  }

  /**
   * After the entity persisted a change: keep its answer here and tell the other nodes. A refused
   * change keeps nothing.
   */
  public CompletionStage<Result<V>> changed(String key, CompletionStage<Result<V>> change) {
    return change.thenApply(
        result -> {
          changes.incrementAndGet();
          entries.remove(key);
          if (result instanceof Result.Ok<V> ok) {
            store(key, ok.value());
            invalidations.announce(name, key);
          }
          return result;
        });
  }

  private void store(String key, V value) {
    if (entries.size() >= maxEntries) {
      // Far more agencies or clients than any nation has: start over rather than grow.
      entries.clear();
    }
    entries.put(key, new Entry<>(value, System.nanoTime()));
  }

  private void forget(String key) {
    changes.incrementAndGet();
    entries.remove(key);
  }
}
