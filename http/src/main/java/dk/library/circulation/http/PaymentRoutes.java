package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.PAY_ONLINE;
import static dk.library.circulation.access.Operation.READ_DEBT_COLLECTION;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.fee.DebtCollection;
import dk.library.circulation.fee.PaymentSession;
import dk.library.circulation.iso18626.Signatures;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronRules;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Money owed outside the desk (docs/payments.md). R36, fees paid online: the website's back end, or
 * the patron with their own token, opens a payment session and sends the patron to the provider;
 * the provider's callback, signed with the shared key, says how it ended. An unsigned, wrongly
 * signed, unknown, replayed or altered callback changes nothing. R35: the agency's ledger of what
 * it handed to debt collection, exported for the collection agency.
 */
public final class PaymentRoutes extends ApiDirectives {

  /** The header the provider signs its callback body in: {@code sha256=<hex HMAC-SHA256>}. */
  static final String SIGNATURE_HEADER = "X-Payment-Signature";

  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern SESSION_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String SESSION_ID_TEXT = "a session id as the session was opened with";
  private static final Pattern STATUS = Pattern.compile("PAID|CANCELLED");

  /** {@code providerUrl} empty: online payment is not offered. */
  public record Settings(String providerUrl, byte[] callbackKey) {

    public static Settings none() {
      return new Settings("", new byte[0]);
    }

    boolean offered() {
      return !providerUrl.isBlank();
    }
  }

  /** What the website is told of a session: never whose it is. */
  record SessionView(
      String sessionId, int amountDkk, String status, Instant openedAt, String redirectUrl) {}

  private final CirculationDesk desk;
  private final Settings settings;

  PaymentRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics, Settings settings) {
    super(access, metrics);
    this.desk = desk;
    this.settings = settings;
  }

  /** {@code POST /api/v1/patrons/{cardNumber}/payment-sessions}. */
  Route sessions(Call call) {
    return pathPrefix(
        "patrons",
        () ->
            pathPrefix(
                segment(),
                card ->
                    path(
                        "payment-sessions",
                        () ->
                            post(
                                () ->
                                    named(
                                        "/api/v1/patrons/{cardNumber}/payment-sessions",
                                        () ->
                                            allowed(call, PAY_ONLINE, () -> open(call, card)))))));
  }

  /** Any body sent is read and dropped: the session is for the whole balance. */
  private Route open(Call call, String card) {
    return toStrictEntity(
        BODY_READ_TIMEOUT,
        () ->
            withId(
                card,
                "cardNumber",
                Forms.CARD_NUMBER,
                Forms.CARD_NUMBER_TEXT,
                valid -> completeWithFuture(recover(openFor(call, valid)))));
  }

  private CompletionStage<HttpResponse> openFor(Call call, String card) {
    if (!settings.offered()) {
      return CompletableFuture.completedFuture(notOffered());
    }
    if (call.caller().role() == Role.PATRON && !card.equals(call.caller().cardNumber())) {
      return CompletableFuture.completedFuture(
          answer(Result.refused(PatronRules.notFound(card)), StatusCodes.OK));
    }
    CompletionStage<Result<PatronReply.Status>> patron =
        call.caller().role() == Role.PATRON
            ? CompletableFuture.completedFuture(null)
            : desk.patronStatus(card);
    return patron.thenCompose(
        status -> {
          if (status instanceof Result.Refused<PatronReply.Status> refused) {
            return CompletableFuture.completedFuture(answer(refused, StatusCodes.OK));
          }
          if (status instanceof Result.Ok<PatronReply.Status> ok
              && !PAY_ONLINE.permits(call.caller(), ok.value().homeAgencyId())) {
            return CompletableFuture.completedFuture(
                answer(Result.refused(PatronRules.notFound(card)), StatusCodes.OK));
          }
          return desk.payments()
              .open(card)
              .thenApply(opened -> answer(opened.map(this::view), StatusCodes.CREATED));
        });
  }

  private SessionView view(PaymentSession.Session s) {
    String redirect =
        settings.providerUrl()
            + (settings.providerUrl().contains("?") ? "&" : "?")
            + "session="
            + URLEncoder.encode(s.sessionId(), StandardCharsets.UTF_8)
            + "&amountDkk="
            + s.amountDkk();
    return new SessionView(s.sessionId(), s.amountDkk(), s.status().name(), s.openedAt(), redirect);
  }

  /**
   * R35: {@code GET /api/v1/agencies/{agencyId}/debt-collection?from=YYYY-MM-DD&to=YYYY-MM-DD}, the
   * agency's hand-overs, payments and write-offs from the start of {@code from} to the end of
   * {@code to} (UTC days), oldest first: what the debt-collection agency is sent.
   */
  Route debtCollection(Call call) {
    return pathPrefix(
        "agencies",
        () ->
            pathPrefix(
                segment(),
                agency ->
                    path(
                        "debt-collection",
                        () ->
                            get(
                                () ->
                                    named(
                                        "/api/v1/agencies/{agencyId}/debt-collection",
                                        () ->
                                            allowed(
                                                call,
                                                READ_DEBT_COLLECTION,
                                                () ->
                                                    parameter(
                                                        "from",
                                                        from ->
                                                            parameter(
                                                                "to",
                                                                to ->
                                                                    ledger(
                                                                        call, agency, from,
                                                                        to)))))))));
  }

  /** The export's document: the agency, the days it covers and the entries. */
  record DebtCollectionExport(
      String agencyId, LocalDate from, LocalDate to, List<DebtCollection.Entry> entries) {}

  /** At most this many entries per export; a longer period is asked for in parts. */
  static final int EXPORT_LIMIT = 10_000;

  private Route ledger(Call call, String agency, String fromText, String toText) {
    LocalDate from = Times.date(fromText);
    LocalDate to = Times.date(toText);
    List<Problem.FieldError> errors = new ArrayList<>();
    Forms.require(
        errors, "agencyId", Forms.AGENCY_ID.matcher(agency).matches(), Forms.AGENCY_ID_TEXT);
    Forms.require(errors, "from", from != null, Forms.DATE_TEXT);
    Forms.require(errors, "to", to != null, Forms.DATE_TEXT);
    if (from != null && to != null && (to.isBefore(from) || to.isAfter(from.plusDays(366)))) {
      errors.add(new Problem.FieldError("to", "must be on or after from, and within a year of it"));
    }
    if (!errors.isEmpty()) {
      return complete(problem(Problem.invalidRequest(errors)));
    }
    if (!READ_DEBT_COLLECTION.permits(call.caller(), agency)) {
      return complete(outsideScope(call, agency));
    }
    return completeWithFuture(
        recover(
            audited(
                call,
                "READ_DEBT_COLLECTION",
                "debt collection of " + agency + " " + from + ".." + to,
                desk.fees()
                    .debtCollection(
                        agency,
                        from.atStartOfDay(ZoneOffset.UTC).toInstant(),
                        to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                        EXPORT_LIMIT)
                    .thenApply(
                        entries ->
                            jsonResponse(
                                StatusCodes.OK,
                                new DebtCollectionExport(agency, from, to, entries))))));
  }

  /** {@code POST /api/v1/payment-callbacks}: no API key; the body's signature is the proof. */
  Route callback() {
    return path(
        segment("api").slash("v1").slash("payment-callbacks"),
        () ->
            post(
                () ->
                    named(
                        "/api/v1/payment-callbacks",
                        () ->
                            optionalHeaderValueByName(
                                SIGNATURE_HEADER,
                                signature ->
                                    withBodyText(
                                        text ->
                                            completeWithFuture(
                                                recover(callback(signature, text))))))));
  }

  private CompletionStage<HttpResponse> callback(Optional<String> signature, String text) {
    if (!settings.offered()) {
      return CompletableFuture.completedFuture(notOffered());
    }
    if (signature.isEmpty() || !signed(text, signature.get())) {
      return CompletableFuture.completedFuture(
          problem(
              Problem.of(
                  StatusCodes.UNAUTHORIZED,
                  "SIGNATURE_INVALID",
                  "the callback must carry "
                      + SIGNATURE_HEADER
                      + ": sha256=<hex HMAC-SHA256 of the body under the shared key>")));
    }
    try {
      RequestBody body = RequestBody.parse(json, text);
      String sessionId = body.text("sessionId", SESSION_ID, SESSION_ID_TEXT);
      String status = body.text("status", STATUS, "PAID or CANCELLED");
      int amount = body.integer("amountDkk", 0, 10_000_000);
      String reference = body.text("providerReference", Forms.ID, Forms.ID_TEXT);
      body.finish();
      CompletionStage<Result<PaymentSession.Session>> outcome =
          "PAID".equals(status)
              ? desk.payments().paid(sessionId, amount, reference)
              : desk.payments().cancelled(sessionId, reference);
      return outcome.thenApply(
          r ->
              answer(
                  r.map(
                      s ->
                          new SessionView(
                              s.sessionId(), s.amountDkk(), s.status().name(), s.openedAt(), null)),
                  StatusCodes.OK));
    } catch (RequestBody.Invalid invalid) {
      return CompletableFuture.completedFuture(problem(invalid.problem));
    }
  }

  /** Constant-time comparison of the signature the provider sent with the body's own. */
  private boolean signed(String body, String header) {
    return Signatures.matches(settings.callbackKey(), body, header);
  }

  private HttpResponse notOffered() {
    return problem(
        Problem.of(
            StatusCodes.SERVICE_UNAVAILABLE,
            "PAYMENTS_NOT_OFFERED",
            "online payment is not configured on this server (library.payments.provider-url)"));
  }
}
