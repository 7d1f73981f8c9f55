package dk.library.circulation.server;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-lived secrets from configuration, or from a local file created once with owner-only rights.
 */
final class Secrets {

  private static final Logger log = LoggerFactory.getLogger(Secrets.class);

  private Secrets() {}

  /** The CPR lookup key (R3, R14): configured, else read from or generated into its file. */
  static byte[] cprLookupKey(Config security) {
    return key(
        security, "library.security", "cpr-lookup-key", "LIBRARY_CPR_LOOKUP_KEY", "CPR lookup");
  }

  /** The key PINs are hashed under (R4): configured, else read from or generated into its file. */
  static byte[] pinKey(Config security) {
    return key(security, "library.security", "pin-key", "LIBRARY_PIN_KEY", "PIN");
  }

  /** R36: the key payment callbacks are signed with, shared with the provider. */
  static byte[] paymentCallbackKey(Config payments) {
    return key(
        payments,
        "library.payments",
        "callback-key",
        "LIBRARY_PAYMENT_CALLBACK_KEY",
        "Payment callback");
  }

  private static byte[] key(
      Config security, String path, String name, String variable, String what) {
    String configured = security.getString(name);
    if (!configured.isEmpty()) {
      return Base64.getDecoder().decode(configured);
    }
    String file = security.getString(name + "-file");
    if (file.isEmpty()) {
      throw new IllegalStateException(
          "configure " + path + "." + name + " (" + variable + ") or its file");
    }
    return Base64.getDecoder().decode(readOrCreate(Path.of(file).toAbsolutePath(), what));
  }

  /** The base64 secret in {@code path}, written once with 32 random bytes if it does not exist. */
  static String readOrCreate(Path path, String what) {
    try {
      if (Files.exists(path)) {
        return Files.readString(path).trim();
      }
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      String encoded = Base64.getEncoder().encodeToString(secret);
      Files.createDirectories(path.getParent());
      Files.writeString(path, encoded + "\n", StandardCharsets.UTF_8);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      }
      log.info(
          "{} key generated and written to {} (owner-only); keep it with the data", what, path);
      return encoded;
    } catch (IOException e) {
      throw new UncheckedIOException(what + " key file " + path + ": " + e, e);
    }
  }
}
