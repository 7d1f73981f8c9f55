package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.ERASE_PATRON;
import static dk.library.circulation.access.Operation.EXPORT_PATRON_DATA;
import static dk.library.circulation.access.Operation.RECORD_OBJECTION;
import static dk.library.circulation.access.Operation.RECTIFY_PATRON;
import static dk.library.circulation.access.Operation.RESTRICT_PROCESSING;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.card.CardHint;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.PrivacyDesk;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The patron's rights over their data: the access export (R41) and deletion on request (R39). See
 * docs/api.md, "Personal data", and docs/privacy.md.
 */
final class PrivacyRoutes extends ApiDirectives {

  /** What a deletion answers: which card (masked), and when the account was deleted. */
  record Erased(String card, Instant erasedAt) {}

  private final CirculationDesk desk;
  private final PrivacyDesk privacy;

  PrivacyRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.desk = desk;
    this.privacy = desk.privacy();
  }

  Route routes(Call call) {
    return pathPrefix(
        "patrons",
        () ->
            pathPrefix(
                segment(),
                card ->
                    concat(
                        path(
                            "export",
                            () ->
                                get(
                                    () ->
                                        named(
                                            "/api/v1/patrons/{cardNumber}/export",
                                            () ->
                                                allowed(
                                                    call,
                                                    EXPORT_PATRON_DATA,
                                                    () -> withCard(card, c -> export(call, c)))))),
                        path(
                            "personal-details",
                            () ->
                                put(
                                    () ->
                                        named(
                                            "/api/v1/patrons/{cardNumber}/personal-details",
                                            () ->
                                                allowed(
                                                    call,
                                                    RECTIFY_PATRON,
                                                    () ->
                                                        withBody(
                                                            call,
                                                            (c, body) ->
                                                                correct(c, card, body)))))),
                        path(
                            "restriction",
                            () ->
                                named(
                                    "/api/v1/patrons/{cardNumber}/restriction",
                                    () ->
                                        allowed(
                                            call,
                                            RESTRICT_PROCESSING,
                                            () ->
                                                concat(
                                                    put(
                                                        () ->
                                                            withBody(
                                                                call,
                                                                (c, body) ->
                                                                    restrict(c, card, body))),
                                                    delete(
                                                        () ->
                                                            withCard(
                                                                card,
                                                                c ->
                                                                    completeWithFuture(
                                                                        recover(
                                                                            lift(call, c))))))))),
                        path(
                            "objections",
                            () ->
                                post(
                                    () ->
                                        named(
                                            "/api/v1/patrons/{cardNumber}/objections",
                                            () ->
                                                allowed(
                                                    call,
                                                    RECORD_OBJECTION,
                                                    () ->
                                                        withBody(
                                                            call,
                                                            (c, body) -> object(c, card, body)))))),
                        path(
                            "erasure",
                            () ->
                                post(
                                    () ->
                                        named(
                                            "/api/v1/patrons/{cardNumber}/erasure",
                                            () ->
                                                allowed(
                                                    call,
                                                    ERASE_PATRON,
                                                    () ->
                                                        withBody(
                                                            call,
                                                            (c, body) ->
                                                                erase(c, card, body)))))))));
  }

  private Route withCard(String card, java.util.function.Function<String, Route> inner) {
    return withId(card, "cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT, inner);
  }

  // R41: access

  /**
   * The patron's own token, or staff of the patron's agency; the PIN's hash is the one datum left
   * out (it is a secret of the server's, not information about the patron).
   */
  private Route export(Call call, String card) {
    return completeWithFuture(
        recover(
            audited(
                call,
                "EXPORT_PATRON_DATA",
                maskedCard(card),
                inScope(
                    desk,
                    call,
                    EXPORT_PATRON_DATA,
                    card,
                    () ->
                        privacy
                            .export(card)
                            .thenApply(
                                r ->
                                    r instanceof Result.Ok<PrivacyDesk.AccountExport> ok
                                        ? answerExport(ok.value())
                                        : answer(r, StatusCodes.OK))))));
  }

  private HttpResponse answerExport(PrivacyDesk.AccountExport export) {
    ObjectNode document = json.valueToTree(export);
    ObjectNode profile = (ObjectNode) document.path("patron").path("profile");
    profile.put("pin", "set; kept as a salted hash, not shown");
    return jsonResponse(StatusCodes.OK, document);
  }

  // R41: rectification, restriction, objection

  private CompletionStage<HttpResponse> correct(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String name = body.optionalText("name", Forms.NAME, Forms.NAME_TEXT);
    String residence = body.optionalText("residence", Forms.NAME, Forms.NAME_TEXT);
    String municipality = body.optionalText("municipality", Forms.NAME, Forms.NAME_TEXT);
    if (name == null && residence == null && municipality == null) {
      body.error("name", "give at least one of name, residence and municipality");
    }
    body.finish();
    return audited(
        call,
        "RECTIFY_PATRON",
        maskedCard(card),
        inScope(
            desk,
            call,
            RECTIFY_PATRON,
            card,
            () ->
                answer(
                    privacy.correctDetails(
                        card, name, residence, municipality, call.caller().clientId()),
                    StatusCodes.OK)));
  }

  private CompletionStage<HttpResponse> restrict(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String reason = body.text("reason", Forms.NAME, Forms.NAME_TEXT);
    body.finish();
    return audited(
        call,
        "RESTRICT_PROCESSING",
        maskedCard(card),
        inScope(
            desk,
            call,
            RESTRICT_PROCESSING,
            card,
            () ->
                answer(privacy.restrict(card, reason, call.caller().clientId()), StatusCodes.OK)));
  }

  private CompletionStage<HttpResponse> lift(Call call, String card) {
    return audited(
        call,
        "LIFT_RESTRICTION",
        maskedCard(card),
        inScope(
            desk,
            call,
            RESTRICT_PROCESSING,
            card,
            () -> answer(privacy.liftRestriction(card, call.caller().clientId()), StatusCodes.OK)));
  }

  /** The patron's own token records as "patron"; staff as their client. */
  private CompletionStage<HttpResponse> object(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String objectionId = body.text("objectionId", Forms.ID, Forms.ID_TEXT);
    String concerning = body.text("concerning", Forms.NAME, Forms.NAME_TEXT);
    String text = body.text("text", Forms.NAME, Forms.NAME_TEXT);
    body.finish();
    String by = call.caller().role() == Role.PATRON ? "patron" : call.caller().clientId();
    return audited(
        call,
        "RECORD_OBJECTION",
        maskedCard(card),
        inScope(
            desk,
            call,
            RECORD_OBJECTION,
            card,
            () ->
                answer(
                    privacy.recordObjection(card, objectionId, concerning, text, by),
                    StatusCodes.OK)));
  }

  // R39: erasure

  private CompletionStage<HttpResponse> erase(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String document = body.text("identityDocument", Forms.NAME, Forms.NAME_TEXT);
    body.finish();
    return audited(
        call,
        "ERASE_PATRON",
        maskedCard(card) + " on " + document,
        inScope(
            desk,
            call,
            ERASE_PATRON,
            card,
            () ->
                answer(
                    privacy
                        .erase(card, document)
                        .thenApply(r -> r.map(at -> new Erased(CardHint.masked(card), at))),
                    StatusCodes.OK)));
  }
}
