package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.done;
import static dk.library.circulation.desk.CirculationDesk.whenOk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.fee.DebtCollection;
import dk.library.circulation.item.ItemRules;
import dk.library.circulation.patron.Fees;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.Policy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What a patron owes and the blocks it leads to, as staff and machines change it: charges (R30,
 * R31), payments at the desk, deposits (R7), claims written off (R35) and the agency's
 * debt-collection ledger, suspensions (R46) and exclusions lifted (R33). Each is one command to the
 * patron, whose rules ({@code PatronRules}) decide; fees that fall due by themselves are the
 * patron's deadlines, not this desk's.
 */
public final class FeeDesk {

  private final CirculationDesk desk;

  FeeDesk(CirculationDesk desk) {
    this.desk = desk;
  }

  /** A manual charge (R30 ledger) under the charging agency's block threshold (R32). */
  public CompletionStage<Result<PatronReply.Status>> chargeFee(
      String cardNumber, String feeId, int amountDkk, String reason, String agencyId) {
    return whenOk(
        desk.policy(agencyId),
        version ->
            desk.patronAsk(
                cardNumber,
                r ->
                    new PatronCommand.ChargeFee(
                        feeId,
                        Fees.Kind.MANUAL,
                        amountDkk,
                        reason,
                        null,
                        version.policy().feeBlockThresholdDkk(),
                        r)));
  }

  /**
   * R31: a lost or damaged copy on loan to the patron is charged at its replacement cost plus the
   * licence cost and the administration fee of its material type. R24: damage recorded at the
   * checkout is not charged to that borrower.
   */
  public CompletionStage<Result<PatronReply.Status>> chargeLostOrDamaged(
      String cardNumber, String barcode, boolean damaged) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            desk.withItem(
                barcode,
                status -> {
                  Rejection refusal = ItemRules.lostOrDamagedRefusal(status, key, damaged);
                  if (refusal != null) {
                    return done(refusal);
                  }
                  return desk.policy(status.item().agencyId())
                      .thenCompose(
                          version -> {
                            if (version instanceof Result.Refused<Policy.PolicyVersion> r) {
                              return done(r.rejection());
                            }
                            AgencyPolicy policy =
                                ((Result.Ok<Policy.PolicyVersion>) version).value().policy();
                            AgencyPolicy.MaterialRule rule =
                                policy.material(status.item().materialType());
                            int amount = rule == null ? 0 : rule.lostOrDamagedChargeDkk();
                            String what = damaged ? "damaged" : "lost";
                            return desk.patronAsk(
                                cardNumber,
                                r ->
                                    new PatronCommand.ChargeFee(
                                        Fees.lostOrDamagedFeeId(
                                            status.loan().checkoutId(), damaged),
                                        Fees.Kind.LOST_OR_DAMAGED,
                                        amount,
                                        "item " + barcode + " " + what,
                                        barcode,
                                        policy.feeBlockThresholdDkk(),
                                        damaged ? policy.exclusion() : null,
                                        r));
                          });
                }));
  }

  /** R30: a payment at the desk or a self-service machine, against the oldest charges first. */
  public CompletionStage<Result<PatronReply.Status>> pay(
      String cardNumber, String paymentId, int amountDkk) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.Pay(paymentId, amountDkk, r));
  }

  /** R7: a deposit left by a non-resident or a patron without a permanent address. */
  public CompletionStage<Result<PatronReply.Status>> deposit(
      String cardNumber, int amountDkk, String by) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.Deposit(amountDkk, by, r));
  }

  /** R46. */
  public CompletionStage<Result<PatronReply.Status>> suspend(
      String cardNumber, LocalDate until, String reason, String by) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.Suspend(until, reason, by, r));
  }

  /** R35: staff write off what is with debt collection. */
  public CompletionStage<Result<PatronReply.Status>> writeOffClaims(
      String cardNumber, String writeOffId, String by) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.WriteOffClaims(writeOffId, by, r));
  }

  /** R35: the agency's debt-collection ledger between two instants, oldest first. */
  public CompletionStage<List<DebtCollection.Entry>> debtCollection(
      String agencyId, Instant from, Instant to, int limit) {
    return desk.settings().debtCollection().entries(agencyId, from, to, limit);
  }

  /** R33: staff lift an exclusion, announced or in force. */
  public CompletionStage<Result<PatronReply.Status>> liftExclusion(String cardNumber, String by) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.LiftExclusion(by, r));
  }

  /** R46: staff end a suspension before its date. */
  public CompletionStage<Result<PatronReply.Status>> liftSuspension(String cardNumber, String by) {
    return desk.patronAsk(cardNumber, r -> new PatronCommand.LiftSuspension(by, r));
  }
}
