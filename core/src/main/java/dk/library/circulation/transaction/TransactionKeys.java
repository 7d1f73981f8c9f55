package dk.library.circulation.transaction;

import dk.library.circulation.card.CprIndex;
import dk.library.circulation.deadline.DeadlineIndex;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.Done;

/**
 * R40 by crypto-shredding: the fingerprint a {@link TransactionClaim} keeps of its checkout (card
 * number and barcode) is a keyed hash under a random key of the claim's day, and the day's key is
 * deleted {@link #KEPT_DAYS} days later. From then on the fingerprint names no one, to anyone: the
 * claim still refuses its id to another checkout, but nothing in any store links it to a card. A
 * claim's journal is never rewritten for this, and no checkout waits on more than a map lookup once
 * the day's key is known.
 *
 * <p>A day's key is random, stored wrapped (AES-GCM) under a key derived from the configured
 * secret, and made by the first node that needs it; a deadline for its deletion is indexed before
 * it is stored, so no key outlives its days. Losing that secret loses only the keys of the last
 * {@link #KEPT_DAYS} days: a retry of an unfinished checkout of those days is then refused as a
 * reuse of its transaction id (docs/privacy.md).
 */
public final class TransactionKeys {

  /**
   * How long a day's key is kept: the retry horizon of a self-service client (a machine offline
   * over a long weekend), and shorter than the shortest window R40 gives a returned loan (30 days).
   */
  public static final int KEPT_DAYS = 7;

  /** What the deadline targets of day keys start with. */
  public static final String DEADLINE_PREFIX = "TransactionKeys/";

  private static final int NONCE_BYTES = 12;
  private static final int GCM_TAG_BITS = 128;

  /** Where day keys are stored, wrapped: the journal's keyspace in a server. */
  public interface Store {

    CompletionStage<Optional<byte[]>> read(LocalDate day);

    /** Stores {@code wrapped} unless the day has a key already; answers the day's stored key. */
    CompletionStage<byte[]> putIfAbsent(LocalDate day, byte[] wrapped);

    CompletionStage<Done> delete(LocalDate day);
  }

  /** A keyed hash and the day whose key made it. */
  public record Fingerprint(LocalDate day, String hash) {}

  private final Store store;
  private final DeadlineIndex deadlines;
  private final SecretKeySpec wrappingKey;
  private final Clock clock;
  private final ZoneId zone;
  private final SecureRandom random = new SecureRandom();

  /** Keys of this node's days, loaded or made once: later checkouts find them completed. */
  private final ConcurrentMap<LocalDate, CompletableFuture<SecretKeySpec>> keys =
      new ConcurrentHashMap<>();

  /** Day keys are wrapped under a key derived from the configured CPR-index secret. */
  public TransactionKeys(
      Store store, DeadlineIndex deadlines, CprIndex master, Clock clock, ZoneId zone) {
    this.store = store;
    this.deadlines = deadlines;
    this.wrappingKey = new SecretKeySpec(master.derivedKey("transaction-keys"), "AES");
    this.clock = clock;
    this.zone = zone;
  }

  public static String deadlineTarget(LocalDate day) {
    return DEADLINE_PREFIX + day;
  }

  public static boolean isTarget(String target) {
    return target.startsWith(DEADLINE_PREFIX);
  }

  /** When {@code day}'s key is deleted: the start of the {@link #KEPT_DAYS}th day after it. */
  public Instant keptUntil(LocalDate day) {
    return day.plusDays(KEPT_DAYS).atStartOfDay(zone).toInstant();
  }

  /** {@code text}'s fingerprint under today's key, made now if no node has made it yet. */
  public CompletionStage<Fingerprint> fingerprint(String text) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
    CompletableFuture<SecretKeySpec> key = keys.get(today);
    if (key == null) {
      key = keyOfNewDay(today);
    }
    return key.thenApply(k -> new Fingerprint(today, hash(k, text)));
  }

  /**
   * The first checkout of a day on this node loads or makes the day's key; the others wait for the
   * same future. A failure is not kept: the next checkout tries again. A new day is also when this
   * node lets go of the keys of days past their window.
   */
  private CompletableFuture<SecretKeySpec> keyOfNewDay(LocalDate day) {
    forgetPast();
    CompletableFuture<SecretKeySpec> made = new CompletableFuture<>();
    CompletableFuture<SecretKeySpec> earlier = keys.putIfAbsent(day, made);
    if (earlier != null) {
      return earlier;
    }
    loadOrMake(day)
        .whenComplete(
            (key, failure) -> {
              if (failure != null) {
                keys.remove(day, made);
                made.completeExceptionally(failure);
              } else {
                made.complete(key);
              }
            });
    return made;
  }

  /**
   * {@code text}'s fingerprint under {@code day}'s key, to compare with a claim of that day; empty
   * once the day's key is gone (or was never made).
   */
  public CompletionStage<Optional<String>> fingerprintOn(LocalDate day, String text) {
    if (!clock.instant().isBefore(keptUntil(day))) {
      keys.remove(day);
      return CompletableFuture.completedFuture(Optional.empty());
    }
    CompletableFuture<SecretKeySpec> cached = keys.get(day);
    CompletionStage<Optional<SecretKeySpec>> key =
        cached != null
            ? cached.thenApply(Optional::of)
            : store
                .read(day)
                .thenApply(wrapped -> wrapped.map(this::unwrap))
                .thenApply(
                    found -> {
                      // Kept only when found: another node may make today's key in a moment.
                      found.ifPresent(
                          k -> keys.putIfAbsent(day, CompletableFuture.completedFuture(k)));
                      return found;
                    });
    return key.thenApply(found -> found.map(k -> hash(k, text)));
  }

  /** Deletes the key of the day a {@link #deadlineTarget} names. */
  public CompletionStage<Done> forget(String target) {
    LocalDate day = LocalDate.parse(target.substring(DEADLINE_PREFIX.length()));
    keys.remove(day);
    return store.delete(day).thenApply(done -> forgetPast());
  }

  /** Keys this node still holds of days whose window ended elsewhere leave its memory too. */
  private Done forgetPast() {
    Instant now = clock.instant();
    keys.keySet().removeIf(day -> !now.isBefore(keptUntil(day)));
    return Done.getInstance();
  }

  /** The deadline is indexed before the key is stored, so no stored key lacks its deletion. */
  private CompletionStage<SecretKeySpec> loadOrMake(LocalDate day) {
    return store
        .read(day)
        .thenCompose(
            stored ->
                stored.isPresent()
                    ? CompletableFuture.completedFuture(stored.get())
                    : deadlines
                        .schedule(new DeadlineIndex.Deadline(deadlineTarget(day), keptUntil(day)))
                        .thenCompose(done -> store.putIfAbsent(day, wrap(newKey()))))
        .thenApply(this::unwrap);
  }

  private byte[] newKey() {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return key;
  }

  private byte[] wrap(byte[] key) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, wrappingKey, new GCMParameterSpec(GCM_TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(key);
      return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has AES/GCM", e);
    }
  }

  private SecretKeySpec unwrap(byte[] wrapped) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          wrappingKey,
          new GCMParameterSpec(GCM_TAG_BITS, wrapped, 0, NONCE_BYTES));
      byte[] key = cipher.doFinal(wrapped, NONCE_BYTES, wrapped.length - NONCE_BYTES);
      return new SecretKeySpec(key, "HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "a transaction day key does not open under the configured wrapping key", e);
    }
  }

  private static String hash(SecretKeySpec key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }
}
