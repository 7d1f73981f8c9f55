package dk.library.circulation.card;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * R3, R14: a CPR number is never stored; the card index and the patron's key hold only a keyed hash
 * of it (HMAC-SHA256 under a configured secret), which finds the patron again when the CPR is keyed
 * in at a terminal and tells nothing to whoever reads the journal without the secret.
 */
public final class CprIndex {

  private static final Pattern CPR = Pattern.compile("[0-9]{10}");
  static final String PREFIX = "cpr-";

  private final SecretKeySpec key;

  public CprIndex(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the CPR lookup key must be at least 32 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** Whether a number has the form of a CPR number (ten digits). */
  public static boolean looksLikeCpr(String number) {
    return number != null && CPR.matcher(number).matches();
  }

  /**
   * R3, R14: the id a card number is indexed under. CPR-like numbers (ten digits) are stored only
   * as a keyed hash; a health-insurance card's number is the CPR itself.
   */
  public String indexId(String number) {
    return looksLikeCpr(number) ? idOf(number) : number;
  }

  public String idOf(String cpr) {
    return PREFIX + keyedHash(cpr);
  }

  /** A keyed hash of {@code text}: names a datum without telling it to a reader of the journal. */
  public String keyedHash(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(text));
  }

  /**
   * A 32-byte key for {@code purpose}, derived from the configured secret, so one secret in
   * configuration is the master of every key the core keeps (docs/privacy.md).
   */
  public byte[] derivedKey(String purpose) {
    return mac("derived-key:" + purpose);
  }

  private byte[] mac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }
}
