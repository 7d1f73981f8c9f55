package dk.library.circulation.notice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.apache.pekko.Done;

/**
 * Writes each notice as one JSON line to a file, for channels without a gateway yet (SMS, post,
 * digital mailbox) and for running without SMTP. A line is written and forced to disk before the
 * notice counts as sent. R40: the file holds one day's notices; on the first notice of a new day it
 * is moved aside as {@code <file>.<day>}, and a day's file is deleted once its notices are {@link
 * #KEPT_DAYS} days old (the content of sent messages is kept 30 days [004]).
 */
public final class LogFileNoticeSender implements NoticeSender {

  /** A day's file goes when the day is this many days past: its last notice is 30 days old. */
  static final int KEPT_DAYS = 31;

  private final Path file;
  private final Clock clock;
  private final ZoneId zone;
  private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

  /** The day of the notices in {@link #file}; null while it has none. */
  private LocalDate day;

  /** The day the old day files were last looked for: once a day is enough. */
  private LocalDate swept;

  public LogFileNoticeSender(Path file, Clock clock, ZoneId zone) {
    this.file = file;
    this.clock = clock;
    this.zone = zone;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      ownerOnly(file);
      day = lastDay(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create notice log " + file, e);
    }
  }

  /** The day of the file's last notice (when it was written, else recorded); null if none. */
  private LocalDate lastDay(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      try {
        JsonNode line = json.readTree(lines.get(i));
        String at = line.path("writtenAt").asText(line.path("recordedAt").asText(""));
        if (!at.isEmpty()) {
          return LocalDate.ofInstant(Instant.parse(at), zone);
        }
      } catch (IOException | RuntimeException unreadable) {
        // A line this sender did not write: look at the one before.
      }
    }
    return null;
  }

  /** Moves a past day's notices aside and deletes the days whose window has ended. */
  private void rotate(LocalDate today) throws IOException {
    if (day != null && !day.equals(today) && Files.size(file) > 0) {
      Files.move(file, dayFile(day), StandardCopyOption.REPLACE_EXISTING);
      ownerOnly(file);
    }
    if (today.equals(swept)) {
      return;
    }
    swept = today;
    String prefix = file.getFileName() + ".";
    Path dir = file.toAbsolutePath().getParent();
    try (Stream<Path> siblings = Files.list(dir)) {
      for (Path sibling : siblings.toList()) {
        String name = sibling.getFileName().toString();
        if (!name.startsWith(prefix)) {
          continue;
        }
        try {
          LocalDate of = LocalDate.parse(name.substring(prefix.length()));
          if (!of.plusDays(KEPT_DAYS).isAfter(today)) {
            Files.deleteIfExists(sibling);
          }
        } catch (DateTimeParseException notADay) {
          // Not one of this sender's day files: left alone.
        }
      }
    }
  }

  Path dayFile(LocalDate of) {
    return file.resolveSibling(file.getFileName() + "." + of);
  }

  /**
   * Notices hold addresses and pickup codes: the log is readable by its owner only, also when an
   * earlier version left it open to others.
   */
  private static void ownerOnly(Path file) throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
    if (Files.notExists(file)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
    }
    Files.setPosixFilePermissions(file, ownerOnly);
  }

  @Override
  public synchronized CompletionStage<Done> send(String patronKey, Notice notice) {
    try {
      Instant now = clock.instant();
      LocalDate today = LocalDate.ofInstant(now, zone);
      rotate(today);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("noticeId", notice.noticeId());
      line.put("channel", notice.channel());
      line.put("address", notice.address());
      line.put("template", notice.templateKey());
      line.put("data", notice.data());
      line.put("recordedAt", notice.recordedAt().toString());
      line.put("writtenAt", now.toString());
      Files.writeString(
          file,
          json.writeValueAsString(line) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.SYNC);
      day = today;
      return CompletableFuture.completedFuture(Done.getInstance());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
