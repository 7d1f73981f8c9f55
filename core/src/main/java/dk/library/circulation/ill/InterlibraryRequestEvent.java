package dk.library.circulation.ill;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.ill.InterlibraryRequest.Details;
import dk.library.circulation.ill.RequestView.StatusChange;
import dk.library.circulation.title.Dispatch;
import java.time.Instant;
import java.util.List;

/**
 * What the {@link InterlibraryRequest} entity persists. Events persisted while they were nested in
 * {@code InterlibraryRequest} are read under their new names ({@link InterlibraryRequestRenames}).
 */
public sealed interface InterlibraryRequestEvent extends CborSerializable {

  /** {@code partners}: null in requests created before lenders outside the core. */
  record Created(Details details, List<String> lenders, List<String> partners)
      implements InterlibraryRequestEvent {}

  /** {@code barcode}, {@code chargeDkk}, {@code loanPeriodDays}: a lender's WillSupply terms. */
  record StatusChanged(
      StatusChange change,
      String barcode,
      Integer chargeDkk,
      Integer loanPeriodDays,
      List<Dispatch> notices,
      Instant dueAt)
      implements InterlibraryRequestEvent {

    static StatusChanged of(
        StatusChange change,
        String barcode,
        Integer chargeDkk,
        Integer loanPeriodDays,
        List<Dispatch> notices) {
      return new StatusChanged(change, barcode, chargeDkk, loanPeriodDays, notices, null);
    }
  }

  record PassedOn(int lenderIndex) implements InterlibraryRequestEvent {}

  record ReceivedAtPickup(String branchId, Instant at, Dispatch notice)
      implements InterlibraryRequestEvent {}

  record DispatchDelivered(String dispatchId) implements InterlibraryRequestEvent {}

  /** A message for a partner, to be sent until confirmed. */
  record ToPartner(PartnerMessage message) implements InterlibraryRequestEvent {}

  record PartnerConfirmed(String messageId, String outcome) implements InterlibraryRequestEvent {}

  /** A partner's message was acted on; the same message again changes nothing. */
  record FromPartnerSeen(String messageKey) implements InterlibraryRequestEvent {}

  record ReturnShipped(String agencyId, Instant at) implements InterlibraryRequestEvent {}
}
