package dk.library.circulation.http;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.agency.Agency;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.HoldRequest;
import dk.library.circulation.fbs.FbsIds;
import dk.library.circulation.fbs.FbsMapping;
import dk.library.circulation.fbs.FbsShapes;
import dk.library.circulation.fbs.FbsShapes.ReservationResponseV2;
import dk.library.circulation.fbs.FbsShapes.ReservationResultV2;
import dk.library.circulation.patron.PatronRules;
import dk.library.circulation.title.HoldView;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The FBS reservation paths: a patron's holds (R25) listed, placed all or nothing, and cancelled.
 */
final class FbsReservations extends FbsAnswers {

  FbsReservations(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(desk, access, metrics);
  }

  CompletionStage<HttpResponse> reservationList(String card) {
    return listed(card, h -> FbsMapping.reservation(h, desk.zone()));
  }

  /**
   * All or nothing, as the contract says: the holds are placed one by one, and if one is refused
   * those already placed are cancelled and every result is the refusal's. Each hold gets a new id:
   * the same title asked for again is the rules' HOLD_ALREADY_PLACED ("already_reserved"), which
   * also answers a website's retry after a lost reply, the hold standing.
   */
  CompletionStage<HttpResponse> createReservations(String agencyId, String card, JsonNode body) {
    return create(agencyId, card, body, false);
  }

  /**
   * The deprecated v1 form (CreateReservationBatch): the same holds, all or nothing, answered as
   * the reservations made, or as the refusal's problem.
   */
  CompletionStage<HttpResponse> createReservationsV1(String agencyId, String card, JsonNode body) {
    return create(agencyId, card, body, true);
  }

  /** The deprecated v1 list: the same holds in the older shape. */
  CompletionStage<HttpResponse> reservationListV1(String card) {
    return listed(card, h -> FbsMapping.reservationV1(h, desk.zone()));
  }

  private CompletionStage<HttpResponse> listed(String card, Function<HoldView, Object> shape) {
    return holds
        .holdsOf(card)
        .thenApply(r -> answer(r.map(list -> list.stream().map(shape).toList()), StatusCodes.OK));
  }

  private CompletionStage<HttpResponse> create(
      String agencyId, String card, JsonNode body, boolean v1) {
    JsonNode reservations = body == null ? null : body.path("reservations");
    if (reservations == null || !reservations.isArray() || reservations.isEmpty()) {
      return invalid("reservations: give at least one {recordId, pickupBranch, expiryDate}");
    }
    Optional<String> unknown =
        unknownField(body, v1 ? Set.of("reservations") : Set.of("reservations", "type"));
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
      } catch (DateTimeParseException e) {
        return invalid("expiryDate: must be a date, yyyy-MM-dd");
      }
      requests.add(
          new HoldRequest(
              "fbs-" + UUID.randomUUID(),
              card,
              agencyId,
              recordId,
              pickup.isEmpty() ? null : pickup,
              null,
              notInterestedAfter));
    }
    return withPickupBranches(card, requests).thenCompose(placing -> placeAll(placing, v1));
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
                        Result.<Agency.Details>refused(PatronRules.notFound(card))))
        .thenApply(
            agency -> {
              String first =
                  agency instanceof Result.Ok<Agency.Details> ok && !ok.value().branches().isEmpty()
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

  private CompletionStage<HttpResponse> placeAll(List<HoldRequest> requests, boolean v1) {
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
          if (refused.isEmpty() && v1) {
            return CompletableFuture.completedFuture(
                jsonResponse(
                    StatusCodes.OK,
                    results.stream()
                        .map(
                            r ->
                                FbsMapping.reservationV1(
                                    ((Result.Ok<HoldView>) r).value(), desk.zone()))
                        .toList()));
          }
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
          if (v1) {
            return undone.thenApply(v -> problem(Problem.of(refused.get())));
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

  private static String card(List<HoldRequest> requests) {
    return requests.get(0).cardNumber();
  }

  /**
   * New pickup branches (R27) and "not interested after" dates (R25) for the patron's holds
   * (UpdateReservationBatch). Every hold named is found and checked first, so a refused one leaves
   * all unchanged; a copy already allocated keeps its branch (409 HOLD_ALREADY_ALLOCATED).
   */
  CompletionStage<HttpResponse> updateReservations(String card, JsonNode body) {
    JsonNode reservations = body == null ? null : body.path("reservations");
    if (reservations == null || !reservations.isArray() || reservations.isEmpty()) {
      return invalid("reservations: give at least one {reservationId, pickupBranch, expiryDate}");
    }
    Optional<String> unknown = unknownField(body, Set.of("reservations"));
    List<Change> changes = new ArrayList<>();
    for (JsonNode r : reservations) {
      if (!r.isObject()) {
        return invalid("reservations[]: each is an object");
      }
      unknown =
          unknown.or(() -> unknownField(r, Set.of("reservationId", "pickupBranch", "expiryDate")));
      JsonNode id = r.path("reservationId");
      if (!id.isIntegralNumber() || !id.canConvertToLong()) {
        return invalid("reservationId: an integer, as GET .../reservations/v2 gives it");
      }
      String pickup = r.path("pickupBranch").asText("");
      if (!pickup.isEmpty() && !Forms.BRANCH_ID.matcher(pickup).matches()) {
        return invalid("pickupBranch: must be " + Forms.BRANCH_ID_TEXT);
      }
      LocalDate until;
      try {
        String expiry = r.path("expiryDate").asText("");
        until = expiry.isEmpty() ? null : LocalDate.parse(expiry);
      } catch (DateTimeParseException e) {
        return invalid("expiryDate: must be a date, yyyy-MM-dd");
      }
      changes.add(new Change(id.asLong(), pickup.isEmpty() ? null : pickup, until));
    }
    if (unknown.isPresent()) {
      return invalid(unknown.get() + ": not a field of UpdateReservationBatch");
    }
    return holds
        .holdsOf(card)
        .thenCompose(
            list -> {
              if (!(list instanceof Result.Ok<List<HoldView>> ok)) {
                return CompletableFuture.completedFuture(answer(list, StatusCodes.OK));
              }
              List<HoldView> named = new ArrayList<>();
              for (Change change : changes) {
                Optional<HoldView> hold =
                    FbsIds.find(change.id(), ok.value(), h -> FbsIds.reservation(h.holdId()));
                if (hold.isEmpty()) {
                  return CompletableFuture.completedFuture(
                      answer(
                          Result.refused(
                              Rejection.of(
                                  Rejection.Code.HOLD_NOT_FOUND,
                                  "reservation " + change.id() + " is not one of this patron's")),
                          StatusCodes.OK));
                }
                if (change.pickupBranch() != null
                    && !change.pickupBranch().equals(hold.get().pickupBranchId())
                    && !hold.get().status().equals("WAITING")) {
                  return CompletableFuture.completedFuture(
                      answer(
                          Result.refused(
                              Rejection.of(
                                  Rejection.Code.HOLD_ALREADY_ALLOCATED,
                                  "reservation "
                                      + change.id()
                                      + " has a copy on its way or waiting at "
                                      + hold.get().pickupBranchId()
                                      + "; its pickup branch can no longer change")),
                          StatusCodes.OK));
                }
                named.add(hold.get());
              }
              CompletableFuture<List<Result<HoldView>>> done =
                  CompletableFuture.completedFuture(new ArrayList<>());
              for (int i = 0; i < named.size(); i++) {
                HoldView h = named.get(i);
                Change change = changes.get(i);
                done =
                    done.thenCompose(
                        results ->
                            holds
                                .change(
                                    card,
                                    h.agencyId(),
                                    h.titleId(),
                                    h.holdId(),
                                    change.pickupBranch(),
                                    change.until())
                                .thenApply(
                                    r -> {
                                      results.add(r);
                                      return results;
                                    }));
              }
              return done.thenApply(this::updated);
            });
  }

  private record Change(long id, String pickupBranch, LocalDate until) {}

  private HttpResponse updated(List<Result<HoldView>> results) {
    List<FbsShapes.ReservationDetails> details = new ArrayList<>();
    for (Result<HoldView> r : results) {
      if (!(r instanceof Result.Ok<HoldView> ok)) {
        return answer(r, StatusCodes.OK);
      }
      details.add(FbsMapping.reservationV1(ok.value(), desk.zone()));
    }
    return jsonResponse(StatusCodes.OK, details);
  }

  CompletionStage<HttpResponse> deleteReservations(String card, List<String> ids) {
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
}
