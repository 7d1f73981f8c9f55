package dk.library.circulation.agency;

import dk.library.circulation.CborSerializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The minimal loan policy of one agency (R16, R19, R21): loan period in days, the most loans a
 * patron may have and the most renewals of one loan. The full rule set extends this record.
 */
public record LoanPolicy(int loanPeriodDays, int maxLoans, int maxRenewals)
    implements CborSerializable {

  public static final int MAX_LOAN_PERIOD_DAYS = 366;

  /** What is wrong with this policy, in words an operator can act on; empty when valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (loanPeriodDays < 1 || loanPeriodDays > MAX_LOAN_PERIOD_DAYS) {
      problems.add(
          "policy.loanPeriodDays must be between 1 and "
              + MAX_LOAN_PERIOD_DAYS
              + ", was "
              + loanPeriodDays);
    }
    if (maxLoans < 0 || maxLoans > 10_000) {
      problems.add("policy.maxLoans must be between 0 and 10000, was " + maxLoans);
    }
    if (maxRenewals < 0 || maxRenewals > 10_000) {
      problems.add("policy.maxRenewals must be between 0 and 10000, was " + maxRenewals);
    }
    return problems;
  }
}
