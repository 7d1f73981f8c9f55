package dk.library.circulation.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The load-test runs under the results folder: every folder holding a {@code summary.md} (what
 * {@code bin/benchmark} writes) is a run, and every {@code index.html} below it one of its Gatling
 * reports. A browser opens a report in a tab of its own, which cannot carry the operator's key, so
 * the console hands out links signed for one run that expire after {@code linkTtl}; the signing key
 * lives as long as this process.
 */
public final class BenchmarkRuns {

  /** The summary's rows the console shows beside each run. */
  private static final List<String> HEADLINE_ROWS =
      List.of(
          "population",
          "checkouts over HTTP",
          "national peak: highest",
          "raw Cassandra inserts",
          "events persisted");

  private static final int MAX_RUNS = 50;
  private static final int DEPTH = 5;

  public record Report(String name, String link) {}

  public record Run(
      String id,
      String folder,
      Instant written,
      Map<String, String> figures,
      String summaryLink,
      List<Report> reports) {}

  private final Path root;
  private final Clock clock;
  private final Duration linkTtl;
  private final byte[] key = new byte[32];

  public BenchmarkRuns(Path root, Clock clock, Duration linkTtl) {
    this.root = root.toAbsolutePath().normalize();
    this.clock = clock;
    this.linkTtl = linkTtl;
    new SecureRandom().nextBytes(key);
  }

  public Path root() {
    return root;
  }

  /** The runs, newest first; none when the folder does not exist. */
  public List<Run> runs() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    return filesNamed(root, "summary.md").stream()
        .sorted(Comparator.comparing(BenchmarkRuns::modified).reversed())
        .limit(MAX_RUNS)
        .map(this::run)
        .toList();
  }

  /**
   * The files of that name below {@code start}, in path order. A run's folder may hold a live
   * Cassandra's data, whose files come and go while it is walked: what vanishes is skipped.
   */
  private static List<Path> filesNamed(Path start, String name) {
    List<Path> found = new ArrayList<>();
    try {
      Files.walkFileTree(
          start,
          Set.of(),
          DEPTH,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              if (attributes.isRegularFile() && file.getFileName().toString().equals(name)) {
                found.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    found.sort(Comparator.naturalOrder());
    return found;
  }

  private Run run(Path summary) {
    Path folder = summary.getParent();
    String relative = root.relativize(folder).toString().replace('\\', '/');
    String id =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(relative.getBytes(StandardCharsets.UTF_8));
    String prefix = "/console/reports/" + id + "/" + token(id) + "/";
    List<Report> reports = new ArrayList<>();
    for (Path index : filesNamed(folder, "index.html")) {
      String path = folder.relativize(index).toString().replace('\\', '/');
      String name = path.substring(0, Math.max(0, path.length() - "/index.html".length()));
      reports.add(new Report(name.isEmpty() ? "report" : name, prefix + path));
    }
    return new Run(
        id,
        relative.isEmpty() ? "." : relative,
        modified(summary),
        headline(summary),
        prefix + "summary.md",
        List.copyOf(reports));
  }

  /** The summary's headline rows ("| figure | value |" lines), in the summary's order. */
  private static Map<String, String> headline(Path summary) {
    Map<String, String> figures = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(summary, StandardCharsets.UTF_8)) {
        String[] cells = line.split("\\|");
        if (cells.length >= 3) {
          String figure = cells[1].trim();
          if (HEADLINE_ROWS.stream().anyMatch(figure::startsWith)) {
            figures.putIfAbsent(figure, cells[2].trim());
          }
        }
      }
    } catch (IOException e) {
      figures.put("summary", "unreadable: " + e.getMessage());
    }
    return figures;
  }

  /**
   * The file a signed link names, if its signature is this process's, it has not expired and the
   * file lies inside its run's folder (no way out by "..", nor by a link to elsewhere).
   */
  public Optional<Path> open(String runId, String token, String file) {
    if (!valid(runId, token)) {
      return Optional.empty();
    }
    try {
      String relative = new String(Base64.getUrlDecoder().decode(runId), StandardCharsets.UTF_8);
      Path folder = root.resolve(relative).normalize();
      Path wanted = folder.resolve(file).normalize();
      if (!folder.startsWith(root) || !wanted.startsWith(folder) || !Files.isRegularFile(wanted)) {
        return Optional.empty();
      }
      Path real = wanted.toRealPath();
      return real.startsWith(folder.toRealPath()) ? Optional.of(real) : Optional.empty();
    } catch (IllegalArgumentException | IOException e) {
      return Optional.empty();
    }
  }

  /** "expiry-seconds.signature", the signature over the run's id and the expiry. */
  private String token(String runId) {
    long expires = clock.instant().plus(linkTtl).getEpochSecond();
    return expires + "." + signature(runId, expires);
  }

  private boolean valid(String runId, String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    long expires;
    try {
      expires = Long.parseLong(token.substring(0, dot));
    } catch (NumberFormatException e) {
      return false;
    }
    return clock.instant().getEpochSecond() <= expires
        && MessageDigest.isEqual(
            signature(runId, expires).getBytes(StandardCharsets.US_ASCII),
            token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
  }

  private String signature(String runId, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] signed = mac.doFinal((runId + "/" + expires).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(signed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  private static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }
}
