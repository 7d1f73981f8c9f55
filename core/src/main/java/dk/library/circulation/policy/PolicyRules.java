package dk.library.circulation.policy;

import static dk.library.circulation.Rejection.Code.INVALID_POLICY;

import dk.library.circulation.Decision;
import java.time.Instant;
import java.util.List;

/** Decisions about an agency's policy, as pure functions. */
public final class PolicyRules {

  private PolicyRules() {}

  /**
   * A valid policy becomes the next version; the same policy again changes nothing; an invalid one
   * (a negative loan period, a fee for an unknown material type, ...) is refused with every problem
   * named.
   */
  public static Decision<Policy.Event> change(Policy.State state, Policy.Change cmd, Instant now) {
    List<String> problems = cmd.policy().problems();
    if (!problems.isEmpty()) {
      return Decision.refuse(INVALID_POLICY, String.join("; ", problems));
    }
    Policy.PolicyVersion current = state.current();
    if (current != null && current.policy().equals(cmd.policy())) {
      return Decision.unchanged();
    }
    int next = current == null ? 1 : current.version() + 1;
    return Decision.persist(
        new Policy.Changed(new Policy.PolicyVersion(next, cmd.policy(), now, cmd.changedBy())));
  }
}
