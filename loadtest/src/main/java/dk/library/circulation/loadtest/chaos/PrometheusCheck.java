package dk.library.circulation.loadtest.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's Prometheus scraping a running server with an operator's bearer credential, as
 * deploy/prometheus/prometheus.yml does, and every query of the Grafana dashboard asked of it.
 */
final class PrometheusCheck implements AutoCloseable {

  private static final Path DASHBOARD = Path.of("deploy", "grafana", "circulation-dashboard.json");
  private static final Pattern METRIC = Pattern.compile("([a-z_]+)\\{");

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final Process process;
  private final URI base;

  /** The queries that returned series, and those that did not with why. */
  record Result(int queries, int withData, List<String> without) {
    boolean passed() {
      return without.stream().noneMatch(w -> w.contains("NOT IN /metrics"));
    }
  }

  private PrometheusCheck(Process process, URI base) {
    this.process = process;
    this.base = base;
  }

  static boolean installed() {
    return Files.isExecutable(Path.of("/usr/bin/prometheus"));
  }

  /** Prometheus on {@code port}, scraping the node's /metrics every second. */
  static PrometheusCheck start(Path work, ServerNode node, String operatorKey, int port)
      throws IOException, InterruptedException {
    Path dir = Files.createDirectories(work.resolve("prometheus"));
    Path key = dir.resolve("operator.key");
    Files.writeString(key, operatorKey);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: circulation
            metrics_path: /metrics
            authorization:
              type: Bearer
              credentials_file: %s
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """
            .formatted(key.toAbsolutePath(), node.httpPort));
    Process process =
        new ProcessBuilder(
                "/usr/bin/prometheus",
                "--config.file=" + config.toAbsolutePath(),
                "--storage.tsdb.path=" + dir.resolve("data").toAbsolutePath(),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusCheck check = new PrometheusCheck(process, URI.create("http://127.0.0.1:" + port));
    check.awaitReady();
    return check;
  }

  private void awaitReady() throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (Instant.now().isBefore(deadline)) {
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200); // polling another process's port
    }
    throw new IllegalStateException("prometheus did not become ready");
  }

  /**
   * Asks every dashboard query; a query without data must name a metric the server exports, or one
   * it registers when its first event happens.
   */
  Result askTheDashboard(String metricsText) throws IOException, InterruptedException {
    List<String> queries = new ArrayList<>();
    json.readTree(DASHBOARD.toFile())
        .findValues("expr")
        .forEach(expr -> queries.add(expr.asText()));
    int withData = 0;
    List<String> without = new ArrayList<>();
    for (String query : queries) {
      JsonNode answer =
          json.readTree(
              get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
                  .body());
      if (answer.at("/data/result").size() > 0) {
        withData++;
        continue;
      }
      Matcher metric = METRIC.matcher(query);
      String name = metric.find() ? metric.group(1) : query;
      String family = name.replaceAll("_(count|bucket|sum|total)$", "");
      without.add(
          name
              + (metricsText.contains(family)
                  ? " (in /metrics; nothing of it happened in the run)"
                  : definedInCode(family)
                      ? " (registered when it first happens; it did not in the run)"
                      : " NOT IN /metrics"));
    }
    return new Result(queries.size(), withData, without);
  }

  /** A meter the server registers on its first event, named in its sources (Micrometer dots). */
  private static boolean definedInCode(String family) throws IOException {
    String dotted = "\"" + family.replace('_', '.') + "\"";
    for (Path sources : List.of(Path.of("core", "src", "main"), Path.of("http", "src", "main"))) {
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          if (Files.readString(file).contains(dotted)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
