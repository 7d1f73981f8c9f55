package dk.library.circulation.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileNoticeSenderTest {

  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZONE);

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

    new LogFileNoticeSender(log, CLOCK, ZONE).send("P1", PICKUP).toCompletableFuture().get();

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    assertTrue(Files.readString(log).contains("secret-token"));
  }

  @Test
  void aLogLeftOpenByAnEarlierVersionIsClosedToOthers(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("notices.log");
    Files.writeString(log, "{}\n");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));

    new LogFileNoticeSender(log, CLOCK, ZONE);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    assertEquals("{}\n", Files.readString(log));
  }

  @Test
  void R40_aDaysNoticesAreMovedAsideAndDeletedOnceThirtyDaysOld(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("notices.log");
    TestClock clock = new TestClock(Instant.parse("2026-11-22T10:00:00Z"));
    LogFileNoticeSender sender = new LogFileNoticeSender(log, clock, ZONE);
    sender.send("P1", PICKUP).toCompletableFuture().get();
    LocalDate first = LocalDate.of(2026, 11, 22);

    clock.advance(Duration.ofDays(1));
    sender.send("P1", notice("n2")).toCompletableFuture().get();
    assertTrue(Files.readString(sender.dayFile(first)).contains("\"n1\""), "moved aside");
    assertFalse(Files.readString(log).contains("\"n1\""));
    assertTrue(Files.readString(log).contains("\"n2\""));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(sender.dayFile(first))));

    // A restart finds the day of the file's notices in it.
    clock.advance(Duration.ofDays(30));
    LogFileNoticeSender again = new LogFileNoticeSender(log, clock, ZONE);
    again.send("P1", notice("n3")).toCompletableFuture().get();
    assertFalse(Files.exists(again.dayFile(first)), "the first day's notices are 30 days old");
    assertTrue(
        Files.readString(again.dayFile(first.plusDays(1))).contains("\"n2\""),
        "the second day's are 29 days old");
    assertTrue(Files.readString(log).contains("\"n3\""));
  }

  private static Notice notice(String id) {
    return new Notice(
        id,
        "sms",
        "+4512345678",
        "hold-ready",
        Map.of(),
        Instant.parse("2026-11-22T10:00:00Z"),
        null);
  }
}
