package dk.library.circulation.access;

import dk.library.circulation.Result;
import dk.library.circulation.client.ApiClient;
import dk.library.circulation.client.ClientRegistry;
import dk.library.circulation.client.Role;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns a presented bearer credential into a {@link Caller}: the bootstrap operator key from
 * configuration, a registered client's API key (checked against its stored hash, so revoking or
 * rotating takes effect on the next request), or a patron token.
 */
public final class Authenticator {

  public static final String BOOTSTRAP_OPERATOR = "bootstrap-operator";

  private final ClientRegistry registry;
  private final PatronTokens patronTokens;
  private final String bootstrapKeyHash;
  private final int operatorRequestsPerSecond;

  /** {@code bootstrapKeyHash} is null when no bootstrap operator is configured. */
  public Authenticator(
      ClientRegistry registry,
      PatronTokens patronTokens,
      String bootstrapKeyHash,
      int operatorRequestsPerSecond) {
    this.registry = registry;
    this.patronTokens = patronTokens;
    this.bootstrapKeyHash = bootstrapKeyHash;
    this.operatorRequestsPerSecond = operatorRequestsPerSecond;
  }

  /** Empty when the credential is unknown, wrong, expired or revoked. */
  public CompletionStage<Optional<Caller>> authenticate(String credential) {
    if (bootstrapKeyHash != null && ApiKeys.matches(credential, bootstrapKeyHash)) {
      return CompletableFuture.completedFuture(
          Optional.of(
              new Caller(
                  BOOTSTRAP_OPERATOR,
                  Role.OPERATOR,
                  new HashSet<>(),
                  null,
                  operatorRequestsPerSecond)));
    }
    Optional<String> clientId = ApiKeys.clientIdOf(credential);
    if (clientId.isEmpty()) {
      return CompletableFuture.completedFuture(patronTokens.verify(credential));
    }
    return registry
        .client(clientId.get())
        .thenApply(
            result -> {
              if (result instanceof Result.Ok<ApiClient.Details> ok
                  && !ok.value().revoked()
                  && ApiKeys.matches(credential, ok.value().keyHash())) {
                ApiClient.Details c = ok.value();
                return Optional.of(
                    new Caller(
                        c.clientId(),
                        c.role(),
                        new HashSet<>(c.agencies()),
                        null,
                        c.requestsPerSecond()));
              }
              return Optional.empty();
            });
  }
}
