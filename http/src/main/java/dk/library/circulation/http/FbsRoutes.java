package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.CANCEL_HOLD;
import static dk.library.circulation.access.Operation.PLACE_HOLD;
import static dk.library.circulation.access.Operation.READ_CATALOGUE;
import static dk.library.circulation.access.Operation.READ_PATRON;
import static dk.library.circulation.access.Operation.RENEW_OWN_LOANS;
import static dk.library.circulation.access.Operation.UPDATE_CONTACT;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.Operation;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.HoldDesk;
import dk.library.circulation.desk.HoldRequest;
import dk.library.circulation.desk.ItemStatus;
import dk.library.circulation.fbs.FbsIds;
import dk.library.circulation.fbs.FbsMapping;
import dk.library.circulation.fbs.FbsShapes.AgencyBranch;
import dk.library.circulation.fbs.FbsShapes.AuthenticatedPatronV8;
import dk.library.circulation.fbs.FbsShapes.AvailabilityV3;
import dk.library.circulation.fbs.FbsShapes.FeeMaterialV2;
import dk.library.circulation.fbs.FbsShapes.FeeV2;
import dk.library.circulation.fbs.FbsShapes.HoldingsForBibliographicalRecordLogisticsV1;
import dk.library.circulation.fbs.FbsShapes.HoldingsLogisticsV1;
import dk.library.circulation.fbs.FbsShapes.LoanDetailsV2;
import dk.library.circulation.fbs.FbsShapes.LoanV2;
import dk.library.circulation.fbs.FbsShapes.MaterialGroup;
import dk.library.circulation.fbs.FbsShapes.MaterialV3;
import dk.library.circulation.fbs.FbsShapes.PatronV7;
import dk.library.circulation.fbs.FbsShapes.RenewedLoanV2;
import dk.library.circulation.fbs.FbsShapes.ReservationResponseV2;
import dk.library.circulation.fbs.FbsShapes.ReservationResultV2;
import dk.library.circulation.patron.Loan;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronRules;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.Policy;
import dk.library.circulation.title.Copy;
import dk.library.circulation.title.HoldView;
import dk.library.circulation.title.Title;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The FBS external API that Danish library websites (dpl-react) speak, answered from this core's
 * own entities: docs/fbs.md. Paths, parameters and shapes are the contract's; {@code agencyid} and
 * {@code patronid} may be given literally, as the website's proxy sends them, or as values. The
 * website's back end calls with its terminal key for what is not personal (branches, availability,
 * holdings) and with the patron's token, got with card and PIN, for the patron's own data.
 */
final class FbsRoutes extends ApiDirectives {

  private static final String LITERAL_AGENCY = "agencyid";
  private static final String LITERAL_PATRON = "patronid";

  private final CirculationDesk desk;
  private final HoldDesk holds;

  FbsRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.desk = desk;
    this.holds = desk.holds();
  }

  Route routes(Call call) {
    return pathPrefix(
        "external",
        () ->
            concat(
                pathPrefix("v1", () -> pathPrefix(segment(), agency -> v1(call, agency))),
                pathPrefix(segment(), agency -> unversioned(call, agency))));
  }

  // /external/v1/{agencyid}/...

  private Route v1(Call call, String agency) {
    return concat(
        path(
            "branches",
            () ->
                get(
                    () ->
                        named(
                            "/external/v1/{agencyid}/branches",
                            () ->
                                parameterList(
                                    "exclude",
                                    exclude ->
                                        catalogue(
                                            call,
                                            agency,
                                            a -> branches(a, Set.copyOf(exclude))))))),
        pathPrefix(
            "patrons", () -> pathPrefix(segment(), patron -> reservations(call, agency, patron))));
  }

  private Route reservations(Call call, String agency, String patron) {
    return pathPrefix(
        "reservations",
        () ->
            concat(
                path(
                    "v2",
                    () ->
                        concat(
                            get(
                                () ->
                                    named(
                                        "/external/v1/{agencyid}/patrons/{patronid}/reservations/v2",
                                        () ->
                                            ownPatron(
                                                call, patron, READ_PATRON, this::reservationList))),
                            post(
                                () ->
                                    named(
                                        "/external/v1/{agencyid}/patrons/{patronid}/reservations/v2",
                                        () ->
                                            withJsonValue(
                                                body ->
                                                    ownPatron(
                                                        call,
                                                        patron,
                                                        PLACE_HOLD,
                                                        card ->
                                                            audited(
                                                                call,
                                                                "PLACE_HOLD",
                                                                maskedCard(card) + " (FBS)",
                                                                createReservations(
                                                                    call, agency, card, body)))))))),
                pathEnd(
                    () ->
                        delete(
                            () ->
                                named(
                                    "/external/v1/{agencyid}/patrons/{patronid}/reservations",
                                    () ->
                                        parameterList(
                                            "reservationid",
                                            ids ->
                                                ownPatron(
                                                    call,
                                                    patron,
                                                    CANCEL_HOLD,
                                                    card ->
                                                        audited(
                                                            call,
                                                            "CANCEL_HOLD",
                                                            maskedCard(card) + " (FBS)",
                                                            deleteReservations(card, ids)))))))));
  }

  // /external/{agencyid}/...

  private Route unversioned(Call call, String agency) {
    return concat(
        pathPrefix(
            "catalog",
            () ->
                concat(
                    path(
                        segment("availability").slash("v3"),
                        () ->
                            get(
                                () ->
                                    named(
                                        "/external/{agencyid}/catalog/availability/v3",
                                        () ->
                                            records(
                                                call, agency, (a, ids) -> availability(a, ids))))),
                    path(
                        segment("holdingsLogistics").slash("v1"),
                        () ->
                            get(
                                () ->
                                    named(
                                        "/external/{agencyid}/catalog/holdingsLogistics/v1",
                                        () ->
                                            records(
                                                call, agency, (a, ids) -> holdings(a, ids))))))),
        path(
            segment("patron").slash(segment()).slash("fees").slash("v2"),
            patron ->
                get(
                    () ->
                        named(
                            "/external/{agencyid}/patron/{patronid}/fees/v2",
                            () -> ownPatron(call, patron, READ_PATRON, this::fees)))),
        pathPrefix(
            "patrons",
            () ->
                pathPrefix(
                    segment(),
                    patron ->
                        concat(
                            path(
                                "v4",
                                () ->
                                    get(
                                        () ->
                                            named(
                                                "/external/{agencyid}/patrons/{patronid}/v4",
                                                () ->
                                                    ownPatron(
                                                        call, patron, READ_PATRON, this::patron)))),
                            path(
                                "v8",
                                () ->
                                    put(
                                        () ->
                                            named(
                                                "/external/{agencyid}/patrons/{patronid}/v8",
                                                () ->
                                                    withJsonValue(
                                                        body ->
                                                            ownPatron(
                                                                call,
                                                                patron,
                                                                UPDATE_CONTACT,
                                                                card ->
                                                                    updatePatron(
                                                                        call, card, body)))))),
                            path(
                                segment("loans").slash("v2"),
                                () ->
                                    get(
                                        () ->
                                            named(
                                                "/external/{agencyid}/patrons/{patronid}/loans/v2",
                                                () ->
                                                    ownPatron(
                                                        call, patron, READ_PATRON, this::loans)))),
                            path(
                                segment("loans").slash("renew").slash("v2"),
                                () ->
                                    post(
                                        () ->
                                            named(
                                                "/external/{agencyid}/patrons/{patronid}/loans/renew/v2",
                                                () ->
                                                    withJsonValue(
                                                        body ->
                                                            ownPatron(
                                                                call,
                                                                patron,
                                                                RENEW_OWN_LOANS,
                                                                card -> renew(card, body))))))))));
  }

  // Who is asking

  /**
   * The patron's own data, for the holder of that patron's token only: {@code patronid} literal or
   * the patron's FBS id. Any other token answers as an unknown patron.
   */
  private Route ownPatron(
      Call call,
      String patronId,
      Operation operation,
      Function<String, CompletionStage<HttpResponse>> action) {
    return allowed(
        call,
        operation,
        () -> {
          if (call.caller().role() != Role.PATRON) {
            return complete(
                problem(
                    Problem.of(
                        StatusCodes.FORBIDDEN,
                        "ROLE_NOT_ALLOWED",
                        "a patron's FBS data is read and changed with that patron's token; get one"
                            + " with POST /api/v1/patron-sessions (card and PIN)")));
          }
          String card = call.caller().cardNumber();
          if (!patronId.equals(LITERAL_PATRON)
              && !patronId.equals(Long.toString(FbsIds.patron(card)))) {
            return complete(answer(Result.refused(PatronRules.notFound(patronId)), StatusCodes.OK));
          }
          return completeWithFuture(recover(action.apply(card)));
        });
  }

  /** Branches, availability, holdings: any caller whose role may read that agency's catalogue. */
  private Route catalogue(
      Call call, String agency, Function<String, CompletionStage<HttpResponse>> action) {
    return allowed(
        call,
        READ_CATALOGUE,
        () ->
            completeWithFuture(
                recover(
                    agencyOf(call, agency)
                        .thenCompose(
                            resolved -> {
                              if (resolved.isEmpty()) {
                                return CompletableFuture.completedFuture(
                                    problem(
                                        Problem.of(
                                            StatusCodes.BAD_REQUEST,
                                            "INVALID_REQUEST",
                                            "agencyid: give the agency's id; the literal"
                                                + " 'agencyid' stands for it only when the caller"
                                                + " acts for exactly one agency")));
                              }
                              return READ_CATALOGUE.permits(call.caller(), resolved.get())
                                  ? action.apply(resolved.get())
                                  : CompletableFuture.completedFuture(
                                      outsideScope(call, resolved.get()));
                            }))));
  }

  private Route records(
      Call call,
      String agency,
      java.util.function.BiFunction<String, List<String>, CompletionStage<HttpResponse>> action) {
    return parameterList(
        "recordid",
        ids -> {
          if (ids.isEmpty()
              || ids.size() > 50
              || !ids.stream().allMatch(id -> Forms.TITLE_ID.matcher(id).matches())) {
            return complete(
                problem(
                    Problem.invalidRequest(
                        List.of(
                            new Problem.FieldError(
                                "recordid",
                                "give 1-50 record ids, each " + Forms.TITLE_ID_TEXT)))));
          }
          return catalogue(call, agency, a -> action.apply(a, List.copyOf(ids)));
        });
  }

  /** The literal {@code agencyid}: the patron's home agency, or the client's only agency. */
  private CompletionStage<Optional<String>> agencyOf(Call call, String agency) {
    if (!agency.equals(LITERAL_AGENCY)) {
      return CompletableFuture.completedFuture(Optional.of(agency));
    }
    if (call.caller().role() == Role.PATRON) {
      return desk.homeAgencyOfCard(call.caller().cardNumber());
    }
    return CompletableFuture.completedFuture(
        call.caller().agencies().size() == 1
            ? Optional.of(call.caller().agencies().iterator().next())
            : Optional.empty());
  }

  // Branches, availability and holdings

  private CompletionStage<HttpResponse> branches(String agencyId, Set<String> exclude) {
    return answer(
        desk.agency(agencyId)
            .thenApply(
                r ->
                    r.map(
                        agency ->
                            agency.branches().stream()
                                .filter(b -> !exclude.contains(b.branchId()))
                                .map(b -> new AgencyBranch(b.branchId(), b.name()))
                                .toList())),
        StatusCodes.OK);
  }

  private CompletionStage<HttpResponse> availability(String agencyId, List<String> recordIds) {
    return titles(agencyId, recordIds)
        .thenApply(
            found ->
                jsonResponse(
                    StatusCodes.OK,
                    found.stream()
                        .map(
                            t ->
                                new AvailabilityV3(
                                    t.recordId(),
                                    t.queue().copies().stream().anyMatch(Copy::onShelf),
                                    t.reservable(),
                                    t.queue().holds().size()))
                        .toList()));
  }

  private CompletionStage<HttpResponse> holdings(String agencyId, List<String> recordIds) {
    return titles(agencyId, recordIds)
        .thenCompose(
            found -> {
              CompletableFuture<List<HoldingsForBibliographicalRecordLogisticsV1>> all =
                  CompletableFuture.completedFuture(new ArrayList<>());
              for (TitleHere title : found) {
                all =
                    all.thenCombine(
                        holdingsOf(agencyId, title).toCompletableFuture(),
                        (list, one) -> {
                          list.add(one);
                          return list;
                        });
              }
              return all.thenApply(list -> jsonResponse(StatusCodes.OK, list));
            });
  }

  /** A title's copies by the branch they stand at (or belong to, when lent out). */
  private CompletionStage<HoldingsForBibliographicalRecordLogisticsV1> holdingsOf(
      String agencyId, TitleHere title) {
    return desk.agency(agencyId)
        .thenCompose(
            agency -> {
              Map<String, String> branchNames = new LinkedHashMap<>();
              if (agency instanceof Result.Ok<dk.library.circulation.agency.Agency.Details> ok) {
                ok.value().branches().forEach(b -> branchNames.put(b.branchId(), b.name()));
              }
              CompletableFuture<Map<String, List<MaterialV3>>> byBranch =
                  CompletableFuture.completedFuture(new LinkedHashMap<>());
              for (Copy copy : title.queue().copies()) {
                byBranch =
                    byBranch.thenCombine(
                        desk.itemStatus(copy.barcode()).toCompletableFuture(),
                        (map, status) -> {
                          String branch = branchOf(status, branchNames);
                          map.computeIfAbsent(branch, b -> new ArrayList<>())
                              .add(
                                  new MaterialV3(
                                      copy.barcode(),
                                      new MaterialGroup(copy.materialType(), null),
                                      copy.onShelf()));
                          return map;
                        });
              }
              return byBranch.thenApply(
                  map ->
                      new HoldingsForBibliographicalRecordLogisticsV1(
                          title.recordId(),
                          title.reservable(),
                          title.queue().holds().size(),
                          map.entrySet().stream()
                              .map(
                                  e ->
                                      new HoldingsLogisticsV1(
                                          new AgencyBranch(
                                              e.getKey(),
                                              branchNames.getOrDefault(e.getKey(), e.getKey())),
                                          e.getValue()))
                              .toList()));
            });
  }

  private static String branchOf(Result<ItemStatus> status, Map<String, String> branchNames) {
    if (status instanceof Result.Ok<ItemStatus> ok && ok.value().location() != null) {
      String location = ok.value().location();
      if (branchNames.containsKey(location)) {
        return location;
      }
    }
    return branchNames.isEmpty() ? "unknown" : branchNames.keySet().iterator().next();
  }

  private record TitleHere(String recordId, Title.QueueReply queue, boolean reservable) {}

  /** The agency's titles among {@code recordIds}; a title it has no copy of is left out. */
  private CompletionStage<List<TitleHere>> titles(String agencyId, List<String> recordIds) {
    return desk.policy(agencyId)
        .thenCompose(
            policy -> {
              CompletableFuture<List<TitleHere>> all =
                  CompletableFuture.completedFuture(new ArrayList<>());
              for (String recordId : new java.util.LinkedHashSet<>(recordIds)) {
                all =
                    all.thenCombine(
                        holds.queue(agencyId, recordId).toCompletableFuture(),
                        (list, queue) -> {
                          if (queue instanceof Result.Ok<Title.QueueReply> ok
                              && !ok.value().copies().isEmpty()) {
                            list.add(
                                new TitleHere(
                                    recordId, ok.value(), reservable(policy, ok.value())));
                          }
                          return list;
                        });
              }
              return all;
            });
  }

  /** R23: reservable when the agency lets one of the title's material types be reserved. */
  private static boolean reservable(Result<Policy.PolicyVersion> policy, Title.QueueReply queue) {
    if (!(policy instanceof Result.Ok<Policy.PolicyVersion> ok)) {
      return false;
    }
    AgencyPolicy rules = ok.value().policy();
    return queue.copies().stream()
        .anyMatch(
            c -> {
              AgencyPolicy.MaterialRule rule = rules.material(c.materialType());
              return rule == null || rule.reservable();
            });
  }

  // The patron

  private CompletionStage<HttpResponse> patron(String card) {
    return desk.patronStatus(card)
        .thenCompose(
            status -> {
              if (!(status instanceof Result.Ok<PatronReply.Status> ok)) {
                return CompletableFuture.completedFuture(answer(status, StatusCodes.OK));
              }
              PatronReply.Status patron = ok.value();
              return desk.agency(patron.homeAgencyId())
                  .thenCombine(
                      desk.policy(patron.homeAgencyId()),
                      (agency, policy) -> {
                        String pickup =
                            agency
                                        instanceof
                                        Result.Ok<dk.library.circulation.agency.Agency.Details> a
                                    && !a.value().branches().isEmpty()
                                ? a.value().branches().get(0).branchId()
                                : "";
                        String municipality =
                            policy instanceof Result.Ok<Policy.PolicyVersion> p
                                    && p.value().policy().eligibility() != null
                                ? p.value().policy().eligibility().municipality()
                                : null;
                        boolean resident =
                            municipality == null
                                || municipality.equals(patron.facts().municipality());
                        String channel = patron.noticeChannel();
                        PatronV7 fbs =
                            new PatronV7(
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
                        return jsonResponse(
                            StatusCodes.OK,
                            new AuthenticatedPatronV8(
                                patron.pinLocked() ? "LOANER_LOCKED_OUT" : "VALID", fbs));
                      });
            });
  }

  /**
   * Settings and PIN (UpdatePatronRequestV6). The first email or phone number marked for
   * notifications becomes the patron's notice channel (R5, R43), else post when asked for, else the
   * default (digital mailbox). A new PIN needs no ID check here: the patron proved the current one
   * to get the token, which R4 asks only of a forgotten PIN.
   */
  private CompletionStage<HttpResponse> updatePatron(Call call, String card, JsonNode body) {
    if (body == null || !body.isObject()) {
      return invalid("the body must be an object with patron and/or pincodeChange");
    }
    Optional<String> unknown = unknownField(body, Set.of("patron", "pincodeChange"));
    if (unknown.isPresent()) {
      return invalid(unknown.get() + ": not a field of UpdatePatronRequestV6");
    }
    JsonNode settings = body.path("patron");
    JsonNode pinChange = body.path("pincodeChange");
    String email = null;
    String mobile = null;
    String channel = null;
    if (!settings.isMissingNode()) {
      unknown = unknownField(settings, PATRON_SETTINGS);
      if (unknown.isPresent()) {
        return invalid("patron." + unknown.get() + ": not a field of PatronSettingsV6");
      }
      Contact mail = firstContact(settings.path("emailAddresses"), "emailAddress");
      Contact phone = firstContact(settings.path("phoneNumbers"), "phoneNumber");
      if (mail != null && !Forms.EMAIL.matcher(mail.value()).matches()) {
        return invalid("patron.emailAddresses: must be " + Forms.EMAIL_TEXT);
      }
      if (phone != null && !Forms.MOBILE.matcher(phone.value()).matches()) {
        return invalid("patron.phoneNumbers: must be " + Forms.MOBILE_TEXT);
      }
      email = mail == null ? null : mail.value();
      mobile = phone == null ? null : phone.value();
      channel =
          mail != null && mail.receiveNotification()
              ? "email"
              : phone != null && phone.receiveNotification()
                  ? "sms"
                  : settings.path("receivePostalMail").asBoolean(false) ? "post" : null;
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
    String email2 = email;
    String mobile2 = mobile;
    String channel2 = channel;
    String pin = newPin;
    CompletionStage<Result<PatronReply.Status>> contact =
        settings.isMissingNode()
            ? desk.patronStatus(card)
            : desk.updateContact(card, email2, mobile2, channel2, "patron");
    CompletionStage<HttpResponse> done =
        contact
            .thenCompose(
                updated -> {
                  if (!(updated instanceof Result.Ok<PatronReply.Status>) || pin == null) {
                    return CompletableFuture.completedFuture(updated);
                  }
                  return desk.resetPin(card, pin, "current PIN (patron token)", "patron");
                })
            .thenApply(
                r ->
                    r instanceof Result.Ok<PatronReply.Status>
                        ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                        : answer(r, StatusCodes.OK));
    return audited(call, pin == null ? "UPDATE_CONTACT" : "CHANGE_OWN_PIN", maskedCard(card), done);
  }

  /** Fields of PatronSettingsV6; those the core does not model are accepted and not kept. */
  private static final Set<String> PATRON_SETTINGS =
      Set.of(
          "preferredPickupBranch",
          "guardianVisibility",
          "receivePostalMail",
          "emailAddresses",
          "phoneNumbers",
          "notificationProtocols",
          "preferredLanguage",
          "interests",
          "onHold");

  private record Contact(String value, boolean receiveNotification) {}

  /** The first entry marked for notifications, else the first; null when there is none. */
  private static Contact firstContact(JsonNode list, String field) {
    Contact first = null;
    for (JsonNode entry : list) {
      Contact c =
          new Contact(entry.path(field).asText(""), entry.path("receiveNotification").asBoolean());
      if (c.receiveNotification()) {
        return c;
      }
      first = first == null ? c : first;
    }
    return first;
  }

  private CompletionStage<HttpResponse> loans(String card) {
    return desk.patronStatus(card)
        .thenCombine(desk.renewalPreview(card), (status, preview) -> Map.entry(status, preview))
        .thenCompose(
            both -> {
              if (!(both.getKey() instanceof Result.Ok<PatronReply.Status> status)) {
                return CompletableFuture.completedFuture(answer(both.getKey(), StatusCodes.OK));
              }
              Map<String, PatronReply.RenewalResult> outlook = new LinkedHashMap<>();
              if (both.getValue() instanceof Result.Ok<List<PatronReply.RenewalResult>> ok) {
                ok.value().forEach(r -> outlook.put(r.barcode(), r));
              }
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

  private CompletionStage<HttpResponse> renew(String card, JsonNode body) {
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

  // Reservations

  private CompletionStage<HttpResponse> reservationList(String card) {
    return holds
        .holdsOf(card)
        .thenApply(
            r ->
                answer(
                    r.map(
                        list ->
                            list.stream()
                                .map(h -> FbsMapping.reservation(h, desk.zone()))
                                .toList()),
                    StatusCodes.OK));
  }

  /**
   * All or nothing, as the contract says: the holds are placed one by one, and if one is refused
   * those already placed are cancelled and every result is the refusal's. Each hold gets a new id:
   * the same title asked for again is the rules' HOLD_ALREADY_PLACED ("already_reserved"), which
   * also answers a website's retry after a lost reply, the hold standing.
   */
  private CompletionStage<HttpResponse> createReservations(
      Call call, String agency, String card, JsonNode body) {
    JsonNode reservations = body == null ? null : body.path("reservations");
    if (reservations == null || !reservations.isArray() || reservations.isEmpty()) {
      return invalid("reservations: give at least one {recordId, pickupBranch, expiryDate}");
    }
    Optional<String> unknown = unknownField(body, Set.of("reservations", "type"));
    for (JsonNode r : reservations) {
      unknown =
          unknown.or(
              () ->
                  r.isObject()
                      ? unknownField(r, Set.of("recordId", "pickupBranch", "expiryDate"))
                      : Optional.of("reservations[]"));
    }
    if (unknown.isPresent()) {
      return invalid(
          unknown.get()
              + ": not a field this core takes (periodical reservations are not supported);"
              + " see docs/fbs.md");
    }
    if (!body.path("type").isMissingNode() && !body.path("type").asText().equals("normal")) {
      return invalid("type: only normal reservations are supported");
    }
    List<HoldRequest> requests = new ArrayList<>();
    return agencyOf(call, agency)
        .thenCompose(
            resolved -> {
              if (resolved.isEmpty()) {
                return invalid("agencyid: give the agency's id");
              }
              String agencyId = resolved.get();
              for (JsonNode r : reservations) {
                String recordId = r.path("recordId").asText("");
                String pickup = r.path("pickupBranch").asText("");
                String expiry = r.path("expiryDate").asText("");
                if (!Forms.TITLE_ID.matcher(recordId).matches()) {
                  return invalid("recordId: must be " + Forms.TITLE_ID_TEXT);
                }
                LocalDate notInterestedAfter;
                try {
                  notInterestedAfter = expiry.isEmpty() ? null : LocalDate.parse(expiry);
                } catch (java.time.format.DateTimeParseException e) {
                  return invalid("expiryDate: must be a date, yyyy-MM-dd");
                }
                requests.add(
                    new HoldRequest(
                        "fbs-" + java.util.UUID.randomUUID(),
                        card,
                        agencyId,
                        recordId,
                        pickup.isEmpty() ? null : pickup,
                        null,
                        notInterestedAfter));
              }
              return withPickupBranches(card, requests).thenCompose(this::placeAll);
            });
  }

  /** A reservation without a pickup branch goes to the patron's preferred one (the first). */
  private CompletionStage<List<HoldRequest>> withPickupBranches(
      String card, List<HoldRequest> requests) {
    if (requests.stream().allMatch(r -> r.pickupBranchId() != null)) {
      return CompletableFuture.completedFuture(requests);
    }
    return desk.homeAgencyOfCard(card)
        .thenCompose(
            home ->
                home.isPresent()
                    ? desk.agency(home.get())
                    : CompletableFuture.completedFuture(
                        Result.<dk.library.circulation.agency.Agency.Details>refused(
                            PatronRules.notFound(card))))
        .thenApply(
            agency -> {
              String first =
                  agency instanceof Result.Ok<dk.library.circulation.agency.Agency.Details> ok
                          && !ok.value().branches().isEmpty()
                      ? ok.value().branches().get(0).branchId()
                      : "main";
              return requests.stream()
                  .map(
                      r ->
                          r.pickupBranchId() != null
                              ? r
                              : new HoldRequest(
                                  r.holdId(),
                                  r.cardNumber(),
                                  r.agencyId(),
                                  r.titleId(),
                                  first,
                                  r.barcode(),
                                  r.notInterestedAfter()))
                  .toList();
            });
  }

  private CompletionStage<HttpResponse> placeAll(List<HoldRequest> requests) {
    CompletableFuture<List<Result<HoldView>>> placed =
        CompletableFuture.completedFuture(new ArrayList<>());
    for (HoldRequest request : requests) {
      placed =
          placed.thenCompose(
              done ->
                  holds
                      .place(request)
                      .thenApply(
                          r -> {
                            done.add(r);
                            return done;
                          }));
    }
    return placed.thenCompose(
        results -> {
          Optional<Rejection> refused =
              results.stream()
                  .filter(r -> r instanceof Result.Refused<HoldView>)
                  .map(r -> ((Result.Refused<HoldView>) r).rejection())
                  .findFirst();
          if (refused.isEmpty()) {
            return CompletableFuture.completedFuture(
                jsonResponse(
                    StatusCodes.OK,
                    new ReservationResponseV2(
                        true,
                        results.stream()
                            .map(r -> ((Result.Ok<HoldView>) r).value())
                            .map(
                                h ->
                                    new ReservationResultV2(
                                        h.titleId(),
                                        "success",
                                        FbsMapping.reservation(h, desk.zone())))
                            .toList())));
          }
          metrics.refused(refused.get().code());
          CompletableFuture<Void> undone = CompletableFuture.completedFuture(null);
          for (Result<HoldView> r : results) {
            if (r instanceof Result.Ok<HoldView> ok) {
              HoldView h = ok.value();
              undone =
                  undone.thenCompose(
                      v ->
                          holds
                              .cancel(card(requests), h.agencyId(), h.titleId(), h.holdId())
                              .thenApply(x -> null));
            }
          }
          String result = FbsMapping.reservationResult(refused.get().code());
          return undone.thenApply(
              v ->
                  jsonResponse(
                      StatusCodes.OK,
                      new ReservationResponseV2(
                          false,
                          requests.stream()
                              .map(q -> new ReservationResultV2(q.titleId(), result, null))
                              .toList())));
        });
  }

  /** A body field outside {@code known}: refused, so a misspelt field is never ignored. */
  private static Optional<String> unknownField(JsonNode object, Set<String> known) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names.stream().filter(n -> !known.contains(n)).findFirst();
  }

  private static String card(List<HoldRequest> requests) {
    return requests.get(0).cardNumber();
  }

  private CompletionStage<HttpResponse> deleteReservations(String card, List<String> ids) {
    List<Long> wanted = new ArrayList<>();
    for (String id : ids) {
      try {
        wanted.add(Long.parseLong(id));
      } catch (NumberFormatException e) {
        return invalid("reservationid: integers, as GET .../reservations/v2 gives them");
      }
    }
    if (wanted.isEmpty()) {
      return invalid("reservationid: name at least one reservation");
    }
    return holds
        .holdsOf(card)
        .thenCompose(
            list -> {
              if (!(list instanceof Result.Ok<List<HoldView>> ok)) {
                return CompletableFuture.completedFuture(answer(list, StatusCodes.OK));
              }
              CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
              for (long id : wanted) {
                Optional<HoldView> hold =
                    FbsIds.find(id, ok.value(), h -> FbsIds.reservation(h.holdId()));
                if (hold.isEmpty()) {
                  return CompletableFuture.completedFuture(
                      answer(
                          Result.refused(
                              Rejection.of(
                                  Rejection.Code.HOLD_NOT_FOUND,
                                  "reservation " + id + " is not one of this patron's")),
                          StatusCodes.OK));
                }
                HoldView h = hold.get();
                all =
                    all.thenCompose(
                        v ->
                            holds
                                .cancel(card, h.agencyId(), h.titleId(), h.holdId())
                                .thenApply(x -> null));
              }
              return all.thenApply(v -> HttpResponse.create().withStatus(StatusCodes.OK));
            });
  }

  // Fees

  private CompletionStage<HttpResponse> fees(String card) {
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

  private CompletionStage<HttpResponse> invalid(String detail) {
    return CompletableFuture.completedFuture(
        problem(Problem.of(StatusCodes.BAD_REQUEST, "INVALID_REQUEST", detail)));
  }
}
