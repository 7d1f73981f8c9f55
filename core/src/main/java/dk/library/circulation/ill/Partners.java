package dk.library.circulation.ill;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Lenders outside the core that speak ISO 18626 (docs/interlibrary.md): which agency ids they are,
 * and how a message reaches them. The request entity only records what to send; sending is here.
 */
public interface Partners {

  boolean isPartner(String agencyId);

  /**
   * Sends {@code message} for {@code request}; completes with the partner's confirmation, or fails
   * when none came (unreachable, not authenticated, no valid answer), and is then sent again.
   */
  CompletionStage<Confirmation> send(PartnerMessage message, RequestView request);

  /** The partner's confirmation: OK, or the standard's error type with the value it names. */
  record Confirmation(boolean ok, String error) {
    public String outcome() {
      return ok ? PartnerMessage.CONFIRMED : error;
    }
  }

  /** A core with no partner systems configured. */
  static Partners none() {
    return new Partners() {
      @Override
      public boolean isPartner(String agencyId) {
        return false;
      }

      @Override
      public CompletionStage<Confirmation> send(PartnerMessage message, RequestView request) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("no partner " + message.partnerAgencyId()));
      }
    };
  }
}
