package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.policy.AgencyPolicy;

/**
 * What a loan was given at checkout and keeps when the policy changes later: its material type,
 * whether it is an express loan (R20), the overdue rate (R30, null: no fee) and the block threshold
 * (R32) of the lending agency, what the copy is worth (R7), the notices that follow its due date
 * (R30, R31, R37; null for loans made before reminders existed: none), what losing it costs (R31)
 * and what excludes a patron (R33, R34; null: nothing).
 */
public record LoanTerms(
    String materialType,
    boolean express,
    AgencyPolicy.OverdueRate overdueRate,
    int feeBlockThresholdDkk,
    int valueDkk,
    AgencyPolicy.Reminders reminders,
    int lostChargeDkk,
    AgencyPolicy.Exclusion exclusion)
    implements CborSerializable {

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
        policy.exclusion());
  }
}
