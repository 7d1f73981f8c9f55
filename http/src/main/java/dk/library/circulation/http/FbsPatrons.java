package dk.library.circulation.http;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.agency.Agency;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.ItemStatus;
import dk.library.circulation.fbs.FbsIds;
import dk.library.circulation.fbs.FbsMapping;
import dk.library.circulation.fbs.FbsShapes.AuthenticatedPatronV4;
import dk.library.circulation.fbs.FbsShapes.AuthenticatedPatronV8;
import dk.library.circulation.fbs.FbsShapes.FeeMaterialV2;
import dk.library.circulation.fbs.FbsShapes.FeeV2;
import dk.library.circulation.fbs.FbsShapes.LoanDetailsV2;
import dk.library.circulation.fbs.FbsShapes.LoanV2;
import dk.library.circulation.fbs.FbsShapes.MaterialGroup;
import dk.library.circulation.fbs.FbsShapes.PatronV4;
import dk.library.circulation.fbs.FbsShapes.PatronV7;
import dk.library.circulation.fbs.FbsShapes.RenewedLoanV2;
import dk.library.circulation.patron.Loan;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.policy.Policy;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The FBS paths of one patron, read and changed with that patron's token: the record, settings and
 * PIN, loans and their renewal, fees.
 */
final class FbsPatrons extends FbsAnswers {

  FbsPatrons(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(desk, access, metrics);
  }

  CompletionStage<HttpResponse> patron(String card) {
    return desk.patronStatus(card)
        .thenCompose(
            status -> {
              if (!(status instanceof Result.Ok<PatronReply.Status> ok)) {
                return CompletableFuture.completedFuture(answer(status, StatusCodes.OK));
              }
              PatronReply.Status patron = ok.value();
              return fbsPatron(card, patron)
                  .thenApply(
                      fbs ->
                          jsonResponse(
                              StatusCodes.OK,
                              new AuthenticatedPatronV8(
                                  patron.pinLocked() ? "LOANER_LOCKED_OUT" : "VALID", fbs)));
            });
  }

  /** The patron in FBS words; the home agency gives the pickup branch and residence (R8). */
  CompletionStage<PatronV7> fbsPatron(String card, PatronReply.Status patron) {
    return desk.agency(patron.homeAgencyId())
        .thenCombine(
            desk.policy(patron.homeAgencyId()),
            (agency, policy) -> {
              String pickup =
                  agency instanceof Result.Ok<Agency.Details> a && !a.value().branches().isEmpty()
                      ? a.value().branches().get(0).branchId()
                      : "";
              String municipality =
                  policy instanceof Result.Ok<Policy.PolicyVersion> p
                          && p.value().policy().eligibility() != null
                      ? p.value().policy().eligibility().municipality()
                      : null;
              boolean resident =
                  municipality == null || municipality.equals(patron.facts().municipality());
              String channel = patron.noticeChannel();
              return new PatronV7(
                  FbsIds.patron(card),
                  patron.name(),
                  patron.email(),
                  patron.mobile(),
                  pickup,
                  "email".equals(channel),
                  "sms".equals(channel),
                  "post".equals(channel),
                  false,
                  FbsMapping.DEFAULT_INTEREST_DAYS,
                  resident,
                  FbsMapping.blockStatus(patron, desk.today()),
                  patron.facts().birthDate() == null
                      ? null
                      : patron.facts().birthDate().toString());
            });
  }

  /**
   * Settings and PIN (UpdatePatronRequestV6). The first email or phone number marked for
   * notifications becomes the patron's notice channel (R5, R43), else post when asked for, else the
   * default (digital mailbox). A new PIN needs no ID check here: the patron proved the current one
   * to get the token, which R4 asks only of a forgotten PIN.
   */
  CompletionStage<HttpResponse> updatePatron(Call call, String card, JsonNode body) {
    return update(call, card, body, false);
  }

  /**
   * The older form (UpdatePatronRequestV3, one email and one phone number with their own flags),
   * answered with the patron in the older shape.
   */
  CompletionStage<HttpResponse> updatePatronV4(Call call, String card, JsonNode body) {
    return update(call, card, body, true);
  }

  private CompletionStage<HttpResponse> update(Call call, String card, JsonNode body, boolean v4) {
    String request = v4 ? "UpdatePatronRequestV3" : "UpdatePatronRequestV6";
    if (body == null || !body.isObject()) {
      return invalid("the body must be an object with patron and/or pincodeChange");
    }
    Optional<String> unknown = unknownField(body, Set.of("patron", "pincodeChange"));
    if (unknown.isPresent()) {
      return invalid(unknown.get() + ": not a field of " + request);
    }
    JsonNode settings = body.path("patron");
    JsonNode pinChange = body.path("pincodeChange");
    Settings parsed = null;
    if (!settings.isMissingNode()) {
      try {
        parsed = v4 ? settingsV3(settings) : settings(settings);
      } catch (BadField bad) {
        return invalid(bad.getMessage());
      }
    }
    String newPin = null;
    if (!pinChange.isMissingNode()) {
      newPin = pinChange.path("pincode").asText("");
      if (!Forms.PIN.matcher(newPin).matches()) {
        return invalid("pincodeChange.pincode: must be " + Forms.PIN_TEXT);
      }
      if (!card.equals(pinChange.path("libraryCardNumber").asText(""))) {
        return invalid(
            "pincodeChange.libraryCardNumber: must be the card the patron logged in with");
      }
    }
    Settings given = parsed;
    String pin = newPin;
    CompletionStage<Result<PatronReply.Status>> updated =
        given == null
            ? desk.patronStatus(card)
            : desk.patrons()
                .updateContact(card, given.email(), given.mobile(), given.channel(), "patron");
    CompletionStage<HttpResponse> done =
        updated
            .thenCompose(
                status -> {
                  if (!(status instanceof Result.Ok<PatronReply.Status>) || pin == null) {
                    return CompletableFuture.completedFuture(status);
                  }
                  return desk.patrons().resetPin(card, pin, "current PIN (patron token)", "patron");
                })
            .thenCompose(
                r -> {
                  if (!(r instanceof Result.Ok<PatronReply.Status> ok)) {
                    return CompletableFuture.completedFuture(answer(r, StatusCodes.OK));
                  }
                  if (!v4) {
                    return CompletableFuture.completedFuture(
                        HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
                  }
                  return fbsPatron(card, ok.value())
                      .thenApply(
                          p ->
                              jsonResponse(
                                  StatusCodes.OK, new AuthenticatedPatronV4(true, PatronV4.of(p))));
                });
    return audited(call, pin == null ? "UPDATE_CONTACT" : "CHANGE_OWN_PIN", maskedCard(card), done);
  }

  /** PatronSettingsV3: one email and one phone number, each with its own notification flag. */
  private static Settings settingsV3(JsonNode settings) throws BadField {
    if (!settings.isObject()) {
      throw new BadField("patron: must be an object (PatronSettingsV3)");
    }
    Optional<String> unknown =
        unknownField(
            settings,
            Set.of(
                "emailAddress",
                "phoneNumber",
                "receiveEmail",
                "receiveSms",
                "receivePostalMail",
                "preferredPickupBranch",
                "onHold",
                "preferredLanguage"));
    if (unknown.isPresent()) {
      throw new BadField("patron." + unknown.get() + ": not a field of PatronSettingsV3");
    }
    String email = settings.path("emailAddress").asText(null);
    String phone = settings.path("phoneNumber").asText(null);
    if (email != null && !Forms.EMAIL.matcher(email).matches()) {
      throw new BadField("patron.emailAddress: must be " + Forms.EMAIL_TEXT);
    }
    if (phone != null && !Forms.MOBILE.matcher(phone).matches()) {
      throw new BadField("patron.phoneNumber: must be " + Forms.MOBILE_TEXT);
    }
    String channel =
        settings.path("receiveEmail").asBoolean(false) && email != null
            ? "email"
            : settings.path("receiveSms").asBoolean(false) && phone != null
                ? "sms"
                : settings.path("receivePostalMail").asBoolean(false) ? "post" : null;
    return new Settings(email, phone, channel);
  }

  CompletionStage<HttpResponse> loans(String card) {
    return desk.patronStatus(card)
        .thenCombine(desk.renewalPreview(card), (status, preview) -> Map.entry(status, preview))
        .thenCompose(
            both -> {
              if (!(both.getKey() instanceof Result.Ok<PatronReply.Status> status)) {
                return CompletableFuture.completedFuture(answer(both.getKey(), StatusCodes.OK));
              }
              // A loan is never called renewable when the rules could not be asked.
              if (!(both.getValue() instanceof Result.Ok<List<PatronReply.RenewalResult>> ok)) {
                return CompletableFuture.completedFuture(answer(both.getValue(), StatusCodes.OK));
              }
              Map<String, PatronReply.RenewalResult> outlook = new LinkedHashMap<>();
              ok.value().forEach(r -> outlook.put(r.barcode(), r));
              return loanDetails(status.value().loans())
                  .thenApply(
                      details ->
                          jsonResponse(
                              StatusCodes.OK,
                              details.entrySet().stream()
                                  .map(
                                      e -> {
                                        PatronReply.RenewalResult r = outlook.get(e.getKey());
                                        boolean renewable = r == null || r.renewed();
                                        return new LoanV2(
                                            e.getValue(),
                                            renewable,
                                            renewable
                                                ? List.of()
                                                : List.of(
                                                    FbsMapping.renewalStatus(r.refusal().code())),
                                            false);
                                      })
                                  .toList()));
            });
  }

  /** Each loan in FBS words, by barcode; the record id is the copy's title. */
  private CompletionStage<Map<String, LoanDetailsV2>> loanDetails(List<Loan> loans) {
    CompletableFuture<Map<String, LoanDetailsV2>> all =
        CompletableFuture.completedFuture(new LinkedHashMap<>());
    for (Loan loan : loans) {
      all =
          all.thenCombine(
              desk.itemStatus(loan.barcode()).toCompletableFuture(),
              (map, item) -> {
                String titleId =
                    item instanceof Result.Ok<ItemStatus> ok ? ok.value().item().titleId() : "";
                map.put(loan.barcode(), FbsMapping.loanDetails(loan, titleId, desk.zone()));
                return map;
              });
    }
    return all;
  }

  CompletionStage<HttpResponse> renew(String card, JsonNode body) {
    List<Long> loanIds = new ArrayList<>();
    if (body == null || !body.isArray() || body.isEmpty()) {
      return invalid("the body must be a non-empty JSON array of loan ids (integers)");
    }
    for (JsonNode id : body) {
      if (!id.isIntegralNumber() || !id.canConvertToLong()) {
        return invalid("loan ids are integers, as GET .../loans/v2 gives them");
      }
      loanIds.add(id.asLong());
    }
    return desk.patronStatus(card)
        .thenCompose(
            status -> {
              if (!(status instanceof Result.Ok<PatronReply.Status> ok)) {
                return CompletableFuture.completedFuture(answer(status, StatusCodes.OK));
              }
              List<Loan> loans = ok.value().loans();
              List<Loan> named = new ArrayList<>();
              for (long id : loanIds) {
                Optional<Loan> loan = FbsIds.find(id, loans, l -> FbsIds.loan(l.checkoutId()));
                if (loan.isEmpty()) {
                  return CompletableFuture.completedFuture(
                      answer(
                          Result.refused(
                              Rejection.of(
                                  Rejection.Code.LOAN_NOT_FOUND,
                                  "loan " + id + " is not one of this patron's loans")),
                          StatusCodes.OK));
                }
                named.add(loan.get());
              }
              List<String> barcodes = named.stream().map(Loan::barcode).toList();
              return desk.renewForTokenHolder(card, barcodes)
                  .thenCombine(loanDetails(named), (renewed, details) -> renewed(renewed, details));
            });
  }

  /** Per loan: renewed, or why not; a refusal of the whole renewal is every loan's answer. */
  private HttpResponse renewed(
      Result<List<PatronReply.RenewalResult>> result, Map<String, LoanDetailsV2> details) {
    List<RenewedLoanV2> answers = new ArrayList<>();
    Map<String, PatronReply.RenewalResult> byBarcode = new LinkedHashMap<>();
    Rejection whole = null;
    if (result instanceof Result.Ok<List<PatronReply.RenewalResult>> ok) {
      ok.value().forEach(r -> byBarcode.put(r.barcode(), r));
    } else {
      whole = ((Result.Refused<List<PatronReply.RenewalResult>>) result).rejection();
      metrics.refused(whole.code());
    }
    for (Map.Entry<String, LoanDetailsV2> e : details.entrySet()) {
      PatronReply.RenewalResult r = byBarcode.get(e.getKey());
      LoanDetailsV2 loan = e.getValue();
      if (r != null && r.renewed()) {
        loan =
            new LoanDetailsV2(
                loan.loanId(),
                loan.loanDate(),
                r.dueDate().toString(),
                loan.materialItemNumber(),
                loan.recordId(),
                loan.materialGroup(),
                loan.loanType());
        answers.add(new RenewedLoanV2(loan, List.of("renewed")));
      } else {
        Rejection why = r != null ? r.refusal() : whole;
        answers.add(
            new RenewedLoanV2(
                loan,
                List.of(why == null ? "deniedOtherReason" : FbsMapping.renewalStatus(why.code()))));
      }
    }
    return jsonResponse(StatusCodes.OK, answers);
  }

  CompletionStage<HttpResponse> fees(String card) {
    return desk.patronStatus(card)
        .thenCompose(
            status -> {
              if (!(status instanceof Result.Ok<PatronReply.Status> ok)) {
                return CompletableFuture.completedFuture(answer(status, StatusCodes.OK));
              }
              CompletableFuture<List<FeeV2>> all =
                  CompletableFuture.completedFuture(new ArrayList<>());
              for (var fee : ok.value().fees()) {
                CompletableFuture<List<FeeMaterialV2>> materials =
                    fee.barcode() == null
                        ? CompletableFuture.completedFuture(List.of())
                        : desk.itemStatus(fee.barcode())
                            .toCompletableFuture()
                            .thenApply(
                                item ->
                                    item instanceof Result.Ok<ItemStatus> i
                                        ? List.of(
                                            new FeeMaterialV2(
                                                i.value().item().titleId(),
                                                new MaterialGroup(
                                                    i.value().item().materialType(), null),
                                                fee.barcode()))
                                        : List.of());
                all =
                    all.thenCombine(
                        materials,
                        (list, m) -> {
                          list.add(
                              new FeeV2(
                                  FbsIds.fee(fee.feeId()),
                                  FbsMapping.feeType(fee.kind()),
                                  fee.amountDkk(),
                                  LocalDate.ofInstant(fee.chargedAt(), desk.zone()).toString(),
                                  fee.reason(),
                                  false,
                                  m));
                          return list;
                        });
              }
              return all.thenApply(list -> jsonResponse(StatusCodes.OK, list));
            });
  }
}
