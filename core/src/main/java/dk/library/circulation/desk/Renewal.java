package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.done;

import dk.library.circulation.Result;
import dk.library.circulation.patron.Loan;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.Policy;
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
    return desk.withPatronKey(cardNumber, key -> renewByKey(key, pin, barcodes));
  }

  private CompletionStage<Result<List<PatronReply.RenewalResult>>> renewByKey(
      String patronKey, String pin, List<String> barcodes) {
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
                          new Renew(
                              pin,
                              barcodes,
                              policies,
                              reserved,
                              policies.containsKey(patron.homeAgencyId())
                                  ? policies.get(patron.homeAgencyId()).feeBlockThresholdDkk()
                                  : AgencyPolicy.DEFAULT_FEE_BLOCK_THRESHOLD_DKK))
                  .thenCompose(
                      renew ->
                          desk.<PatronCommand, PatronReply>ask(
                              desk.patronRef(patronKey), renew::command))
                  .thenApply(
                      answer ->
                          answer instanceof PatronReply.Renewals renewals
                              ? Result.ok(renewals.results())
                              : Result.refused(((PatronReply.Rejected) answer).rejection()));
            });
  }

  private record Renew(
      String pin,
      List<String> barcodes,
      Map<String, AgencyPolicy> policies,
      Set<String> reserved,
      int feeBlockThresholdDkk) {
    PatronCommand command(ActorRef<PatronReply> replyTo) {
      return new PatronCommand.Renew(
          pin, barcodes, policies, reserved, feeBlockThresholdDkk, replyTo);
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
