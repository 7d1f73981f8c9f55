package dk.library.circulation.http;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.HoldDesk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * What the FBS answer classes share: the desk, and refusing a body clearly. The contract gives
 * error bodies no schema, so refusals are this core's problem documents.
 */
abstract class FbsAnswers extends ApiDirectives {

  final CirculationDesk desk;
  final HoldDesk holds;

  FbsAnswers(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.desk = desk;
    this.holds = desk.holds();
  }

  CompletionStage<HttpResponse> invalid(String detail) {
    return CompletableFuture.completedFuture(
        problem(Problem.of(StatusCodes.BAD_REQUEST, "INVALID_REQUEST", detail)));
  }

  /** A body field outside {@code known}: refused, so a misspelt field is never ignored. */
  static Optional<String> unknownField(JsonNode object, Set<String> known) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names.stream().filter(n -> !known.contains(n)).findFirst();
  }
}
