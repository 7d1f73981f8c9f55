package dk.library.circulation.access;

import com.typesafe.config.Config;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.audit.AuditLog;
import dk.library.circulation.client.ClientRegistry;
import dk.library.circulation.client.Role;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * Everything the API needs to decide who may do what: authentication, the client registry, patron
 * tokens, request-rate and guessing limits, and the audit log. Built once per node from {@code
 * library.security} (see security.conf).
 */
public record AccessControl(
    Authenticator authenticator,
    ClientRegistry clients,
    PatronTokens patronTokens,
    AuditLog audit,
    RateLimiter rates,
    Map<Role, Integer> defaultRequestsPerSecond,
    FailureCounter wrongPinsPerCard,
    FailureCounter wrongPinsPerClient,
    FailureCounter failedLoginsPerAddress,
    Clock clock) {

  public static AccessControl create(
      Config security,
      ClientRegistry clients,
      PatronTokens patronTokens,
      String bootstrapKeyHash,
      AuditLog audit,
      Clock clock) {
    Map<Role, Integer> rates = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      rates.put(role, security.getInt("requests-per-second." + role.name().toLowerCase()));
    }
    return new AccessControl(
        new Authenticator(clients, patronTokens, bootstrapKeyHash, rates.get(Role.OPERATOR)),
        clients,
        patronTokens,
        audit,
        new RateLimiter(clock),
        Map.copyOf(rates),
        new FailureCounter(
            clock,
            security.getInt("wrong-pins.per-card"),
            security.getDuration("wrong-pins.window")),
        new FailureCounter(
            clock,
            security.getInt("wrong-pins.per-client"),
            security.getDuration("wrong-pins.window")),
        new FailureCounter(
            clock,
            security.getInt("failed-logins.per-address"),
            security.getDuration("failed-logins.window")),
        clock);
  }

  /** Seconds until a PIN may be tried again for this card or from this client (0: now; R4). */
  public long pinWait(String cardNumber, String clientId) {
    return Math.max(
        wrongPinsPerCard.blockedFor(cardNumber), wrongPinsPerClient.blockedFor(clientId));
  }

  /** Counts a PIN check's outcome towards the guessing limits, and passes it on. */
  public <T> Result<T> countPin(String cardNumber, String clientId, Result<T> result) {
    if (result instanceof Result.Refused<T> refused
        && (refused.rejection().code() == Rejection.Code.WRONG_PIN
            || refused.rejection().code() == Rejection.Code.PIN_LOCKED)) {
      wrongPinsPerCard.failed(cardNumber);
      wrongPinsPerClient.failed(clientId);
    } else if (result instanceof Result.Ok<T>) {
      wrongPinsPerCard.succeeded(cardNumber);
    }
    return result;
  }
}
