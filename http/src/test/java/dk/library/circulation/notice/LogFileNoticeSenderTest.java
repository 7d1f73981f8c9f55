package dk.library.circulation.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileNoticeSenderTest {

  static final Notice PICKUP =
      new Notice(
          "n1",
          "email",
          "karen@example.dk",
          "hold-ready",
          Map.of("pickupToken", "secret-token"),
          Instant.parse("2026-11-22T10:00:00Z"),
          null);

  @Test
  void theNoticeLogIsReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("data/notices.log");

    new LogFileNoticeSender(log).send("P1", PICKUP).toCompletableFuture().get();

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    assertTrue(Files.readString(log).contains("secret-token"));
  }

  @Test
  void aLogLeftOpenByAnEarlierVersionIsClosedToOthers(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("notices.log");
    Files.writeString(log, "{}\n");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));

    new LogFileNoticeSender(log);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    assertEquals("{}\n", Files.readString(log));
  }
}
