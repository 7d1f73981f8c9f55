package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.policy.AgencyPolicy;

/**
 * What a loan was given at checkout and keeps when the policy changes later: its material type,
 * whether it is an express loan (R20), the overdue rate (R30, null: no fee) and the block threshold
 * (R32) of the lending agency, and what the copy is worth (R7).
 */
public record LoanTerms(
    String materialType,
    boolean express,
    AgencyPolicy.OverdueRate overdueRate,
    int feeBlockThresholdDkk,
    int valueDkk)
    implements CborSerializable {

  static LoanTerms of(AgencyPolicy policy, String materialType) {
    AgencyPolicy.MaterialRule rule = policy.material(materialType);
    return new LoanTerms(
        materialType,
        rule != null && rule.express(),
        policy.overdueFees().get(materialType),
        policy.feeBlockThresholdDkk(),
        rule == null ? 0 : rule.valueDkk());
  }
}
