package dk.library.circulation.notice;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Writes each notice as one JSON line to a file, for channels without a gateway yet (SMS, post,
 * digital mailbox) and for running without SMTP. A line is written and forced to disk before the
 * notice counts as sent.
 */
public final class LogFileNoticeSender implements NoticeSender {

  private final Path file;
  private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

  public LogFileNoticeSender(Path file) {
    this.file = file;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      ownerOnly(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create notice log " + file, e);
    }
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
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("noticeId", notice.noticeId());
      line.put("channel", notice.channel());
      line.put("address", notice.address());
      line.put("template", notice.templateKey());
      line.put("data", notice.data());
      line.put("recordedAt", notice.recordedAt().toString());
      Files.writeString(
          file,
          json.writeValueAsString(line) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.SYNC);
      return CompletableFuture.completedFuture(Done.getInstance());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
