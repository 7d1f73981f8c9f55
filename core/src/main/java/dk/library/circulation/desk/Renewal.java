package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.done;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.patron.Loan;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronRules;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.Policy;
import dk.library.circulation.statistics.CirculationStatistics;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A patron renews named loans, or all of them (R19). Renewal changes only the patron: the due date
 * and renewal count live in the patron's loans.
 *
 * <ol>
 *   <li>the card gives the patron's key (refused if lost, R12);
 *   <li>the patron's loans, read directly by that key;
 *   <li>the policies of the agencies that own them (node cache), and for each loan being renewed
 *       only, whether another patron waits for its title (R19: a reserved loan is not renewed);
 *   <li>the patron decides per loan ({@code PatronRules.renew}: PIN, blocks, renewal count, new due
 *       date) and persists the renewals.
 * </ol>
 */
final class Renewal {

  private final CirculationDesk desk;

  Renewal(CirculationDesk desk) {
    this.desk = desk;
  }

  CompletionStage<Result<List<PatronReply.RenewalResult>>> run(
      String cardNumber, String pin, List<String> barcodes) {
    return desk.withPatronKey(cardNumber, key -> renewByKey(key, pin, false, barcodes));
  }

  /** The patron's own renewal through a patron token (the library website): no PIN is asked. */
  CompletionStage<Result<List<PatronReply.RenewalResult>>> runForTokenHolder(
      String cardNumber, List<String> barcodes) {
    return desk.withPatronKey(cardNumber, key -> renewByKey(key, null, true, barcodes));
  }

  /**
   * What renewing each of the patron's loans would answer today, without renewing (the library
   * website's loan list): the same rules on the same data as a renewal, by {@code
   * PatronRules.renewalRefusal}; a blocked patron's loans all carry the block.
   */
  CompletionStage<Result<List<PatronReply.RenewalResult>>> preview(String cardNumber) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            gather(key, List.of())
                .thenApply(
                    gathered ->
                        gathered.map(
                            g -> {
                              LocalDate today = desk.today();
                              Rejection blocked =
                                  g.patron().blocks().isEmpty()
                                      ? null
                                      : Rejection.of(
                                          Rejection.Code.valueOf(g.patron().blocks().get(0).code()),
                                          g.patron().blocks().get(0).detail());
                              List<PatronReply.RenewalResult> results = new ArrayList<>();
                              for (Loan loan : g.loans()) {
                                Rejection refusal =
                                    blocked != null
                                        ? blocked
                                        : PatronRules.renewalRefusal(
                                            loan,
                                            g.policies().get(loan.agencyId()),
                                            g.reserved().contains(loan.barcode()),
                                            desk.zone(),
                                            today);
                                results.add(
                                    new PatronReply.RenewalResult(
                                        loan.barcode(),
                                        refusal == null,
                                        loan.dueDate(),
                                        loan.renewals(),
                                        refusal));
                              }
                              return results;
                            })));
  }

  private CompletionStage<Result<List<PatronReply.RenewalResult>>> renewByKey(
      String patronKey, String pin, boolean provenByToken, List<String> barcodes) {
    return gather(patronKey, barcodes)
        .thenCompose(
            gathered -> {
              if (!(gathered instanceof Result.Ok<Gathered> ok)) {
                return CompletableFuture.completedFuture(
                    Result.refused(((Result.Refused<Gathered>) gathered).rejection()));
              }
              Gathered g = ok.value();
              Renew renew =
                  new Renew(
                      pin,
                      provenByToken,
                      barcodes,
                      g.policies(),
                      g.reserved(),
                      g.policies().containsKey(g.patron().homeAgencyId())
                          ? g.policies().get(g.patron().homeAgencyId()).feeBlockThresholdDkk()
                          : AgencyPolicy.DEFAULT_FEE_BLOCK_THRESHOLD_DKK);
              return desk.<PatronCommand, PatronReply>ask(desk.patronRef(patronKey), renew::command)
                  .thenApply(
                      answer -> {
                        if (answer instanceof PatronReply.Renewals renewals) {
                          counted(g.loans(), renewals.results());
                          return Result.ok(renewals.results());
                        }
                        return Result.refused(((PatronReply.Rejected) answer).rejection());
                      });
            });
  }

  /** R42: each loan renewed counts under the agency and branch it was lent at. */
  private void counted(List<Loan> loans, List<PatronReply.RenewalResult> results) {
    for (PatronReply.RenewalResult result : results) {
      if (result.renewed()) {
        loans.stream()
            .filter(loan -> loan.barcode().equals(result.barcode()))
            .findFirst()
            .ifPresent(
                loan ->
                    desk.count(
                        CirculationStatistics.Kind.RENEWAL,
                        loan.agencyId(),
                        loan.branchId(),
                        loan.terms().materialType()));
      }
    }
  }

  /** The patron, the loans in question, their agencies' policies, and which are reserved. */
  private record Gathered(
      PatronReply.Status patron,
      List<Loan> loans,
      Map<String, AgencyPolicy> policies,
      Set<String> reserved) {}

  /** Steps 2 and 3: the patron's loans by key, then policies and reservations side by side. */
  private CompletionStage<Result<Gathered>> gather(String patronKey, List<String> barcodes) {
    return desk.<PatronCommand, PatronReply>ask(
            desk.patronRef(patronKey), PatronCommand.GetStatus::new)
        .thenCompose(
            reply -> {
              if (reply instanceof PatronReply.Rejected rejected) {
                return done(rejected.rejection());
              }
              PatronReply.Status patron = ((PatronReply.StatusReply) reply).status();
              List<Loan> renewing =
                  barcodes.isEmpty()
                      ? patron.loans()
                      : patron.loans().stream()
                          .filter(l -> barcodes.contains(l.barcode()))
                          .toList();
              Set<String> agencies = new HashSet<>();
              agencies.add(patron.homeAgencyId());
              renewing.forEach(loan -> agencies.add(loan.agencyId()));
              return policies(agencies)
                  .thenCombine(
                      desk.holds().reservedByOthers(patronKey, renewing),
                      (policies, reserved) ->
                          Result.ok(new Gathered(patron, renewing, policies, reserved)));
            });
  }

  private record Renew(
      String pin,
      boolean provenByToken,
      List<String> barcodes,
      Map<String, AgencyPolicy> policies,
      Set<String> reserved,
      int feeBlockThresholdDkk) {
    PatronCommand command(ActorRef<PatronReply> replyTo) {
      return new PatronCommand.Renew(
          pin, provenByToken, barcodes, policies, reserved, feeBlockThresholdDkk, replyTo);
    }
  }

  private CompletionStage<Map<String, AgencyPolicy>> policies(Set<String> agencyIds) {
    CompletableFuture<Map<String, AgencyPolicy>> all =
        CompletableFuture.completedFuture(new HashMap<>());
    for (String agencyId : agencyIds) {
      all =
          all.thenCombine(
              desk.policy(agencyId).toCompletableFuture(),
              (map, result) -> {
                if (result instanceof Result.Ok<Policy.PolicyVersion> ok) {
                  map.put(agencyId, ok.value().policy());
                }
                return map;
              });
    }
    return all;
  }
}
