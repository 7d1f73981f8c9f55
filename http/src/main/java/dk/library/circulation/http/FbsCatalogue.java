package dk.library.circulation.http;

import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.agency.Agency;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.ItemStatus;
import dk.library.circulation.fbs.FbsShapes.AgencyBranch;
import dk.library.circulation.fbs.FbsShapes.AvailabilityV3;
import dk.library.circulation.fbs.FbsShapes.HoldingsForBibliographicalRecordLogisticsV1;
import dk.library.circulation.fbs.FbsShapes.HoldingsLogisticsV1;
import dk.library.circulation.fbs.FbsShapes.MaterialGroup;
import dk.library.circulation.fbs.FbsShapes.MaterialV3;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.Policy;
import dk.library.circulation.title.Copy;
import dk.library.circulation.title.TitleReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The FBS catalogue paths: an agency's branches, and its titles' availability and holdings by
 * branch.
 */
final class FbsCatalogue extends FbsAnswers {

  FbsCatalogue(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(desk, access, metrics);
  }

  CompletionStage<HttpResponse> branches(String agencyId, Set<String> exclude) {
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

  CompletionStage<HttpResponse> availability(String agencyId, List<String> recordIds) {
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

  CompletionStage<HttpResponse> holdings(String agencyId, List<String> recordIds) {
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
              if (agency instanceof Result.Ok<Agency.Details> ok) {
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

  private record TitleHere(String recordId, TitleReply.QueueReply queue, boolean reservable) {}

  /** The agency's titles among {@code recordIds}; a title it has no copy of is left out. */
  private CompletionStage<List<TitleHere>> titles(String agencyId, List<String> recordIds) {
    return desk.policy(agencyId)
        .thenCompose(
            policy -> {
              CompletableFuture<List<TitleHere>> all =
                  CompletableFuture.completedFuture(new ArrayList<>());
              for (String recordId : new LinkedHashSet<>(recordIds)) {
                all =
                    all.thenCombine(
                        holds.queue(agencyId, recordId).toCompletableFuture(),
                        (list, queue) -> {
                          if (queue instanceof Result.Ok<TitleReply.QueueReply> ok
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
  private static boolean reservable(
      Result<Policy.PolicyVersion> policy, TitleReply.QueueReply queue) {
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
}
