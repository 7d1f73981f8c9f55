package dk.library.circulation.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.Caller;
import dk.library.circulation.access.Masking;
import dk.library.circulation.access.Operation;
import dk.library.circulation.audit.AuditRecord;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Rejections;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every API route shares: JSON bodies read strictly, answers as JSON or problem+json, the
 * access check of each operation, guessing limits on PINs, and the audit of staff and operator
 * actions.
 */
abstract class ApiDirectives extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(ApiDirectives.class);

  /** pekko.http.server.request-timeout in milliseconds, once read; -1 until then. */
  private volatile long bodyDeadlineMillis = -1;

  static final ContentType PROBLEM_JSON =
      ContentTypes.create(
          MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));

  /** No body of this API nests deeper than 3; 10 leaves room and stops parser bombs early. */
  private static final int MAX_JSON_DEPTH = 10;

  /** One authenticated request: who calls, and from which address (for the audit trail). */
  record Call(Caller caller, String address) {}

  @FunctionalInterface
  interface BodyHandler {
    CompletionStage<HttpResponse> handle(Call call, RequestBody body) throws RequestBody.Invalid;
  }

  final ObjectMapper json;
  final AccessControl access;
  final ApiMetrics metrics;

  ApiDirectives(AccessControl access, ApiMetrics metrics) {
    this.access = access;
    this.metrics = metrics;
    this.json =
        new ObjectMapper(
                JsonFactory.builder()
                    .streamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build())
                    // A key given twice or content after the object is malformed, not "last wins"
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
  }

  // Metrics

  /** The route template a request matched, set by the route; "unmatched" until one does. */
  static final class RouteName {
    volatile String template = "unmatched";
  }

  static final AttributeKey<RouteName> ROUTE_NAME =
      AttributeKey.create("route-name", RouteName.class);

  /** Names the request's route template for metrics (never the raw path). */
  Route named(String template, Supplier<Route> inner) {
    return extractRequest(
        request -> {
          request.getAttribute(ROUTE_NAME).ifPresent(n -> n.template = template);
          return inner.get();
        });
  }

  // Access

  /** Runs the route if the caller's role may do the operation at all; else 403. */
  Route allowed(Call call, Operation operation, Supplier<Route> inner) {
    if (operation.scopeFor(call.caller().role()).isPresent()) {
      return inner.get();
    }
    return complete(
        problem(
            Problem.of(
                StatusCodes.FORBIDDEN,
                "ROLE_NOT_ALLOWED",
                "role "
                    + call.caller().role().name().toLowerCase()
                    + " may not "
                    + operation.description()
                    + "; that needs role "
                    + operation.roles())));
  }

  /** The 403 for an agency named in the request that the caller does not act for. */
  HttpResponse outsideScope(Call call, String agencyId) {
    return problem(
        Problem.of(
            StatusCodes.FORBIDDEN,
            "OUTSIDE_AGENCY_SCOPE",
            "client "
                + call.caller().clientId()
                + " does not act for agency "
                + agencyId
                + "; it acts for "
                + (call.caller().agencies().isEmpty()
                    ? "no agency"
                    : String.join(", ", call.caller().agencies().stream().sorted().toList()))));
  }

  /**
   * Counts wrong PINs per card and per client: at either limit the request is refused before the
   * PIN is even checked, so guessing costs the guesser time, not the server work.
   */
  <T> CompletionStage<Result<T>> pinGuarded(
      Call call, String cardNumber, Supplier<CompletionStage<Result<T>>> action) {
    String client = call.caller().clientId();
    long wait = access.pinWait(cardNumber, client);
    if (wait > 0) {
      throw new TooManyAttempts(wait);
    }
    return action.get().thenApply(result -> access.countPin(cardNumber, client, result));
  }

  /** Thrown before a PIN check that the guessing limits refuse. */
  static final class TooManyAttempts extends RuntimeException {
    final long retryAfterSeconds;

    TooManyAttempts(long retryAfterSeconds) {
      super(null, null, false, false);
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }

  HttpResponse tooManyWrongPins(long retryAfterSeconds) {
    return problem(
            Problem.of(
                StatusCodes.TOO_MANY_REQUESTS,
                "TOO_MANY_WRONG_PINS",
                "too many wrong PINs for this card or from this client; try again in "
                    + retryAfterSeconds
                    + " s"))
        .addHeader(RetryAfter.create(retryAfterSeconds));
  }

  /**
   * Records a staff or operator action in the audit trail with its outcome, and answers only once
   * the record is durable, so an acknowledged action always has its record.
   */
  CompletionStage<HttpResponse> audited(
      Call call, String action, String target, CompletionStage<HttpResponse> outcome) {
    Role role = call.caller().role();
    if (role != Role.STAFF && role != Role.OPERATOR) {
      return outcome;
    }
    return outcome.thenCompose(
        response -> {
          String code = response.status().intValue() >= 400 ? problemCode(response) : null;
          AuditRecord record =
              new AuditRecord(
                  access.clock().instant(),
                  call.caller().clientId(),
                  role.name().toLowerCase(),
                  call.address(),
                  action,
                  target,
                  response.status().intValue(),
                  code);
          return access
              .audit()
              .append(record)
              .handle(
                  (appended, failure) -> {
                    if (failure != null) {
                      log.error(
                          "Audit record for {} on {} by {} not written: {}",
                          action,
                          target,
                          call.caller().clientId(),
                          failure.toString());
                    }
                    return response;
                  });
        });
  }

  private String problemCode(HttpResponse response) {
    if (response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict) {
      try {
        return json.readTree(strict.getData().toArray()).path("code").asText(null);
      } catch (IOException e) {
        return null;
      }
    }
    return null;
  }

  static String maskedCard(String cardNumber) {
    return "patron " + Masking.card(cardNumber);
  }

  // Bodies and answers

  /** Reads a JSON body and hands it to the handler; a body that is not JSON is refused first. */
  Route withBody(Call call, BodyHandler handler) {
    return withBodyText(
        text -> {
          try {
            return completeWithFuture(recover(handler.handle(call, RequestBody.parse(json, text))));
          } catch (RequestBody.Invalid invalid) {
            return complete(problem(invalid.problem));
          } catch (TooManyAttempts tooMany) {
            return complete(tooManyWrongPins(tooMany.retryAfterSeconds));
          }
        });
  }

  /** Any JSON value as the body (the FBS contract sends arrays too); not JSON: 400. */
  Route withJsonValue(Function<JsonNode, Route> inner) {
    return withBodyText(
        text -> {
          try {
            return inner.apply(json.readTree(text));
          } catch (JsonProcessingException e) {
            return complete(
                problem(
                    Problem.of(
                        StatusCodes.BAD_REQUEST,
                        "MALFORMED_JSON",
                        "the body is not valid JSON: " + e.getOriginalMessage())));
          }
        });
  }

  Route withBodyText(Function<String, Route> inner) {
    return extractRequestEntity(
        entity -> {
          if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
            return complete(
                problem(
                    Problem.of(
                        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                        "UNSUPPORTED_MEDIA_TYPE",
                        "send the body as application/json, not "
                            + entity.getContentType().mediaType())));
          }
          // Read with the request timeout as a deadline of its own: a sender that promised a body
          // and stalls is answered then, not left holding the connection until the idle timeout.
          return extractActorSystem(
              system ->
                  extractMaterializer(
                      materializer ->
                          onComplete(
                              entity.toStrict(bodyDeadlineMillis(system), materializer),
                              read -> {
                                if (read.isFailure()) {
                                  Throwable cause = unwrapped(read.failed().get());
                                  return cause instanceof TimeoutException
                                      ? complete(timedOut())
                                      : reject(
                                          Rejections.malformedRequestContent(
                                              String.valueOf(cause.getMessage()), cause));
                                }
                                return inner.apply(
                                    read.get().getData().decodeString(StandardCharsets.UTF_8));
                              })));
        });
  }

  /** Read once: a config lookup per request cost 1.5% of the server's CPU at the peak (run 57). */
  private long bodyDeadlineMillis(ActorSystem system) {
    long millis = bodyDeadlineMillis;
    if (millis < 0) {
      millis =
          system.settings().config().getDuration("pekko.http.server.request-timeout").toMillis();
      bodyDeadlineMillis = millis;
    }
    return millis;
  }

  private static Throwable unwrapped(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A request that outlived pekko.http.server.request-timeout, e.g. a body that never ends. */
  HttpResponse timedOut() {
    return problem(
        Problem.of(
            StatusCodes.SERVICE_UNAVAILABLE,
            "REQUEST_TIMEOUT",
            "the request was not completed within the server's request timeout; retry"));
  }

  /** Checks a path segment's form before anything is asked. */
  Route withId(
      String id, String idName, Pattern form, String formText, Function<String, Route> inner) {
    return form.matcher(id).matches()
        ? inner.apply(id)
        : complete(
            problem(
                Problem.invalidRequest(
                    List.of(new Problem.FieldError(idName, "must be " + formText)))));
  }

  <T> CompletionStage<HttpResponse> answer(CompletionStage<Result<T>> result, StatusCode success) {
    return result.thenApply(r -> answer(r, success));
  }

  /**
   * R12's lost-card refusal names the card and when it was reported: it answers only a caller whose
   * scope holds the card's patron (the patron themselves, or staff of the patron's agency); anyone
   * else gets the unknown card's answer, as for every record outside their scope.
   */
  <T> CompletionStage<HttpResponse> answerInScope(
      CirculationDesk desk, Call call, Operation operation, String card, Result<T> result) {
    if (!(result instanceof Result.Refused<T> refused)
        || refused.rejection().code() != Rejection.Code.CARD_REPORTED_LOST
        || call.caller().role() == Role.PATRON) {
      return CompletableFuture.completedFuture(answer(result, StatusCodes.OK));
    }
    return desk.homeAgencyOfCard(card)
        .thenApply(
            agency ->
                agency.isPresent() && operation.permits(call.caller(), agency.get())
                    ? answer(result, StatusCodes.OK)
                    : answer(Result.refused(PatronRules.notFound(card)), StatusCodes.OK));
  }

  /**
   * Runs {@code action} on a patron within the caller's scope: a patron on their own record only,
   * staff on patrons of an agency {@code operation} lets them act for. Anyone else gets the unknown
   * card's answer.
   */
  CompletionStage<HttpResponse> inScope(
      CirculationDesk desk,
      Call call,
      Operation operation,
      String card,
      Supplier<CompletionStage<HttpResponse>> action) {
    if (call.caller().role() == Role.PATRON) {
      return card.equals(call.caller().cardNumber())
          ? action.get()
          : CompletableFuture.completedFuture(
              answer(Result.refused(PatronRules.notFound(card)), StatusCodes.OK));
    }
    return desk.patronStatus(card)
        .thenCompose(
            status -> {
              if (status instanceof Result.Ok<PatronReply.Status> ok) {
                return operation.permits(call.caller(), ok.value().homeAgencyId())
                    ? action.get()
                    : CompletableFuture.completedFuture(
                        answer(Result.refused(PatronRules.notFound(card)), StatusCodes.OK));
              }
              return answerInScope(desk, call, operation, card, status);
            });
  }

  <T> HttpResponse answer(Result<T> r, StatusCode success) {
    if (r instanceof Result.Ok<T> ok) {
      return jsonResponse(success, ok.value());
    }
    Rejection rejection = ((Result.Refused<T>) r).rejection();
    metrics.refused(rejection.code());
    return problem(Problem.of(rejection));
  }

  /**
   * An entity that did not answer in time is a 503 the client may retry with the same transaction
   * id.
   */
  CompletionStage<HttpResponse> recover(CompletionStage<HttpResponse> response) {
    return response.exceptionally(
        failure -> {
          Throwable cause =
              failure instanceof CompletionException && failure.getCause() != null
                  ? failure.getCause()
                  : failure;
          if (cause instanceof TimeoutException) {
            return unavailable();
          }
          log.error("Request failed: {}", Masking.text(String.valueOf(cause)));
          return problem(
              Problem.of(
                  StatusCodes.INTERNAL_SERVER_ERROR,
                  "INTERNAL_ERROR",
                  "an unexpected error occurred; it has been logged"));
        });
  }

  HttpResponse unavailable() {
    return problem(
            Problem.of(
                StatusCodes.SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "the circulation core did not answer in time; retry with the same"
                    + " transactionId"))
        .addHeader(RetryAfter.create(1L));
  }

  HttpResponse jsonResponse(StatusCode status, Object value) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(
              HttpEntities.create(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(value)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serializable", e);
    }
  }

  HttpResponse problem(Problem problem) {
    try {
      return HttpResponse.create()
          .withStatus(problem.status())
          .withEntity(HttpEntities.create(PROBLEM_JSON, json.writeValueAsBytes(problem)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("problem not serializable", e);
    }
  }
}
