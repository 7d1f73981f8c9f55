package dk.library.circulation.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys: {@code lck_<clientId>_<secret>} with 256 random bits of secret. Only the SHA-256 of a
 * key is stored; a slow hash is not needed because the secret is random, not chosen by a person.
 */
public final class ApiKeys {

  public static final Pattern CLIENT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{2,62}");
  private static final String PREFIX = "lck_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A new key for a client; shown to the operator once. */
  public static String issue(String clientId) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return PREFIX + clientId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The client id a presented key claims, if it has the form of an API key. */
  public static Optional<String> clientIdOf(String key) {
    if (!key.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int end = key.indexOf('_', PREFIX.length());
    if (end < 0) {
      return Optional.empty();
    }
    String clientId = key.substring(PREFIX.length(), end);
    return CLIENT_ID.matcher(clientId).matches() ? Optional.of(clientId) : Optional.empty();
  }

  public static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Compares in constant time, so the answer time tells nothing about how much matched. */
  public static boolean matches(String presentedKey, String storedHash) {
    return MessageDigest.isEqual(
        hash(presentedKey).getBytes(StandardCharsets.US_ASCII),
        storedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
