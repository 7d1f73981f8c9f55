package dk.library.circulation.loadtest;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * The library's first load: the operator imports the agencies and registers the benchmark's
 * clients, the staff client imports the population in one streamed request, and compaction is let
 * settle before the server serves.
 */
final class LibraryLoad {

  private final Harness h;

  LibraryLoad(Harness h) {
    this.h = h;
  }

  /**
   * After a library's first load an operator lets Cassandra's compaction catch up before opening
   * (the load leaves a backlog of small SSTables that every read would otherwise pay for): waits
   * until no compaction has run for 5 s in a row (the node's {@code system_views.sstable_tasks}),
   * at most 10 minutes, and says how long that took.
   */
  static Duration awaitCompaction(int port) throws InterruptedException {
    Instant begin = Instant.now();
    Instant deadline = begin.plus(Duration.ofMinutes(10));
    int quiet = 0;
    try (CqlSession session = Harness.session(port)) {
      while (quiet < 5 && Instant.now().isBefore(deadline)) {
        boolean compacting =
            session.execute("SELECT kind FROM system_views.sstable_tasks").one() != null;
        quiet = compacting ? 0 : quiet + 1;
        Thread.sleep(1_000); // polling the node's task list; it has nothing to await
      }
    }
    Duration took = Duration.between(begin, Instant.now());
    System.out.printf("compaction after the load settled in %d s%n", took.toSeconds());
    return took;
  }

  /**
   * The population's size, how long its bulk import took and how long compaction took to settle
   * after it (null until then).
   */
  record Import(long records, Duration took, Duration compaction) {
    double rate() {
      return records / (took.toMillis() / 1000.0);
    }

    Import settled(Duration after) {
      return new Import(records, took, after);
    }
  }

  /**
   * The operator imports the agencies and registers a staff and a terminal client for all of them;
   * the staff client then imports the patrons and items in one streamed {@code POST
   * /api/v1/imports} from a file.
   */
  Import setUpLibrary() throws Exception {
    Population population = h.options.population();
    importFile(
        h.operatorKey,
        HttpRequest.BodyPublishers.ofString(population.agencyLines()),
        population.agencies());
    h.staffKey = h.registerClient("staff");
    h.terminalKey = h.registerClient("terminal");
    Path file = h.options.work().resolve("import.ndjson");
    population.writeImport(file);
    long records =
        (long) population.patrons() + population.items() + population.interlibraryItems();
    Instant begin = Instant.now();
    importFile(h.staffKey, HttpRequest.BodyPublishers.ofFile(file), records);
    Import done = new Import(records, Duration.between(begin, Instant.now()), null);
    System.out.printf(
        "imported %d patrons and %d items in %d s (%.0f records/s)%n",
        population.patrons(), population.items(), done.took().toSeconds(), done.rate());
    return done;
  }

  private void importFile(String credential, HttpRequest.BodyPublisher body, long expected)
      throws Exception {
    HttpResponse<Stream<String>> imported =
        h.http.send(
            HttpRequest.newBuilder(URI.create(h.base + "/api/v1/imports"))
                .header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + credential)
                .timeout(Duration.ofHours(12))
                .POST(body)
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    if (imported.statusCode() != 200) {
      throw new IllegalStateException("the import answered " + imported.statusCode());
    }
    String[] last = {""};
    String[] firstProblem = {null};
    try (Stream<String> lines = imported.body()) {
      lines.forEach(
          line -> {
            last[0] = line;
            if (firstProblem[0] == null && line.contains("\"problem\"")) {
              firstProblem[0] = line;
            }
            if (line.startsWith("{\"progress\"")) {
              System.out.println("import " + line);
            }
          });
    }
    if (!last[0].contains("\"imported\":" + expected) || !last[0].contains("\"failed\":0")) {
      throw new IllegalStateException(
          "the import did not register everything: "
              + last[0]
              + "; first problem: "
              + firstProblem[0]);
    }
  }
}
