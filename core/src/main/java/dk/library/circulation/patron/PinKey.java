package dk.library.circulation.patron;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's secret PIN key (a "pepper"): new PINs are stored as an HMAC-SHA256 of a salt and the
 * PIN under it. A four-digit PIN has 10,000 values, so no hash slow enough to check at a peak
 * protects a leaked hash from being tried 10,000 times; a key kept outside the database does (the
 * journal or a backup alone gives nothing to try), and checking costs microseconds, not the ~10 ms
 * of a PBKDF2 derivation that dominated the server's CPU when patrons arrived cold. The key is
 * configured or generated once into a file (library.security.pin-key), the same on every node.
 */
public final class PinKey {

  private final SecretKeySpec key;

  public PinKey(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the PIN key must be at least 32 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  byte[] mac(byte[] salt, String pin) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(salt);
      return mac.doFinal(pin.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
    }
  }

  @Override
  public String toString() {
    return "PinKey[redacted]";
  }
}
