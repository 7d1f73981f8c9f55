package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.policy.AgencyPolicy;

/**
 * What a loan was given at checkout and keeps when the policy changes later: its material type,
 * whether it is an express loan (R20), the overdue rate (R30, null: no fee) and the block threshold
 * (R32) of the lending agency, what the copy is worth (R7), the notices that follow its due date
 * (R30, R31, R37; null for loans made before reminders existed: none), what losing it costs (R31)
 * what excludes a patron (R33, R34; null: nothing) and how many days the loan is kept after its
 * return (R40; null in loans made before it was recorded: {@link AgencyPolicy.Retention#DEFAULT}).
 */
public record LoanTerms(
    String materialType,
    boolean express,
    AgencyPolicy.OverdueRate overdueRate,
    int feeBlockThresholdDkk,
    int valueDkk,
    AgencyPolicy.Reminders reminders,
    int lostChargeDkk,
    AgencyPolicy.Exclusion exclusion,
    Integer returnedKeptDays)
    implements CborSerializable {

  /** R40: how long the loan is kept after it was returned. */
  public int keptDaysAfterReturn() {
    return returnedKeptDays == null
        ? AgencyPolicy.Retention.DEFAULT.returnedLoansDays()
        : returnedKeptDays;
  }

  static LoanTerms of(AgencyPolicy policy, String materialType) {
    AgencyPolicy.MaterialRule rule = policy.material(materialType);
    return new LoanTerms(
        materialType,
        rule != null && rule.express(),
        policy.overdueFees().get(materialType),
        policy.feeBlockThresholdDkk(),
        rule == null ? 0 : rule.valueDkk(),
        policy.reminders(),
        rule == null ? 0 : rule.lostOrDamagedChargeDkk(),
        policy.exclusion(),
        policy.retention().returnedLoansDays());
  }
}
