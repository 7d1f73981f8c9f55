package dk.library.circulation.iso18626;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A body signed under a shared key: {@code sha256=<hex HMAC-SHA256 of the body>}, as payment
 * providers sign callbacks and partners sign ISO 18626 messages.
 */
public final class Signatures {

  private static final String PREFIX = "sha256=";

  private Signatures() {}

  public static String sign(byte[] key, String body) {
    return PREFIX + HexFormat.of().formatHex(hmac(key, body));
  }

  /**
   * Whether {@code header} is the body's signature under {@code key}, compared in constant time.
   */
  public static boolean matches(byte[] key, String body, String header) {
    if (header == null || !header.startsWith(PREFIX)) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring(PREFIX.length()).trim());
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    return MessageDigest.isEqual(hmac(key, body), given);
  }

  private static byte[] hmac(byte[] key, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
