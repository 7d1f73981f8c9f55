package dk.library.circulation.ill;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * An interlibrary request as the borrowing and the lending library see it. {@code patronKey} never
 * leaves the core (it may be a keyed hash of a CPR number): the desk blanks it in every answer.
 * {@code lender} is the agency the request is with now; {@code atPickup} is true once the copy has
 * been received at the pickup branch. {@code partnerMessages}: what was sent to lenders outside the
 * core (ISO 18626) and whether they confirmed it; {@code returnShipped}: a partner's copy was sent
 * back; {@code partnerRequestId}: a partner system's own id for a request it made of us.
 */
public record RequestView(
    String requestId,
    String patronKey,
    IsoStatus status,
    String borrowingAgencyId,
    String pickupBranchId,
    String titleId,
    String lender,
    List<String> lenders,
    String barcode,
    int chargeDkk,
    Integer loanPeriodDays,
    boolean atPickup,
    List<StatusChange> history,
    List<PartnerMessage> partnerMessages,
    boolean returnShipped,
    String partnerRequestId)
    implements CborSerializable {

  public RequestView anonymous() {
    return new RequestView(
        requestId,
        null,
        status,
        borrowingAgencyId,
        pickupBranchId,
        titleId,
        lender,
        lenders,
        barcode,
        chargeDkk,
        loanPeriodDays,
        atPickup,
        history,
        partnerMessages,
        returnShipped,
        partnerRequestId);
  }

  /** One step of the request's life: the status, the agency that set it, when, and why. */
  public record StatusChange(IsoStatus status, String agencyId, Instant at, String note)
      implements CborSerializable {}
}
