package dk.library.circulation.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;

/**
 * How many entities of one type a node keeps live before the least recently used leave memory:
 * {@code library.active-entity-limit}, a number or {@code auto}. Auto fits the heap: half of it for
 * the four entity types that grow with the population (patrons, cards, items, titles) at the
 * measured ~5 KiB per live entity (docs/benchmarks.md, "Memory run"); the rest is for everything
 * else. A 1 GiB heap keeps about 26,000 per type, a 4 GiB heap about 105,000.
 */
final class EntityLimit {

  static final String SETTING = "library.active-entity-limit";

  static final String SHARDING_SETTING =
      "pekko.cluster.sharding.passivation.library-strategy.active-entity-limit";

  /** Bytes one live entity costs, measured with a margin (4.72 KiB measured). */
  static final long BYTES_PER_ENTITY = 5 * 1024;

  /** The entity types whose count grows with the population. */
  static final int GROWING_TYPES = 4;

  private EntityLimit() {}

  static int of(Config config, long maxHeapBytes) {
    String value = config.getString(SETTING).trim();
    if (value.equals("auto")) {
      return (int) Math.max(1_000, maxHeapBytes / 2 / GROWING_TYPES / BYTES_PER_ENTITY);
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit > 0) {
        return limit;
      }
    } catch (NumberFormatException notANumber) {
      // refused below
    }
    throw new IllegalArgumentException(
        SETTING
            + " (LIBRARY_ACTIVE_ENTITY_LIMIT) must be 'auto' or a positive number, was '"
            + value
            + "'");
  }

  static Config applyTo(Config config, long maxHeapBytes) {
    return config.withValue(
        SHARDING_SETTING, ConfigValueFactory.fromAnyRef(of(config, maxHeapBytes)));
  }
}
