package dk.library.circulation.client;

import static dk.library.circulation.Rejection.Code.CLIENT_ALREADY_REGISTERED;
import static dk.library.circulation.Rejection.Code.CLIENT_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.CLIENT_REVOKED;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import java.time.Instant;

/** Decisions about an API client, as pure functions. */
public final class ApiClientRules {

  private ApiClientRules() {}

  /**
   * A client id is registered once, and never again after it was revoked: an id in the audit trail
   * always means one client.
   */
  public static Decision<ApiClient.Event> register(
      ApiClient.State state, String clientId, ApiClient.Register cmd, Instant now) {
    if (state.registered()) {
      return Decision.refuse(
          CLIENT_ALREADY_REGISTERED,
          "client id " + clientId + " is already registered; choose another clientId");
    }
    return Decision.persist(
        new ApiClient.Registered(
            clientId,
            cmd.name(),
            cmd.role(),
            cmd.agencies(),
            cmd.requestsPerSecond(),
            cmd.keyHash(),
            cmd.registeredBy(),
            now));
  }

  /** A new key replaces the old one at once; a revoked client gets no new key. */
  public static Decision<ApiClient.Event> rotateKey(
      ApiClient.State state, String clientId, ApiClient.RotateKey cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(clientId));
    }
    if (state.client().revoked()) {
      return Decision.refuse(CLIENT_REVOKED, "client " + clientId + " is revoked");
    }
    return Decision.persist(new ApiClient.KeyRotated(cmd.keyHash(), now));
  }

  /** Revoking twice changes nothing. */
  public static Decision<ApiClient.Event> revoke(
      ApiClient.State state, String clientId, ApiClient.Revoke cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(clientId));
    }
    if (state.client().revoked()) {
      return Decision.unchanged();
    }
    return Decision.persist(new ApiClient.Revoked(cmd.revokedBy(), now));
  }

  public static Rejection notFound(String clientId) {
    return Rejection.of(CLIENT_NOT_FOUND, "no API client with id " + clientId + " is registered");
  }
}
