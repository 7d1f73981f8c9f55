package dk.library.circulation.patron;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The PIN check of one live patron entity. A keyed hash (under the server's {@link PinKey}) is fast
 * and checked every time. A PBKDF2 hash (a PIN migrated from another system, or set before the key)
 * is slow: a patron at a self-service machine checks out a stack of books, each with the same PIN,
 * so after one PBKDF2 check succeeds this remembers a keyed HMAC of that PIN (key random per
 * process, kept only in memory, never persisted), and the next checks of the same PIN are fast. Any
 * other PIN, every wrong one included, takes the slow check. The memory is lost when the entity is
 * passivated and never outlives a change of the PIN hash.
 */
final class RememberedPin implements PinCheck {

  private static final SecretKeySpec KEY = randomKey();

  private final PinKey pinKey;

  private PinHash rememberedFor;
  private byte[] remembered;

  RememberedPin(PinKey pinKey) {
    this.pinKey = pinKey;
  }

  @Override
  public boolean matches(PinHash stored, String pin) {
    if (stored.iterations() == PinHash.KEYED) {
      return stored.matches(pin, pinKey);
    }
    if (!PinHash.isWellFormed(pin)) {
      return false;
    }
    byte[] mac = mac(pin);
    if (stored.equals(rememberedFor) && MessageDigest.isEqual(mac, remembered)) {
      return true;
    }
    boolean matches = stored.matches(pin);
    if (matches) {
      rememberedFor = stored;
      remembered = mac;
    }
    return matches;
  }

  private static byte[] mac(String pin) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(KEY);
      return mac.doFinal(pin.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
    }
  }

  private static SecretKeySpec randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new SecretKeySpec(key, "HmacSHA256");
  }
}
