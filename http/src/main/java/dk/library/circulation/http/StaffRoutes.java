package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.CHANGE_POLICY;
import static dk.library.circulation.access.Operation.ISSUE_CARD;
import static dk.library.circulation.access.Operation.MANAGE_FEES;
import static dk.library.circulation.access.Operation.MANAGE_PIN;
import static dk.library.circulation.access.Operation.READ_POLICY;
import static dk.library.circulation.access.Operation.REPORT_LOST_CARD;
import static dk.library.circulation.access.Operation.SUSPEND_PATRON;
import static dk.library.circulation.access.Operation.UPDATE_CONTACT;
import static dk.library.circulation.access.Operation.VERIFY_PATRON;
import static org.apache.pekko.http.javadsl.model.HttpMethods.DELETE;
import static org.apache.pekko.http.javadsl.model.HttpMethods.POST;
import static org.apache.pekko.http.javadsl.model.HttpMethods.PUT;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.Operation;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * An agency's policy (read, change, history) and the staff's actions on a patron's account: fees,
 * payments and suspensions. Every change is audited.
 */
final class StaffRoutes extends ApiDirectives {

  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(5);

  private final CirculationDesk desk;

  StaffRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.desk = desk;
  }

  Route routes(Call call) {
    return concat(policy(call), patronAccount(call));
  }

  // Policy

  private Route policy(Call call) {
    String template = "/api/v1/agencies/{agencyId}/policy";
    return pathPrefix(
        "agencies",
        () ->
            pathPrefix(
                segment(),
                id ->
                    pathPrefix(
                        "policy",
                        () ->
                            concat(
                                pathEnd(
                                    () ->
                                        concat(
                                            get(
                                                () ->
                                                    named(
                                                        template,
                                                        () ->
                                                            agencyAction(
                                                                call,
                                                                READ_POLICY,
                                                                id,
                                                                agencyId ->
                                                                    answer(
                                                                        desk.policy(agencyId),
                                                                        StatusCodes.OK)))),
                                            put(
                                                () ->
                                                    named(
                                                        template,
                                                        () ->
                                                            allowed(
                                                                call,
                                                                CHANGE_POLICY,
                                                                () ->
                                                                    withBody(
                                                                        call,
                                                                        (c, body) ->
                                                                            changePolicy(
                                                                                c, id, body))))))),
                                path(
                                    "versions",
                                    () ->
                                        get(
                                            () ->
                                                named(
                                                    template + "/versions",
                                                    () ->
                                                        agencyAction(
                                                            call,
                                                            READ_POLICY,
                                                            id,
                                                            agencyId ->
                                                                answer(
                                                                    desk.policyVersions(agencyId)
                                                                        .thenApply(
                                                                            r ->
                                                                                r.map(
                                                                                    v ->
                                                                                        Map.of(
                                                                                            "versions",
                                                                                            v))),
                                                                    StatusCodes.OK)))))))));
  }

  private Route agencyAction(
      Call call,
      Operation operation,
      String id,
      Function<String, CompletionStage<HttpResponse>> action) {
    return allowed(
        call,
        operation,
        () ->
            withId(
                id,
                "agencyId",
                Forms.AGENCY_ID,
                Forms.AGENCY_ID_TEXT,
                agencyId ->
                    operation.permits(call.caller(), agencyId)
                        ? completeWithFuture(recover(action.apply(agencyId)))
                        : complete(outsideScope(call, agencyId))));
  }

  /** A new version applies to transactions from now on; loans keep the terms they were given. */
  private CompletionStage<HttpResponse> changePolicy(Call call, String agencyId, RequestBody body)
      throws RequestBody.Invalid {
    if (!Forms.AGENCY_ID.matcher(agencyId).matches()) {
      body.error("agencyId", "must be " + Forms.AGENCY_ID_TEXT);
    }
    AgencyPolicy policy = Policies.read(body);
    body.finish();
    return audited(
        call,
        "CHANGE_POLICY",
        "agency " + agencyId,
        answer(desk.changePolicy(agencyId, policy, call.caller().clientId()), StatusCodes.OK));
  }

  // A patron's account

  private Route patronAccount(Call call) {
    return pathPrefix(
        "patrons",
        () ->
            pathPrefix(
                segment(),
                card ->
                    concat(
                        accountAction(call, card, "fees", POST, MANAGE_FEES, this::chargeFee),
                        accountAction(
                            call, card, "lost-items", POST, MANAGE_FEES, this::chargeLostItem),
                        accountAction(call, card, "deposits", POST, MANAGE_FEES, this::deposit),
                        accountAction(call, card, "payments", POST, MANAGE_FEES, this::pay),
                        accountAction(
                            call, card, "claim-write-offs", POST, MANAGE_FEES, this::writeOff),
                        accountAction(
                            call,
                            card,
                            "identity-verification",
                            POST,
                            VERIFY_PATRON,
                            this::verifyIdentity),
                        accountAction(call, card, "cards", POST, ISSUE_CARD, this::addCard),
                        accountAction(
                            call,
                            card,
                            "lost-card-report",
                            POST,
                            REPORT_LOST_CARD,
                            this::reportLostCard),
                        accountAction(
                            call, card, "contact", PUT, UPDATE_CONTACT, this::updateContact),
                        accountAction(call, card, "pin", PUT, MANAGE_PIN, this::resetPin),
                        accountActionWithoutBody(
                            call,
                            card,
                            "pin-unlock",
                            POST,
                            MANAGE_PIN,
                            "UNLOCK_PIN",
                            valid -> desk.patrons().unlockPin(valid, call.caller().clientId())),
                        accountAction(
                            call,
                            card,
                            "guardian-consent",
                            POST,
                            VERIFY_PATRON,
                            this::recordGuardianConsent),
                        accountAction(call, card, "suspension", PUT, SUSPEND_PATRON, this::suspend),
                        accountActionWithoutBody(
                            call,
                            card,
                            "suspension",
                            DELETE,
                            SUSPEND_PATRON,
                            "LIFT_SUSPENSION",
                            valid -> desk.fees().liftSuspension(valid, call.caller().clientId())),
                        accountActionWithoutBody(
                            call,
                            card,
                            "exclusion",
                            DELETE,
                            SUSPEND_PATRON,
                            "LIFT_EXCLUSION",
                            valid -> desk.fees().liftExclusion(valid, call.caller().clientId())))));
  }

  /** An action on a patron's account, with the card from the path and a JSON body. */
  @FunctionalInterface
  private interface AccountAction {
    CompletionStage<HttpResponse> act(Call call, String card, RequestBody body)
        throws RequestBody.Invalid;
  }

  /** {@code /patrons/{cardNumber}/{name}} by {@code method}, for the operation's roles only. */
  private Route accountRoute(
      Call call, String name, HttpMethod method, Operation operation, Supplier<Route> inner) {
    return path(
        name,
        () ->
            method(
                method,
                () ->
                    named(
                        "/api/v1/patrons/{cardNumber}/" + name,
                        () -> allowed(call, operation, inner))));
  }

  /** An account action with a JSON body. */
  private Route accountAction(
      Call call,
      String card,
      String name,
      HttpMethod method,
      Operation operation,
      AccountAction action) {
    return accountRoute(
        call,
        name,
        method,
        operation,
        () -> withBody(call, (c, body) -> action.act(c, card, body)));
  }

  /**
   * An account action without a body (any sent is read and dropped): an audited staff action on a
   * patron of the caller's agency.
   */
  private Route accountActionWithoutBody(
      Call call,
      String card,
      String name,
      HttpMethod method,
      Operation operation,
      String auditAction,
      Function<String, CompletionStage<Result<PatronReply.Status>>> action) {
    return accountRoute(
        call,
        name,
        method,
        operation,
        () ->
            toStrictEntity(
                BODY_READ_TIMEOUT,
                () ->
                    withId(
                        card,
                        "cardNumber",
                        Forms.CARD_NUMBER,
                        Forms.CARD_NUMBER_TEXT,
                        valid ->
                            completeWithFuture(
                                recover(
                                    audited(
                                        call,
                                        auditAction,
                                        maskedCard(valid),
                                        onPatron(
                                            call,
                                            operation,
                                            valid,
                                            () -> action.apply(valid))))))));
  }

  private CompletionStage<HttpResponse> chargeFee(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String feeId = body.text("feeId", Forms.ID, Forms.ID_TEXT);
    int amount = body.integer("amountDkk", 1, 100_000);
    String reason = body.text("reason", Forms.NAME, Forms.NAME_TEXT);
    String agencyId = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    body.finish();
    if (!MANAGE_FEES.permits(call.caller(), agencyId)) {
      return CompletableFuture.completedFuture(outsideScope(call, agencyId));
    }
    return audited(
        call,
        "CHARGE_FEE",
        maskedCard(card) + " fee " + feeId + " " + amount + " DKK",
        onPatron(
            call,
            MANAGE_FEES,
            card,
            () -> desk.fees().chargeFee(card, feeId, amount, reason, agencyId)));
  }

  /** R31: a lost or damaged copy, charged by its material type's costs. */
  private CompletionStage<HttpResponse> chargeLostItem(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String barcode = body.text("barcode", Forms.BARCODE, Forms.BARCODE_TEXT);
    String condition = body.text("condition", Forms.CONDITION, Forms.CONDITION_TEXT);
    body.finish();
    return audited(
        call,
        "CHARGE_LOST_ITEM",
        maskedCard(card) + " item " + barcode + " " + condition,
        onPatron(
            call,
            MANAGE_FEES,
            card,
            () -> desk.fees().chargeLostOrDamaged(card, barcode, "damaged".equals(condition))));
  }

  /** R7: a deposit a non-resident leaves against the value of what they borrow. */
  private CompletionStage<HttpResponse> deposit(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    int amount = body.integer("amountDkk", 1, 1_000_000);
    body.finish();
    return audited(
        call,
        "RECEIVE_DEPOSIT",
        maskedCard(card) + " " + amount + " DKK",
        onPatron(
            call,
            MANAGE_FEES,
            card,
            () -> desk.fees().deposit(card, amount, call.caller().clientId())));
  }

  private CompletionStage<HttpResponse> pay(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String paymentId = body.text("paymentId", Forms.ID, Forms.ID_TEXT);
    int amount = body.integer("amountDkk", 1, 1_000_000);
    body.finish();
    return audited(
        call,
        "RECEIVE_PAYMENT",
        maskedCard(card) + " payment " + paymentId + " " + amount + " DKK",
        onPatron(call, MANAGE_FEES, card, () -> desk.fees().pay(card, paymentId, amount)));
  }

  /** R35: what is with debt collection is written off; the same id again changes nothing. */
  private CompletionStage<HttpResponse> writeOff(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String writeOffId = body.text("writeOffId", Forms.ID, Forms.ID_TEXT);
    body.finish();
    return audited(
        call,
        "WRITE_OFF_CLAIMS",
        maskedCard(card) + " write-off " + writeOffId,
        onPatron(
            call,
            MANAGE_FEES,
            card,
            () -> desk.fees().writeOffClaims(card, writeOffId, call.caller().clientId())));
  }

  private CompletionStage<HttpResponse> suspend(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String untilText = body.text("until", Forms.DATE, Forms.DATE_TEXT);
    String reason = body.text("reason", Forms.NAME, Forms.NAME_TEXT);
    LocalDate until = null;
    if (untilText != null) {
      try {
        until = LocalDate.parse(untilText);
      } catch (DateTimeParseException e) {
        body.error("until", "is not a date in the calendar");
      }
    }
    body.finish();
    LocalDate end = until;
    return audited(
        call,
        "SUSPEND_PATRON",
        maskedCard(card) + " until " + end,
        onPatron(
            call,
            SUSPEND_PATRON,
            card,
            () -> desk.fees().suspend(card, end, reason, call.caller().clientId())));
  }

  /** R2, R15: the staff client saw the patron's ID, recorded with who and when. */
  private CompletionStage<HttpResponse> verifyIdentity(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String method = body.text("method", Forms.NAME, Forms.NAME_TEXT);
    body.finish();
    return audited(
        call,
        "VERIFY_IDENTITY",
        maskedCard(card),
        onPatron(
            call,
            VERIFY_PATRON,
            card,
            () -> desk.patrons().verifyIdentity(card, method, call.caller().clientId())));
  }

  /** R9: another card for an institution account, answered for by the institution. */
  private CompletionStage<HttpResponse> addCard(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String newCard = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    body.finish();
    return audited(
        call,
        "ISSUE_CARD",
        maskedCard(card) + " adds " + maskedCard(newCard),
        onPatron(call, ISSUE_CARD, card, () -> desk.patrons().addInstitutionCard(card, newCard)));
  }

  /**
   * R12: the card is blocked at once and for good, and the replacement number is issued to the same
   * patron; staff of the patron's agency or the patron (own token) report it.
   */
  private CompletionStage<HttpResponse> reportLostCard(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String replacement =
        body.text("replacementCardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    if (card.equals(replacement)) {
      body.error("replacementCardNumber", "must differ from the lost card's number");
    }
    body.finish();
    String by = call.caller().role() == Role.PATRON ? "patron" : call.caller().clientId();
    CompletionStage<HttpResponse> report =
        onPatron(
            call,
            REPORT_LOST_CARD,
            card,
            () -> desk.patrons().reportLostCard(card, replacement, by));
    return audited(
        call,
        "REPORT_LOST_CARD",
        maskedCard(card) + " replaced by " + maskedCard(replacement),
        report);
  }

  /** R5, R11: the patron keeps contact data current through a patron token, or staff do. */
  private CompletionStage<HttpResponse> updateContact(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String email = body.optionalText("email", Forms.EMAIL, Forms.EMAIL_TEXT);
    String mobile = body.optionalText("mobile", Forms.MOBILE, Forms.MOBILE_TEXT);
    String channel =
        body.optionalText("preferredChannel", Forms.NOTICE_CHANNEL, Forms.NOTICE_CHANNEL_TEXT);
    body.finish();
    String by = call.caller().role() == Role.PATRON ? "patron" : call.caller().clientId();
    CompletionStage<HttpResponse> update =
        onPatron(
            call,
            UPDATE_CONTACT,
            card,
            () -> desk.patrons().updateContact(card, email, mobile, channel, by));
    return audited(call, "UPDATE_CONTACT", maskedCard(card), update);
  }

  /**
   * R4: a new PIN only with the identity check that allowed it (ID seen, a digital signature, for
   * children ID without a photo) recorded with the staff client and the time.
   */
  private CompletionStage<HttpResponse> resetPin(Call call, String card, RequestBody body)
      throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String pin = body.text("pin", Forms.PIN, Forms.PIN_TEXT);
    String identityCheck = body.text("identityCheck", Forms.NAME, Forms.NAME_TEXT);
    body.finish();
    return audited(
        call,
        "RESET_PIN",
        maskedCard(card),
        onPatron(
            call,
            MANAGE_PIN,
            card,
            () -> desk.patrons().resetPin(card, pin, identityCheck, call.caller().clientId())));
  }

  /** R6: a guardian's consent for a minor, recorded with who recorded it. */
  private CompletionStage<HttpResponse> recordGuardianConsent(
      Call call, String card, RequestBody body) throws RequestBody.Invalid {
    Forms.cardInPath(body, card);
    String guardian = body.text("guardian", Forms.NAME, Forms.NAME_TEXT);
    body.finish();
    return audited(
        call,
        "RECORD_GUARDIAN_CONSENT",
        maskedCard(card),
        onPatron(
            call,
            VERIFY_PATRON,
            card,
            () -> desk.patrons().recordGuardianConsent(card, guardian, call.caller().clientId())));
  }

  /** Acts on a patron within the caller's scope ({@link #inScope}), answering the status. */
  private CompletionStage<HttpResponse> onPatron(
      Call call,
      Operation operation,
      String card,
      Supplier<CompletionStage<Result<PatronReply.Status>>> action) {
    return inScope(desk, call, operation, card, () -> answer(action.get(), StatusCodes.OK));
  }
}
