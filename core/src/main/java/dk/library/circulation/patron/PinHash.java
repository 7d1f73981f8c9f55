package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A PIN kept only as a salted hash: an HMAC-SHA256 under the server's {@link PinKey} ({@code
 * iterations} {@value #KEYED}, every PIN set here), or a PBKDF2-HMAC-SHA256 hash with its iteration
 * count (PINs migrated from another system as their hash, and PINs set before the key). The PIN
 * itself is never stored, logged or put into an event.
 */
public record PinHash(int iterations, String salt, String hash) implements CborSerializable {

  private static final Pattern FOUR_DIGITS = Pattern.compile("[0-9]{4}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

  /**
   * Bounds for a hash migrated from another system: below, a stolen journal would give PINs away
   * too cheaply; above, every first check of the PIN would cost the server seconds.
   */
  public static final int MIN_ITERATIONS = 1_000;

  public static final int MAX_ITERATIONS = 600_000;

  /** The iteration count that marks a keyed hash (HMAC-SHA256 under the server's PIN key). */
  public static final int KEYED = 0;

  public static final int MIN_SALT_BYTES = 16;
  public static final int HASH_BYTES = 32;

  /** R4: a PIN is exactly four digits. */
  public static boolean isWellFormed(String pin) {
    return pin != null && FOUR_DIGITS.matcher(pin).matches();
  }

  /** A PBKDF2 hash, as PINs were stored before the PIN key (tests and migrations make them). */
  public static PinHash of(String pin, int iterations) {
    byte[] salt = newSalt();
    return encoded(iterations, salt, derive(pin, salt, iterations));
  }

  /** A new PIN's hash under the server's key. */
  public static PinHash keyed(String pin, PinKey key) {
    byte[] salt = newSalt();
    return encoded(KEYED, salt, key.mac(salt, pin));
  }

  private static byte[] newSalt() {
    byte[] salt = new byte[MIN_SALT_BYTES];
    RANDOM.nextBytes(salt);
    return salt;
  }

  private static PinHash encoded(int iterations, byte[] salt, byte[] hash) {
    Base64.Encoder base64 = Base64.getEncoder();
    return new PinHash(iterations, base64.encodeToString(salt), base64.encodeToString(hash));
  }

  /** Whether {@code pin} is the PIN hashed here; {@code key} is the server's, for keyed hashes. */
  public boolean matches(String pin, PinKey key) {
    if (iterations != KEYED) {
      return matches(pin);
    }
    if (!isWellFormed(pin)) {
      return false;
    }
    byte[] expected = Base64.getDecoder().decode(hash);
    byte[] actual = key.mac(Base64.getDecoder().decode(salt), pin);
    return MessageDigest.isEqual(expected, actual);
  }

  /** Whether {@code pin} is the PIN of this PBKDF2 hash. */
  public boolean matches(String pin) {
    if (iterations == KEYED) {
      throw new IllegalStateException("a keyed PIN hash is checked with the server's PIN key");
    }
    if (!isWellFormed(pin)) {
      return false;
    }
    byte[] expected = Base64.getDecoder().decode(hash);
    byte[] actual = derive(pin, Base64.getDecoder().decode(salt), iterations);
    return MessageDigest.isEqual(expected, actual);
  }

  @Override
  public String toString() {
    return "PinHash[redacted]";
  }

  private static byte[] derive(String pin, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(pin.toCharArray(), salt, iterations, HASH_BYTES * 8);
      try {
        return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is part of every Java 17 runtime", e);
    }
  }
}
