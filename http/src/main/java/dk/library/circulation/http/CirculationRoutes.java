package dk.library.circulation.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.agency.Branch;
import dk.library.circulation.agency.LoanPolicy;
import dk.library.circulation.desk.CheckoutRequest;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.PatronRegistration;
import dk.library.circulation.desk.ReturnRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under /api/v1 (see docs/api.md). Each route reads and validates its body, asks the
 * {@link CirculationDesk}, and answers JSON or an application/problem+json document.
 */
public final class CirculationRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(CirculationRoutes.class);
  static final ContentType PROBLEM_JSON =
      ContentTypes.create(
          MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));

  private final CirculationDesk desk;
  private final ApiMetrics metrics;
  private final ObjectMapper json;

  public CirculationRoutes(CirculationDesk desk, ApiMetrics metrics) {
    this.desk = desk;
    this.metrics = metrics;
    this.json =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
  }

  public Route routes() {
    return measured(
        () ->
            handleRejections(
                problemRejections(),
                () ->
                    concat(
                        path(
                            "health",
                            () ->
                                get(
                                    () ->
                                        named(
                                            "/health",
                                            () ->
                                                complete(
                                                    jsonResponse(
                                                        StatusCodes.OK, Map.of("status", "UP")))))),
                        path("metrics", () -> get(() -> named("/metrics", this::metricsText))),
                        pathPrefix(
                            "api",
                            () ->
                                pathPrefix(
                                    "v1",
                                    () ->
                                        concat(
                                            agencies(),
                                            patrons(),
                                            items(),
                                            postBody("checkouts", this::checkout),
                                            postBody("returns", this::returnItem),
                                            postBody("renewals", this::renew)))))));
  }

  private Route postBody(String name, BodyHandler handler) {
    return path(name, () -> post(() -> named("/api/v1/" + name, () -> withBody(handler))));
  }

  private Route metricsText() {
    return complete(
        HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape())));
  }

  /** The route template a request matched, for metrics; "unmatched" until a route names it. */
  private static final class RouteName {
    private volatile String template = "unmatched";
  }

  private static final AttributeKey<RouteName> ROUTE_NAME =
      AttributeKey.create("route-name", RouteName.class);

  /** Times every request, tagged with the template its route set (never the raw path). */
  private Route measured(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          long start = System.nanoTime();
          RouteName name = new RouteName();
          return mapRequest(
              r -> r.addAttribute(ROUTE_NAME, name),
              () ->
                  mapResponse(
                      response -> {
                        metrics.request(
                            request.method().value(),
                            name.template,
                            response.status().intValue(),
                            System.nanoTime() - start);
                        return response;
                      },
                      inner));
        });
  }

  private Route named(String template, Supplier<Route> inner) {
    return extractRequest(
        request -> {
          request.getAttribute(ROUTE_NAME).ifPresent(n -> n.template = template);
          return inner.get();
        });
  }

  // Agencies

  private Route agencies() {
    return resource(
        "agencies",
        this::createAgency,
        "agencyId",
        Forms.AGENCY_ID,
        Forms.AGENCY_ID_TEXT,
        desk::agency);
  }

  private CompletionStage<HttpResponse> createAgency(RequestBody body) throws RequestBody.Invalid {
    String agencyId = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    String name = body.text("name", Forms.NAME, Forms.NAME_TEXT);
    List<Branch> branches =
        body.objects(
            "branches",
            1,
            500,
            b ->
                new Branch(
                    b.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT),
                    b.text("name", Forms.NAME, Forms.NAME_TEXT)));
    LoanPolicy policy =
        body.object(
            "policy",
            p ->
                new LoanPolicy(
                    p.integer("loanPeriodDays", 1, LoanPolicy.MAX_LOAN_PERIOD_DAYS),
                    p.integer("maxLoans", 0, 10_000),
                    p.integer("maxRenewals", 0, 10_000)));
    if (branches.stream().map(Branch::branchId).distinct().count() < branches.size()) {
      body.error("branches", "each branchId may appear only once");
    }
    body.finish();
    return answer(desk.createAgency(agencyId, name, branches, policy), StatusCodes.CREATED);
  }

  // Patrons

  private Route patrons() {
    return resource(
        "patrons",
        this::registerPatron,
        "cardNumber",
        Forms.CARD_NUMBER,
        Forms.CARD_NUMBER_TEXT,
        desk::patronStatus);
  }

  private CompletionStage<HttpResponse> registerPatron(RequestBody body)
      throws RequestBody.Invalid {
    PatronRegistration registration =
        new PatronRegistration(
            body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT),
            body.text("pin", Forms.PIN, Forms.PIN_TEXT),
            body.text("name", Forms.NAME, Forms.NAME_TEXT),
            body.optionalText("email", Forms.EMAIL, Forms.EMAIL_TEXT),
            body.optionalText("mobile", Forms.MOBILE, Forms.MOBILE_TEXT),
            body.text("homeAgencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT));
    body.finish();
    return answer(desk.registerPatron(registration), StatusCodes.CREATED);
  }

  // Items

  private Route items() {
    return resource(
        "items",
        this::registerItem,
        "barcode",
        Forms.BARCODE,
        Forms.BARCODE_TEXT,
        desk::itemStatus);
  }

  private CompletionStage<HttpResponse> registerItem(RequestBody body) throws RequestBody.Invalid {
    String barcode = body.text("barcode", Forms.BARCODE, Forms.BARCODE_TEXT);
    String titleId = body.text("titleId", Forms.TITLE_ID, Forms.TITLE_ID_TEXT);
    String title = body.text("title", Forms.NAME, Forms.NAME_TEXT);
    String agencyId = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    String materialType = body.text("materialType", Forms.MATERIAL_TYPE, Forms.MATERIAL_TYPE_TEXT);
    body.finish();
    return answer(
        desk.registerItem(barcode, titleId, title, agencyId, materialType), StatusCodes.CREATED);
  }

  // Circulation

  private CompletionStage<HttpResponse> checkout(RequestBody body) throws RequestBody.Invalid {
    CheckoutRequest request =
        new CheckoutRequest(
            body.text("transactionId", Forms.TRANSACTION_ID, Forms.TRANSACTION_ID_TEXT),
            body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT),
            body.text("pin", Forms.PIN, Forms.PIN_TEXT),
            body.text("barcode", Forms.BARCODE, Forms.BARCODE_TEXT),
            body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT),
            body.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT));
    body.finish();
    return answer(desk.checkout(request), StatusCodes.CREATED);
  }

  private CompletionStage<HttpResponse> returnItem(RequestBody body) throws RequestBody.Invalid {
    ReturnRequest request =
        new ReturnRequest(
            body.text("transactionId", Forms.TRANSACTION_ID, Forms.TRANSACTION_ID_TEXT),
            body.text("barcode", Forms.BARCODE, Forms.BARCODE_TEXT),
            body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT),
            body.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT));
    body.finish();
    return answer(desk.returnItem(request), StatusCodes.OK);
  }

  private CompletionStage<HttpResponse> renew(RequestBody body) throws RequestBody.Invalid {
    String card = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String pin = body.text("pin", Forms.PIN, Forms.PIN_TEXT);
    List<String> barcodes =
        body.optionalTextList("barcodes", Forms.BARCODE, Forms.BARCODE_TEXT, 200);
    body.finish();
    return answer(
        desk.renew(card, pin, barcodes)
            .thenApply(r -> map(r, results -> Map.of("renewals", results))),
        StatusCodes.OK);
  }

  // Plumbing

  @FunctionalInterface
  private interface BodyHandler {
    CompletionStage<HttpResponse> handle(RequestBody body) throws RequestBody.Invalid;
  }

  /** Reads a JSON body and hands it to the handler; a body that is not JSON is refused first. */
  private Route withBody(BodyHandler handler) {
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
          return entity(
              Unmarshaller.entityToString(),
              text -> {
                try {
                  return completeWithFuture(recover(handler.handle(RequestBody.parse(json, text))));
                } catch (RequestBody.Invalid invalid) {
                  return complete(problem(invalid.problem));
                }
              });
        });
  }

  /**
   * {@code POST /name} creates from a body; {@code GET /name/{id}} reads one, its id checked first.
   */
  private <T> Route resource(
      String name,
      BodyHandler create,
      String idName,
      Pattern idForm,
      String idFormText,
      Function<String, CompletionStage<Result<T>>> read) {
    return pathPrefix(
        name,
        () ->
            concat(
                pathEnd(() -> post(() -> named("/api/v1/" + name, () -> withBody(create)))),
                path(
                    segment(),
                    id ->
                        get(
                            () ->
                                named(
                                    "/api/v1/" + name + "/{" + idName + "}",
                                    () -> read(id, idName, idForm, idFormText, read))))));
  }

  private <T> Route read(
      String id,
      String idName,
      Pattern idForm,
      String idFormText,
      Function<String, CompletionStage<Result<T>>> read) {
    return idForm.matcher(id).matches()
        ? respond(read.apply(id), StatusCodes.OK)
        : complete(
            problem(
                Problem.invalidRequest(
                    List.of(new Problem.FieldError(idName, "must be " + idFormText)))));
  }

  private <T> CompletionStage<HttpResponse> answer(
      CompletionStage<Result<T>> result, StatusCode success) {
    return result.thenApply(
        r -> {
          if (r instanceof Result.Ok<T> ok) {
            return jsonResponse(success, ok.value());
          }
          Rejection rejection = ((Result.Refused<T>) r).rejection();
          metrics.refused(rejection.code());
          return problem(Problem.of(rejection));
        });
  }

  private <T> Route respond(CompletionStage<Result<T>> result, StatusCode success) {
    return completeWithFuture(recover(answer(result, success)));
  }

  private static <T, U> Result<U> map(Result<T> result, Function<T, U> f) {
    return result instanceof Result.Ok<T> ok
        ? Result.ok(f.apply(ok.value()))
        : Result.refused(((Result.Refused<T>) result).rejection());
  }

  /**
   * An entity that did not answer in time is a 503 the client may retry with the same transaction
   * id.
   */
  private CompletionStage<HttpResponse> recover(CompletionStage<HttpResponse> response) {
    return response.exceptionally(
        failure -> {
          Throwable cause =
              failure instanceof CompletionException && failure.getCause() != null
                  ? failure.getCause()
                  : failure;
          if (cause instanceof TimeoutException) {
            return problem(
                    Problem.of(
                        StatusCodes.SERVICE_UNAVAILABLE,
                        "SERVICE_UNAVAILABLE",
                        "the circulation core did not answer in time; retry with the same"
                            + " transactionId"))
                .addHeader(RetryAfter.create(1L));
          }
          log.error("Request failed", cause);
          return problem(
              Problem.of(
                  StatusCodes.INTERNAL_SERVER_ERROR,
                  "INTERNAL_ERROR",
                  "an unexpected error occurred; it has been logged"));
        });
  }

  private HttpResponse jsonResponse(StatusCode status, Object value) {
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

  /** Pekko's own refusals (unknown route, wrong method, too large) as problem documents. */
  private RejectionHandler problemRejections() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              if (response.entity().getContentType().equals(PROBLEM_JSON)) {
                return response;
              }
              String text =
                  response.entity() instanceof HttpEntity.Strict strict
                      ? strict.getData().utf8String()
                      : response.status().reason();
              String code =
                  switch (response.status().intValue()) {
                    case 404 -> "ROUTE_NOT_FOUND";
                    case 405 -> "METHOD_NOT_ALLOWED";
                    case 413 -> "REQUEST_TOO_LARGE";
                    case 415 -> "UNSUPPORTED_MEDIA_TYPE";
                    default -> "BAD_REQUEST";
                  };
              String detail =
                  code.equals("ROUTE_NOT_FOUND")
                      ? "there is no such resource; see docs/api.md for the routes"
                      : text;
              return problem(Problem.of(response.status(), code, detail))
                  .withHeaders(response.getHeaders());
            });
  }
}
