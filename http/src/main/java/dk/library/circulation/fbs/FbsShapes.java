package dk.library.circulation.fbs;

import java.util.List;

/**
 * The FBS external API's JSON shapes this core answers with, named and spelt as in the contract
 * ({@code src/core/fbs/fbs-adapter.yaml} of dpl-react); fields the core has no data for are left
 * out where the contract allows it (null is not written), and docs/fbs.md says what each carries.
 */
public final class FbsShapes {

  private FbsShapes() {}

  public record AgencyBranch(String branchId, String title) {}

  public record MaterialGroup(String name, String description) {}

  public record BlockStatus(String blockedReason, String blockedSince, String message) {}

  public record PatronV7(
      long patronId,
      String name,
      String emailAddress,
      String phoneNumber,
      String preferredPickupBranch,
      boolean receiveEmail,
      boolean receiveSms,
      boolean receivePostalMail,
      boolean guardianVisibility,
      int defaultInterestPeriod,
      boolean resident,
      List<BlockStatus> blockStatus,
      String birthday) {}

  public record AuthenticatedPatronV8(String authenticateStatus, PatronV7 patron) {}

  /** The older shape of the patron, which the v4 update answers with. */
  public record PatronV4(
      long patronId,
      String name,
      String emailAddress,
      String phoneNumber,
      String preferredPickupBranch,
      boolean receiveEmail,
      boolean receiveSms,
      boolean receivePostalMail,
      int defaultInterestPeriod,
      boolean resident,
      List<BlockStatus> blockStatus,
      String birthday) {

    public static PatronV4 of(PatronV7 p) {
      return new PatronV4(
          p.patronId(),
          p.name(),
          p.emailAddress(),
          p.phoneNumber(),
          p.preferredPickupBranch(),
          p.receiveEmail(),
          p.receiveSms(),
          p.receivePostalMail(),
          p.defaultInterestPeriod(),
          p.resident(),
          p.blockStatus(),
          p.birthday());
    }
  }

  public record AuthenticatedPatronV4(boolean authenticated, PatronV4 patron) {}

  public record PatronV9(
      long patronId,
      String name,
      String emailAddress,
      String phoneNumber,
      String preferredPickupBranch,
      boolean receiveEmail,
      boolean receiveSms,
      boolean receivePostalMail,
      boolean guardianVisibility,
      int defaultInterestPeriod,
      boolean resident,
      boolean hasNationalRegistrySynchronizationConsent,
      List<BlockStatus> blockStatus,
      String birthday) {

    /** The newer shape of the same patron; the core asks no consent to registry updates. */
    public static PatronV9 of(PatronV7 p) {
      return new PatronV9(
          p.patronId(),
          p.name(),
          p.emailAddress(),
          p.phoneNumber(),
          p.preferredPickupBranch(),
          p.receiveEmail(),
          p.receiveSms(),
          p.receivePostalMail(),
          p.guardianVisibility(),
          p.defaultInterestPeriod(),
          p.resident(),
          false,
          p.blockStatus(),
          p.birthday());
    }
  }

  public record AuthenticatedPatronV10(String authenticateStatus, PatronV9 patron) {}

  public record LoanDetailsV2(
      long loanId,
      String loanDate,
      String dueDate,
      String materialItemNumber,
      String recordId,
      MaterialGroup materialGroup,
      String loanType) {}

  public record LoanV2(
      LoanDetailsV2 loanDetails,
      boolean isRenewable,
      List<String> renewalStatusList,
      boolean isLongtermLoan) {}

  public record RenewedLoanV2(LoanDetailsV2 loanDetails, List<String> renewalStatus) {}

  public record ReservationDetailsV2(
      long reservationId,
      String recordId,
      String pickupBranch,
      String dateOfReservation,
      String expiryDate,
      String reservationType,
      String state,
      String transactionId,
      Integer numberInQueue,
      String pickupDeadline,
      String pickupNumber) {}

  /** The older shape, which the contract's reservation update still answers with. */
  public record ReservationDetails(
      long reservationId,
      String recordId,
      String pickupBranch,
      String dateOfReservation,
      String expiryDate,
      String loanType,
      String state,
      Integer numberInQueue,
      String pickupDeadline,
      String pickupNumber) {}

  public record ReservationResultV2(
      String recordId, String result, ReservationDetailsV2 reservationDetails) {}

  public record ReservationResponseV2(
      boolean success, List<ReservationResultV2> reservationResults) {}

  public record FeeMaterialV2(
      String recordId, MaterialGroup materialGroup, String materialItemNumber) {}

  public record FeeV2(
      long feeId,
      String type,
      double amount,
      String creationDate,
      String reasonMessage,
      boolean payableByClient,
      List<FeeMaterialV2> materials) {}

  public record AvailabilityV3(
      String recordId, boolean available, boolean reservable, long reservations) {}

  public record MaterialV3(String itemNumber, MaterialGroup materialGroup, boolean available) {}

  public record HoldingsLogisticsV1(AgencyBranch branch, List<MaterialV3> materials) {}

  public record HoldingsForBibliographicalRecordLogisticsV1(
      String recordId, boolean reservable, long reservations, List<HoldingsLogisticsV1> holdings) {}
}
