package dk.library.circulation.access;

import dk.library.circulation.client.Role;
import java.util.Set;

/**
 * Who is calling, once authenticated: a registered API client, the bootstrap operator, or a patron
 * through a patron token ({@code cardNumber} set). {@code limitKey} names the bucket its request
 * rate is counted in.
 */
public record Caller(
    String clientId, Role role, Set<String> agencies, String cardNumber, int requestsPerSecond) {

  public Caller {
    agencies = Set.copyOf(agencies);
  }

  public boolean actsFor(String agencyId) {
    return agencies.contains(agencyId);
  }

  public String limitKey() {
    return cardNumber != null ? "patron:" + cardNumber : "client:" + clientId;
  }
}
