package dk.library.circulation.fbs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;

/**
 * The FBS contract numbers patrons, loans, reservations and fees with 64-bit integers; this core
 * names them with strings (card numbers, checkout and hold ids). Each FBS id is the first 63 bits
 * of the SHA-256 of its kind and our id: stable across restarts and nodes, nothing to store, and
 * resolved back by looking among the patron's own loans, holds or fees, the only ones a caller may
 * name. Two of one patron's ids colliding would take about 2^31 of them.
 */
public final class FbsIds {

  private FbsIds() {}

  public static long patron(String cardNumber) {
    return of("patron", cardNumber);
  }

  public static long loan(String checkoutId) {
    return of("loan", checkoutId);
  }

  public static long reservation(String holdId) {
    return of("reservation", holdId);
  }

  public static long fee(String feeId) {
    return of("fee", feeId);
  }

  /** The one among {@code candidates} whose FBS id is {@code id}. */
  public static <T> Optional<T> find(long id, Collection<T> candidates, Function<T, Long> fbsIdOf) {
    return candidates.stream().filter(c -> fbsIdOf.apply(c) == id).findFirst();
  }

  private static long of(String kind, String id) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((kind + ":" + id).getBytes(StandardCharsets.UTF_8));
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = (value << 8) | (hash[i] & 0xff);
      }
      return value & Long.MAX_VALUE;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
