package dk.library.circulation.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Requests too malformed to reach a route (headers too many or too long, a URI too long, a broken
 * request line) still get a problem document. Configured as {@code
 * pekko.http.server.parsing.error-handler}.
 */
public final class ProblemParsingErrors extends ParsingErrorHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    // Pekko answers too many headers (or a header name too long) with 400; RFC 6585 and
    // docs/api.md say 431, as for a header value too long.
    String summary = info.summary() == null ? "" : info.summary();
    int answer =
        status.intValue() == 400
                && summary.contains("configured limit")
                && (summary.contains("headers") || summary.startsWith("HTTP header"))
            ? 431
            : status.intValue();
    String code =
        switch (answer) {
          case 413 -> "REQUEST_TOO_LARGE";
          case 414 -> "URI_TOO_LONG";
          case 431 -> "HEADERS_TOO_LARGE";
          default -> "BAD_REQUEST";
        };
    Problem problem = Problem.of(StatusCodes.get(answer), code, info.formatPretty().strip());
    try {
      return HttpResponse.create()
          .withStatus(answer)
          .withEntity(
              HttpEntities.create(ApiDirectives.PROBLEM_JSON, JSON.writeValueAsBytes(problem)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("problem not serializable", e);
    }
  }
}
