package dk.library.circulation.ill;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/**
 * A message of ISO 18626 the core sends a partner system (a lender outside the core) for one
 * request. It is recorded with the change that causes it and sent until the partner confirms it:
 * {@code outcome} is null while unconfirmed, {@code "OK"} once confirmed, else the partner's error.
 */
public record PartnerMessage(
    String messageId,
    Kind kind,
    String partnerAgencyId,
    Instant at,
    String note,
    String outcome,
    IsoStatus status,
    Instant dueAt)
    implements CborSerializable {

  /**
   * The standard's Request and the requesting agency's actions this core sends as borrower, and its
   * SupplyingAgencyMessage ({@code status}, {@code dueAt}) as lender to a partner.
   */
  public enum Kind {
    REQUEST,
    RECEIVED,
    SHIPPED_RETURN,
    CANCEL,
    SUPPLY_STATUS
  }

  public static final String CONFIRMED = "OK";

  public boolean pending() {
    return outcome == null;
  }

  PartnerMessage withOutcome(String outcome) {
    return new PartnerMessage(messageId, kind, partnerAgencyId, at, note, outcome, status, dueAt);
  }
}
