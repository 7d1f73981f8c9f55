package dk.library.circulation.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.card.CprIndex;
import dk.library.circulation.deadline.DeadlineIndex.Deadline;
import dk.library.circulation.deadline.MemoryDeadlineIndex;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;

/**
 * R40 for transaction claims: a checkout's fingerprint is a keyed hash under its day's random key,
 * the key is stored only wrapped, and once its deadline deletes it no fingerprint of that day can
 * be made again, on any node.
 */
class TransactionKeysTest {

  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");
  static final CprIndex MASTER =
      new CprIndex("a secret of at least 32 bytes, for tests".getBytes());

  /** Day keys in a map, as Cassandra's table holds them. */
  static final class MemoryStore implements TransactionKeys.Store {
    final Map<LocalDate, byte[]> rows = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Optional<byte[]>> read(LocalDate day) {
      return CompletableFuture.completedFuture(Optional.ofNullable(rows.get(day)));
    }

    @Override
    public CompletionStage<byte[]> putIfAbsent(LocalDate day, byte[] wrapped) {
      byte[] before = rows.putIfAbsent(day, wrapped);
      return CompletableFuture.completedFuture(before != null ? before : wrapped);
    }

    @Override
    public CompletionStage<Done> delete(LocalDate day) {
      rows.remove(day);
      return CompletableFuture.completedFuture(Done.getInstance());
    }
  }

  /** A clock the test moves. */
  static final class Moving extends Clock {
    Instant now = Instant.parse("2026-11-22T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZONE;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final MemoryStore store = new MemoryStore();
  final MemoryDeadlineIndex deadlines = new MemoryDeadlineIndex();
  final Moving clock = new Moving();
  final LocalDate today = LocalDate.of(2026, 11, 22);

  TransactionKeys node() {
    return new TransactionKeys(store, deadlines, MASTER, clock, ZONE);
  }

  static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void R40_aDaysKeyIsStoredOnlyWrappedWithItsDeletionIndexedForTheSeventhDayAfter() {
    TransactionKeys.Fingerprint first = join(node().fingerprint("checkout|0101|X1"));

    assertEquals(today, first.day());
    byte[] stored = store.rows.get(today);
    assertEquals(12 + 32 + 16, stored.length, "nonce, key and tag");
    assertFalse(
        new String(stored, StandardCharsets.ISO_8859_1).contains(first.hash()),
        "the row holds no fingerprint");
    assertEquals(
        java.util.Set.of(
            new Deadline(
                "TransactionKeys/2026-11-22",
                LocalDate.of(2026, 11, 29).atStartOfDay(ZONE).toInstant())),
        deadlines.deadlines);
  }

  @Test
  void R40_everyNodeHashesADayAlikeAndTheNextDayDifferently() {
    TransactionKeys one = node();
    TransactionKeys other = node();
    String text = "checkout|0101|X1";

    String hash = join(one.fingerprint(text)).hash();

    assertEquals(hash, join(other.fingerprint(text)).hash(), "the second node reads the key");
    assertNotEquals(hash, join(one.fingerprint("checkout|0101|X2")).hash());
    assertEquals(1, store.rows.size());
    clock.now = clock.now.plus(Duration.ofDays(1));
    TransactionKeys.Fingerprint tomorrow = join(other.fingerprint(text));
    assertEquals(today.plusDays(1), tomorrow.day());
    assertNotEquals(hash, tomorrow.hash(), "a new day, a new key");
    assertEquals(Optional.of(hash), join(other.fingerprintOn(today, text)));
  }

  @Test
  void R40_onceTheDaysKeyIsDeletedNoFingerprintOfThatDayCanBeMadeAgain() {
    TransactionKeys one = node();
    TransactionKeys other = node();
    String text = "checkout|0101|X1";
    String hash = join(one.fingerprint(text)).hash();
    join(other.fingerprint(text));

    clock.now = LocalDate.of(2026, 11, 28).atTime(23, 59).atZone(ZONE).toInstant();
    assertEquals(Optional.of(hash), join(other.fingerprintOn(today, text)), "day 6 of 7");

    clock.now = LocalDate.of(2026, 11, 29).atStartOfDay(ZONE).toInstant();
    join(one.forget("TransactionKeys/2026-11-22"));

    assertFalse(store.rows.containsKey(today));
    assertEquals(Optional.empty(), join(one.fingerprintOn(today, text)));
    assertEquals(
        Optional.empty(),
        join(other.fingerprintOn(today, text)),
        "a node that still held the key in memory drops it by its date");
  }

  @Test
  void R40_aKeyIsNotCachedAsMissingWhileAnotherNodeMayMakeIt() {
    TransactionKeys one = node();
    TransactionKeys other = node();
    String text = "checkout|0101|X1";

    assertEquals(Optional.empty(), join(one.fingerprintOn(today, text)));
    String made = join(other.fingerprint(text)).hash();

    assertEquals(Optional.of(made), join(one.fingerprintOn(today, text)));
    assertEquals(made, join(one.fingerprint(text)).hash());
  }

  @Test
  void aKeyWrappedUnderAnotherSecretIsRefusedLoudly() {
    String hash = join(node().fingerprint("checkout|0101|X1")).hash();
    TransactionKeys misconfigured =
        new TransactionKeys(
            store,
            deadlines,
            new CprIndex("another secret of at least 32 bytes, too".getBytes()),
            clock,
            ZONE);

    CompletionException failure =
        assertThrows(
            CompletionException.class, () -> join(misconfigured.fingerprint("checkout|0101|X1")));
    assertTrue(failure.getCause().getMessage().contains("wrapping key"), failure.toString());
    assertEquals(
        hash, join(node().fingerprint("checkout|0101|X1")).hash(), "the day's key is untouched");
  }
}
