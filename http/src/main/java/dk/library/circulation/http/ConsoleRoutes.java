package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.READ_METRICS;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.access.AccessControl;
import dk.library.circulation.console.BenchmarkRuns;
import dk.library.circulation.console.OperatorConsole;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The operator console (docs/architecture.md, "Operator console"): its page, script and charting
 * library, served by the server itself so it works on a network without internet, and the
 * operator-only JSON it polls. The page holds no secret; every figure comes from {@code
 * /api/v1/console}, which needs an operator's key.
 */
final class ConsoleRoutes extends ApiDirectives {

  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

  /** The page may load only what this server serves, and no other site may frame it. */
  private static final List<HttpHeader> PAGE_HEADERS =
      List.of(
          RawHeader.create(
              "Content-Security-Policy",
              "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
                  + " frame-ancestors 'none'; form-action 'self'"),
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("Referrer-Policy", "no-referrer"),
          RawHeader.create("Cache-Control", "no-cache"));

  private static final ContentType HTML = ContentTypes.TEXT_HTML_UTF8;
  private static final ContentType JAVASCRIPT =
      ContentTypes.create(MediaTypes.APPLICATION_JAVASCRIPT, HttpCharsets.UTF_8);
  private static final ContentType CSS =
      ContentTypes.create(MediaTypes.TEXT_CSS, HttpCharsets.UTF_8);

  /** Every file of the page, read once at start: a missing one stops the server from starting. */
  private final Map<String, HttpResponse> files =
      Map.of(
          "", page("console/index.html", HTML),
          "console.js", page("console/console.js", JAVASCRIPT),
          "console.css", page("console/console.css", CSS),
          "lib/uPlot.iife.min.js", page(UPLOT + "uPlot.iife.min.js", JAVASCRIPT),
          "lib/uPlot.min.css", page(UPLOT + "uPlot.min.css", CSS),
          "lib/LICENSE",
              page(
                  "META-INF/resources/webjars/uplot/1.6.30/LICENSE", ContentTypes.TEXT_PLAIN_UTF8));

  private final OperatorConsole console;
  private final BenchmarkRuns runs;

  ConsoleRoutes(AccessControl access, ApiMetrics metrics, OperatorConsole console) {
    super(access, metrics);
    this.console = console;
    this.runs = console.runs();
  }

  /** The page and the reports behind signed links: no Authorization header can reach them. */
  Route page() {
    return pathPrefix(
        "console",
        () ->
            get(
                () ->
                    concat(
                        pathEnd(() -> named("/console", this::toPage)),
                        pathPrefix("reports", this::report),
                        extractUnmatchedPath(rest -> named("/console/", () -> pageFile(rest))))));
  }

  private Route toPage() {
    return redirect(Uri.create("/console/"), StatusCodes.PERMANENT_REDIRECT);
  }

  private Route pageFile(String rest) {
    HttpResponse file = files.get(rest.startsWith("/") ? rest.substring(1) : rest);
    if (file != null) {
      return complete(file);
    }
    return complete(
        problem(Problem.of(StatusCodes.NOT_FOUND, "NOT_FOUND", "the console has no file " + rest)));
  }

  private Route report() {
    return pathPrefix(
        segment(),
        runId ->
            pathPrefix(
                segment(),
                token ->
                    extractUnmatchedPath(
                        rest -> named("/console/reports", () -> reportFile(runId, token, rest)))));
  }

  private Route reportFile(String runId, String token, String rest) {
    Optional<Path> file = runs.open(runId, token, decoded(rest));
    if (file.isPresent()) {
      return file(file.get());
    }
    return complete(
        problem(
            Problem.of(
                StatusCodes.NOT_FOUND,
                "REPORT_LINK_INVALID",
                "this report link is unknown or has expired; open the report again from the"
                    + " console")));
  }

  /** GET /api/v1/console/...: the figures, the cluster and the runs, for operators only. */
  Route api(Call call) {
    return pathPrefix(
        "console",
        () ->
            get(
                () ->
                    concat(
                        operatorOnly(
                            call, "metrics", () -> parameterOptional("since", this::metrics)),
                        operatorOnly(call, "cluster", this::clusterState),
                        operatorOnly(call, "runs", this::runList))));
  }

  private Route operatorOnly(Call call, String name, Supplier<Route> inner) {
    return path(
        name, () -> named("/api/v1/console/" + name, () -> allowed(call, READ_METRICS, inner)));
  }

  private Route clusterState() {
    return completeWithFuture(
        recover(console.cluster().view().thenApply(view -> jsonResponse(StatusCodes.OK, view))));
  }

  private Route runList() {
    return complete(
        jsonResponse(
            StatusCodes.OK, Map.of("resultsFolder", runs.root().toString(), "runs", runs.runs())));
  }

  private Route metrics(Optional<String> since) {
    long from;
    try {
      from = since.map(Long::parseLong).orElse(0L);
    } catch (NumberFormatException e) {
      return complete(
          problem(
              Problem.invalidRequest(
                  List.of(
                      new Problem.FieldError(
                          "since", "must be a time in epoch milliseconds, e.g. 1764342000000")))));
    }
    return complete(
        jsonResponse(
            StatusCodes.OK,
            Map.of(
                "intervalSeconds",
                console.interval().toMillis() / 1000.0,
                "samples",
                console.history().since(from))));
  }

  private Route file(Path path) {
    try {
      return complete(
          HttpResponse.create()
              .withEntity(
                  HttpEntities.create(
                      typeOf(path.getFileName().toString()), Files.readAllBytes(path)))
              .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"))
              .addHeader(RawHeader.create("Cache-Control", "no-store")));
    } catch (IOException e) {
      return complete(
          problem(
              Problem.of(
                  StatusCodes.NOT_FOUND, "REPORT_LINK_INVALID", "the report file cannot be read")));
    }
  }

  private static ContentType typeOf(String name) {
    if (name.endsWith(".html")) {
      return HTML;
    } else if (name.endsWith(".js")) {
      return JAVASCRIPT;
    } else if (name.endsWith(".css")) {
      return CSS;
    } else if (name.endsWith(".json")) {
      return ContentTypes.APPLICATION_JSON;
    } else if (name.endsWith(".svg")) {
      return ContentTypes.create(MediaTypes.IMAGE_SVG_XML);
    } else if (name.endsWith(".png")) {
      return ContentTypes.create(MediaTypes.IMAGE_PNG);
    } else if (name.endsWith(".ico")) {
      return ContentTypes.create(MediaTypes.IMAGE_X_ICON);
    }
    return ContentTypes.TEXT_PLAIN_UTF8;
  }

  private static String decoded(String rest) {
    String path = rest.startsWith("/") ? rest.substring(1) : rest;
    return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static HttpResponse page(String resource, ContentType type) {
    try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "the console's file " + resource + " is not on the classpath");
      }
      return HttpResponse.create()
          .withEntity(HttpEntities.create(type, in.readAllBytes()))
          .addHeaders(PAGE_HEADERS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
