package dk.library.circulation.server;

import com.typesafe.config.Config;
import dk.library.circulation.access.ApiKeys;
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
 * The first operator's key: from configuration, else from a key file, else written to that file
 * once as a fresh random key. The server keeps only its hash; the key is never logged.
 */
final class BootstrapOperator {

  private static final Logger log = LoggerFactory.getLogger(BootstrapOperator.class);
  private static final int MIN_LENGTH = 32;

  private BootstrapOperator() {}

  /** The SHA-256 of the bootstrap key, or null when none is configured. */
  static String keyHash(Config security) {
    String key = security.getString("bootstrap-operator-key");
    if (!key.isEmpty()) {
      return ApiKeys.hash(checked(key, "library.security.bootstrap-operator-key"));
    }
    String file = security.getString("bootstrap-operator-key-file");
    if (file.isEmpty()) {
      log.info("No bootstrap operator key configured; only registered clients can call");
      return null;
    }
    Path path = Path.of(file).toAbsolutePath();
    try {
      if (Files.exists(path)) {
        log.info("Bootstrap operator key read from {}", path);
        return ApiKeys.hash(checked(Files.readString(path).trim(), path.toString()));
      }
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      Files.createDirectories(path.getParent());
      Files.writeString(path, generated + "\n", StandardCharsets.UTF_8);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      }
      log.info("Bootstrap operator key generated and written to {} (owner-only)", path);
      return ApiKeys.hash(generated);
    } catch (IOException e) {
      throw new UncheckedIOException("bootstrap operator key file " + path + ": " + e, e);
    }
  }

  private static String checked(String key, String source) {
    if (key.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the bootstrap operator key from "
              + source
              + " must be at least "
              + MIN_LENGTH
              + " characters");
    }
    return key;
  }
}
