package dk.library.circulation.desk;

import dk.library.circulation.agency.Branch;
import dk.library.circulation.policy.AgencyPolicy;
import java.util.List;

/** An agency as the API shows it: its branches and its current policy version. */
public record AgencyView(
    String agencyId, String name, List<Branch> branches, int policyVersion, AgencyPolicy policy) {}
