package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.CHECKOUT;
import static dk.library.circulation.access.Operation.CHECK_PATRON_PIN;
import static dk.library.circulation.access.Operation.CREATE_AGENCY;
import static dk.library.circulation.access.Operation.READ_AGENCY;
import static dk.library.circulation.access.Operation.READ_ITEM;
import static dk.library.circulation.access.Operation.READ_METRICS;
import static dk.library.circulation.access.Operation.READ_PATRON;
import static dk.library.circulation.access.Operation.REGISTER_ITEM;
import static dk.library.circulation.access.Operation.REGISTER_PATRON;
import static dk.library.circulation.access.Operation.RENEW;
import static dk.library.circulation.access.Operation.RETURN;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.Caller;
import dk.library.circulation.access.Operation;
import dk.library.circulation.card.PersonRegistry;
import dk.library.circulation.client.Role;
import dk.library.circulation.console.OperatorConsole;
import dk.library.circulation.desk.CheckoutRequest;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.ItemRegistration;
import dk.library.circulation.desk.ItemStatus;
import dk.library.circulation.desk.PatronRegistration;
import dk.library.circulation.desk.Registrar;
import dk.library.circulation.desk.ReturnRequest;
import dk.library.circulation.iso18626.PartnerDirectory;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronRules;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The JSON API under /api/v1 (see docs/api.md). Every route but /health authenticates its caller,
 * checks the caller's role and agency scope ({@link Operation}), reads and validates its body, asks
 * the {@link CirculationDesk}, and answers JSON or an application/problem+json document.
 */
public final class CirculationRoutes extends ApiDirectives {

  private static final String CREDENTIAL_HINT =
      "send 'Authorization: Bearer <API key or patron token>'; see docs/security.md";

  private final CirculationDesk desk;
  private final AccessRoutes accessRoutes;
  private final StaffRoutes staffRoutes;
  private final HoldRoutes holdRoutes;
  private final BookingRoutes bookingRoutes;
  private final DoorRoutes doorRoutes;
  private final PrivacyRoutes privacyRoutes;
  private final StatisticsRoutes statisticsRoutes;
  private final InterlibraryRoutes interlibraryRoutes;
  private final ImportRoutes importRoutes;
  private final ConsoleRoutes consoleRoutes;
  private final FbsRoutes fbsRoutes;
  private final PaymentRoutes paymentRoutes;
  private final Iso18626Routes iso18626Routes;
  private final HttpResponse apiDescription;
  private final boolean loading;

  /**
   * Serving: every route. {@code people}: the person registry patrons signing up on a library
   * website are found in; {@code payments}: the online payment provider (R36).
   */
  public CirculationRoutes(
      CirculationDesk desk,
      AccessControl access,
      ApiMetrics metrics,
      OperatorConsole console,
      PersonRegistry people,
      PaymentRoutes.Settings payments,
      PartnerDirectory partners) {
    this(
        desk, access, metrics, console, Registrar.through(desk), people, payments, partners, false);
  }

  /**
   * Initial-load mode: agencies, clients and imports only, the imports registering through {@code
   * load}; everything else is refused until the server is started again in serving mode.
   */
  public static CirculationRoutes forInitialLoad(
      CirculationDesk desk,
      AccessControl access,
      ApiMetrics metrics,
      OperatorConsole console,
      Registrar load) {
    return new CirculationRoutes(
        desk,
        access,
        metrics,
        console,
        load,
        PersonRegistry.none(),
        PaymentRoutes.Settings.none(),
        PartnerDirectory.none(),
        true);
  }

  private CirculationRoutes(
      CirculationDesk desk,
      AccessControl access,
      ApiMetrics metrics,
      OperatorConsole console,
      Registrar registrar,
      PersonRegistry people,
      PaymentRoutes.Settings payments,
      PartnerDirectory partners,
      boolean loading) {
    super(access, metrics);
    this.desk = desk;
    this.loading = loading;
    this.accessRoutes = new AccessRoutes(desk, access, metrics);
    this.staffRoutes = new StaffRoutes(desk, access, metrics);
    this.holdRoutes = new HoldRoutes(desk, access, metrics);
    this.bookingRoutes = new BookingRoutes(desk, access, metrics);
    this.doorRoutes = new DoorRoutes(desk, access, metrics);
    this.privacyRoutes = new PrivacyRoutes(desk, access, metrics);
    this.statisticsRoutes = new StatisticsRoutes(desk, access, metrics);
    this.interlibraryRoutes = new InterlibraryRoutes(desk, access, metrics);
    this.importRoutes = new ImportRoutes(desk, registrar, access, metrics);
    this.consoleRoutes = new ConsoleRoutes(access, metrics, console);
    this.fbsRoutes = new FbsRoutes(desk, access, metrics, people);
    this.paymentRoutes = new PaymentRoutes(desk, access, metrics, payments);
    this.iso18626Routes = new Iso18626Routes(desk, access, metrics, partners);
    this.apiDescription = ApiDescription.response();
  }

  public Route routes() {
    return measured(
        () ->
            withRequestTimeoutResponse(
                request -> timedOut(),
                () -> handleRejections(problemRejections(), this::allRoutes)));
  }

  private Route allRoutes() {
    return concat(
        path(
            "health",
            () ->
                get(
                    () ->
                        named(
                            "/health",
                            () -> complete(jsonResponse(StatusCodes.OK, Map.of("status", "UP")))))),
        consoleRoutes.page(),
        path(
            segment("api").slash("v1").slash("openapi.json"),
            () -> get(() -> named("/api/v1/openapi.json", () -> complete(apiDescription)))),
        paymentRoutes.callback(),
        loading ? reject() : iso18626Routes.routes(),
        authenticated(
            call ->
                concat(
                    path(
                        "metrics",
                        () ->
                            get(
                                () ->
                                    named(
                                        "/metrics",
                                        () -> allowed(call, READ_METRICS, this::metricsText)))),
                    pathPrefix("api", () -> pathPrefix("v1", () -> api(call))),
                    fbs(call))));
  }

  /** The FBS contract's paths for library websites, at the root as the contract has them. */
  private Route fbs(Call call) {
    return loading ? reject() : fbsRoutes.routes(call);
  }

  private Route api(Call call) {
    if (loading) {
      return concat(
          agencies(call),
          accessRoutes.routes(call),
          importRoutes.routes(call),
          consoleRoutes.api(call),
          complete(
              problem(
                  Problem.of(
                      StatusCodes.SERVICE_UNAVAILABLE,
                      "INITIAL_LOAD_UNDER_WAY",
                      "this server runs an initial load: it serves agencies, clients and imports"
                          + " only; circulation starts when it is started again in serving"
                          + " mode"))));
    }
    // The route tree closes over the caller, so it is built per request: the self-service
    // transactions, most of the traffic, build only their own route instead of every route's.
    return extractUnmatchedPath(
        rest ->
            switch (firstSegment(rest)) {
              case "checkouts" -> postBody(call, "checkouts", CHECKOUT, this::checkout);
              case "returns" -> postBody(call, "returns", RETURN, this::returnItem);
              case "renewals" -> postBody(call, "renewals", RENEW, this::renew);
              case "patron-status" ->
                  postBody(call, "patron-status", CHECK_PATRON_PIN, this::patronStatusWithPin);
              case "console" -> consoleRoutes.api(call);
              default -> everyRoute(call);
            });
  }

  /** "checkouts" of "/checkouts" or "/checkouts/x"; empty for "/" or "". */
  static String firstSegment(String unmatchedPath) {
    int from = unmatchedPath.startsWith("/") ? 1 : 0;
    int end = unmatchedPath.indexOf('/', from);
    return unmatchedPath.substring(from, end < 0 ? unmatchedPath.length() : end);
  }

  private Route everyRoute(Call call) {
    return concat(
        agencies(call),
        patrons(call),
        items(call),
        accessRoutes.routes(call),
        staffRoutes.routes(call),
        holdRoutes.routes(call),
        bookingRoutes.routes(call),
        doorRoutes.routes(call),
        privacyRoutes.routes(call),
        statisticsRoutes.routes(call),
        interlibraryRoutes.routes(call),
        importRoutes.routes(call),
        paymentRoutes.sessions(call),
        paymentRoutes.debtCollection(call));
  }

  private Route postBody(Call call, String name, Operation operation, BodyHandler handler) {
    return path(
        name,
        () ->
            post(
                () ->
                    named(
                        "/api/v1/" + name,
                        () -> allowed(call, operation, () -> withBody(call, handler)))));
  }

  private Route metricsText() {
    return complete(
        HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape())));
  }

  // Authentication

  /**
   * Finds the caller behind the bearer credential, then counts the request against the caller's
   * rate. Failed logins are counted per address, so guessing keys cannot flood the registry.
   */
  private Route authenticated(Function<Call, Route> inner) {
    // The peer's own address, never X-Forwarded-For, which any caller can set to dodge limits.
    return extractRequest(
        request -> {
          String address =
              request
                  .getAttribute(AttributeKeys.remoteAddress)
                  .flatMap(RemoteAddress::getAddress)
                  .map(InetAddress::getHostAddress)
                  .orElse("unknown");
          return optionalHeaderValueByName(
              "Authorization",
              header -> {
                Optional<String> credential =
                    header
                        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                        .map(h -> h.substring(7).trim())
                        .filter(c -> !c.isEmpty());
                if (credential.isEmpty()) {
                  return complete(
                      unauthorized(
                          "AUTHENTICATION_REQUIRED",
                          "this request needs a credential: " + CREDENTIAL_HINT));
                }
                long blocked = access.failedLoginsPerAddress().blockedFor(address);
                if (blocked > 0) {
                  return complete(
                      problem(
                              Problem.of(
                                  StatusCodes.TOO_MANY_REQUESTS,
                                  "TOO_MANY_FAILED_LOGINS",
                                  "too many requests with invalid credentials from this address;"
                                      + " try again in "
                                      + blocked
                                      + " s"))
                          .addHeader(RetryAfter.create(blocked)));
                }
                return onComplete(
                    access.authenticator().authenticate(credential.get()),
                    outcome -> {
                      if (outcome.isFailure()) {
                        return complete(unavailable());
                      }
                      Optional<Caller> caller = outcome.get();
                      if (caller.isEmpty()) {
                        access.failedLoginsPerAddress().failed(address);
                        return complete(
                            unauthorized(
                                "INVALID_CREDENTIALS",
                                "the credential is unknown, revoked, expired or wrong: "
                                    + CREDENTIAL_HINT));
                      }
                      long wait =
                          access
                              .rates()
                              .acquire(caller.get().limitKey(), caller.get().requestsPerSecond());
                      if (wait > 0) {
                        return complete(
                            problem(
                                    Problem.of(
                                        StatusCodes.TOO_MANY_REQUESTS,
                                        "RATE_LIMITED",
                                        "client "
                                            + caller.get().clientId()
                                            + " may send "
                                            + caller.get().requestsPerSecond()
                                            + " requests per second; try again in "
                                            + wait
                                            + " s"))
                                .addHeader(RetryAfter.create(wait)));
                      }
                      return inner.apply(new Call(caller.get(), address));
                    });
              });
        });
  }

  private HttpResponse unauthorized(String code, String detail) {
    return problem(Problem.of(StatusCodes.UNAUTHORIZED, code, detail))
        .addHeader(WWWAuthenticate.create(HttpChallenge.createOAuth2("library-circulation")));
  }

  // Metrics: the route template a request matched, never its raw path

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
                        long nanos = System.nanoTime() - start;
                        metrics.request(
                            request.method().value(),
                            name.template,
                            response.status().intValue(),
                            nanos);
                        if (name.template == null || !ApiMetrics.operatorsOwn(name.template)) {
                          desk.serving().answered(nanos);
                        }
                        return response;
                      },
                      inner));
        });
  }

  // Agencies

  private Route agencies(Call call) {
    return resource(
        call,
        new Resource(
            "agencies",
            CREATE_AGENCY,
            this::createAgency,
            "agencyId",
            Forms.AGENCY_ID,
            Forms.AGENCY_ID_TEXT,
            READ_AGENCY),
        agencyId ->
            READ_AGENCY.permits(call.caller(), agencyId)
                ? answer(desk.agencyView(agencyId), StatusCodes.OK)
                : CompletableFuture.completedFuture(outsideScope(call, agencyId)));
  }

  /** A collection: POST creates from a body, GET /{id} reads one, its id's form checked first. */
  private record Resource(
      String name,
      Operation create,
      BodyHandler creator,
      String idName,
      Pattern idForm,
      String idFormText,
      Operation read) {}

  private Route resource(
      Call call, Resource r, Function<String, CompletionStage<HttpResponse>> reader) {
    return pathPrefix(
        r.name(),
        () ->
            concat(
                pathEnd(
                    () ->
                        post(
                            () ->
                                named(
                                    "/api/v1/" + r.name(),
                                    () ->
                                        allowed(
                                            call, r.create(), () -> withBody(call, r.creator()))))),
                path(
                    segment(),
                    id ->
                        get(
                            () ->
                                named(
                                    "/api/v1/" + r.name() + "/{" + r.idName() + "}",
                                    () ->
                                        allowed(
                                            call,
                                            r.read(),
                                            () ->
                                                withId(
                                                    id,
                                                    r.idName(),
                                                    r.idForm(),
                                                    r.idFormText(),
                                                    valid ->
                                                        completeWithFuture(
                                                            recover(reader.apply(valid))))))))));
  }

  private CompletionStage<HttpResponse> createAgency(Call call, RequestBody body)
      throws RequestBody.Invalid {
    Registrations.AgencyForm agency = Registrations.agency(body);
    body.finish();
    return audited(
        call,
        "CREATE_AGENCY",
        "agency " + agency.agencyId(),
        answer(
            desk.createAgency(
                agency.agencyId(),
                agency.name(),
                agency.branches(),
                agency.policy(),
                call.caller().clientId()),
            StatusCodes.CREATED));
  }

  // Patrons

  private Route patrons(Call call) {
    return resource(
        call,
        new Resource(
            "patrons",
            REGISTER_PATRON,
            this::registerPatron,
            "cardNumber",
            Forms.CARD_NUMBER,
            Forms.CARD_NUMBER_TEXT,
            READ_PATRON),
        card -> readPatron(call, card));
  }

  /**
   * A patron outside the caller's scope answers exactly like an unknown card, so a client learns
   * nothing about other agencies' patrons.
   */
  private CompletionStage<HttpResponse> readPatron(Call call, String card) {
    Caller caller = call.caller();
    if (caller.role() == Role.PATRON && !card.equals(caller.cardNumber())) {
      return CompletableFuture.completedFuture(
          answer(Result.refused(patronNotFound(card)), StatusCodes.OK));
    }
    return desk.patronStatus(card)
        .thenCompose(
            result -> {
              if (caller.role() != Role.PATRON
                  && result instanceof Result.Ok<PatronReply.Status> ok
                  && !READ_PATRON.permits(caller, ok.value().homeAgencyId())) {
                return CompletableFuture.completedFuture(
                    answer(Result.refused(patronNotFound(card)), StatusCodes.OK));
              }
              return answerInScope(desk, call, READ_PATRON, card, result);
            });
  }

  private static Rejection patronNotFound(String card) {
    return PatronRules.notFound(card);
  }

  private CompletionStage<HttpResponse> registerPatron(Call call, RequestBody body)
      throws RequestBody.Invalid {
    PatronRegistration registration =
        Registrations.patron(body, call.caller().clientId(), access.clock().instant());
    body.finish();
    return audited(
        call,
        "REGISTER_PATRON",
        maskedCard(registration.cardNumber()),
        scoped(
            call,
            REGISTER_PATRON,
            registration.homeAgencyId(),
            () -> answer(desk.patrons().registerPatron(registration), StatusCodes.CREATED)));
  }

  private CompletionStage<HttpResponse> patronStatusWithPin(Call call, RequestBody body)
      throws RequestBody.Invalid {
    String card = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String pin = body.text("pin", Forms.PIN, Forms.PIN_TEXT);
    body.finish();
    return answer(pinGuarded(call, card, () -> desk.checkPin(card, pin)), StatusCodes.OK);
  }

  // Items

  private Route items(Call call) {
    return resource(
        call,
        new Resource(
            "items",
            REGISTER_ITEM,
            this::registerItem,
            "barcode",
            Forms.BARCODE,
            Forms.BARCODE_TEXT,
            READ_ITEM),
        barcode -> readItem(call, barcode));
  }

  /** Like patrons, an item of an agency outside the caller's scope answers as unknown. */
  private CompletionStage<HttpResponse> readItem(Call call, String barcode) {
    return desk.itemStatus(barcode)
        .thenApply(
            result -> {
              if (result instanceof Result.Ok<ItemStatus> ok
                  && !READ_ITEM.permits(call.caller(), ok.value().item().agencyId())) {
                return answer(
                    Result.refused(
                        Rejection.of(
                            Rejection.Code.ITEM_NOT_FOUND,
                            "no item with barcode " + barcode + " is registered")),
                    StatusCodes.OK);
              }
              return answer(result, StatusCodes.OK);
            });
  }

  private CompletionStage<HttpResponse> registerItem(Call call, RequestBody body)
      throws RequestBody.Invalid {
    ItemRegistration item = Registrations.item(body);
    body.finish();
    return audited(
        call,
        "REGISTER_ITEM",
        "item " + item.barcode(),
        scoped(
            call,
            REGISTER_ITEM,
            item.agencyId(),
            () -> answer(desk.registerItem(item), StatusCodes.CREATED)));
  }

  // Circulation

  private CompletionStage<HttpResponse> checkout(Call call, RequestBody body)
      throws RequestBody.Invalid {
    CheckoutRequest request =
        new CheckoutRequest(
            call.caller().clientId(),
            body.text("transactionId", Forms.TRANSACTION_ID, Forms.TRANSACTION_ID_TEXT),
            body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT),
            body.text("pin", Forms.PIN, Forms.PIN_TEXT),
            body.text("barcode", Forms.BARCODE, Forms.BARCODE_TEXT),
            body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT),
            body.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT),
            body.optionalText("damageNote", Forms.NAME, Forms.NAME_TEXT),
            body.optionalText("pickupToken", Forms.TOKEN, Forms.TOKEN_TEXT));
    body.finish();
    return scoped(
        call,
        CHECKOUT,
        request.agencyId(),
        () ->
            answer(
                pinGuarded(call, request.cardNumber(), () -> desk.checkout(request)),
                StatusCodes.CREATED));
  }

  private CompletionStage<HttpResponse> returnItem(Call call, RequestBody body)
      throws RequestBody.Invalid {
    ReturnRequest request =
        new ReturnRequest(
            body.text("transactionId", Forms.TRANSACTION_ID, Forms.TRANSACTION_ID_TEXT),
            body.text("barcode", Forms.BARCODE, Forms.BARCODE_TEXT),
            body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT),
            body.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT));
    body.finish();
    return scoped(
        call, RETURN, request.agencyId(), () -> answer(desk.returnItem(request), StatusCodes.OK));
  }

  private CompletionStage<HttpResponse> renew(Call call, RequestBody body)
      throws RequestBody.Invalid {
    String card = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String pin = body.text("pin", Forms.PIN, Forms.PIN_TEXT);
    List<String> barcodes =
        body.optionalTextList("barcodes", Forms.BARCODE, Forms.BARCODE_TEXT, 200);
    body.finish();
    return answer(
        pinGuarded(call, card, () -> desk.renew(card, pin, barcodes))
            .thenApply(r -> r.map(results -> Map.of("renewals", results))),
        StatusCodes.OK);
  }

  /** Runs the action only for an agency the caller acts for; else 403 before anything is asked. */
  private CompletionStage<HttpResponse> scoped(
      Call call,
      Operation operation,
      String agencyId,
      Supplier<CompletionStage<HttpResponse>> action) {
    return operation.permits(call.caller(), agencyId)
        ? action.get()
        : CompletableFuture.completedFuture(outsideScope(call, agencyId));
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
