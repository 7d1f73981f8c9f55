package dk.library.circulation.console;

import dk.library.circulation.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A load-test run as {@code bin/benchmark} leaves it (a summary.md and a Gatling report folder),
 * written into the test servers' results folder under a unique name.
 */
final class RunFixture {

  final String name;
  final String peak;

  RunFixture(String name, String peak) {
    this.name = name;
    this.peak = peak;
  }

  static RunFixture write(String name, String peak) {
    Path run = Path.of(TestServers.RESULTS_FOLDER, name, "benchmark");
    Path report = run.resolve("gatling/NationalPeak/step-1/nationalpeak-20261128");
    try {
      Files.createDirectories(report.resolve("js"));
      Files.writeString(
          run.resolve("summary.md"),
          """
          | figure | value |
          |---|---|
          | population: 10 agencies, 2000 patrons, 10000 items, bulk import | 9 s |
          | checkouts over HTTP (64 clients, checkout + return loop) | 80 /s |
          | national peak: highest arrival rate with p99 <= 50 ms and no errors | %s |
          """
              .formatted(peak));
      Files.writeString(
          report.resolve("index.html"),
          """
          <!doctype html><html lang="en"><head><title>Gatling report %s</title>
          <script src="js/report.js"></script></head><body><h1 id="report">%s</h1></body></html>
          """
              .formatted(name, name));
      Files.writeString(report.resolve("js/report.js"), "document.title += ' (script ran)';");
      Files.writeString(Path.of(TestServers.RESULTS_FOLDER, "secret.txt"), "not for links");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RunFixture(name, peak);
  }

  /** The run's folder as the console names it, relative to the results folder. */
  String folder() {
    return name + "/benchmark";
  }
}
