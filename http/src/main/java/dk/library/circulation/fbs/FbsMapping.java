package dk.library.circulation.fbs;

import dk.library.circulation.Rejection;
import dk.library.circulation.fbs.FbsShapes.BlockStatus;
import dk.library.circulation.fbs.FbsShapes.LoanDetailsV2;
import dk.library.circulation.fbs.FbsShapes.MaterialGroup;
import dk.library.circulation.fbs.FbsShapes.ReservationDetailsV2;
import dk.library.circulation.patron.Fees;
import dk.library.circulation.patron.Loan;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.title.HoldView;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Our records and rule codes in the FBS contract's words: pure functions, so each mapping is tested
 * without a server and docs/fbs.md can list them one to one.
 */
public final class FbsMapping {

  /** Holds the website shows as "interested until" when the patron names no date. */
  public static final int DEFAULT_INTEREST_DAYS = 180;

  private FbsMapping() {}

  /** FBS {@code renewalStatus} for a renewal our rules refused. */
  public static String renewalStatus(Rejection.Code code) {
    return switch (code) {
      case TITLE_RESERVED -> "deniedReserved";
      case RENEWAL_LIMIT_REACHED -> "deniedMaxRenewalsReached";
      case FEES_OWED, PATRON_SUSPENDED, PATRON_EXCLUDED, WITH_DEBT_COLLECTION, PIN_LOCKED ->
          "deniedLoanerIsBlocked";
      case LOAN_DECLARED_LOST -> "deniedMaterialIsNotLoanable";
      case EXPRESS_LOAN_NOT_RENEWABLE, NOT_FOR_HOME_LOAN -> "deniedMaterialIsNotLoanable";
      case LOAN_NOT_FOUND, ITEM_NOT_FOUND -> "deniedMaterialIsNotFound";
      case PATRON_NOT_FOUND, CARD_REPORTED_LOST -> "deniedLoanerNotFound";
      case AGENCY_NOT_FOUND -> "deniedLoaningProfileNotFound";
      default -> "deniedOtherReason";
    };
  }

  /** FBS {@code ReservationResult.result} for a hold our rules refused. */
  public static String reservationResult(Rejection.Code code) {
    return switch (code) {
      case RESERVATION_LIMIT_REACHED -> "exceeds_max_reservations";
      case HOLD_ALREADY_PLACED -> "already_reserved";
      case NOT_RESERVABLE -> "material_not_reservable";
      case TITLE_NOT_HELD -> "no_reservable_materials";
      case ITEM_NOT_FOUND -> "material_not_found";
      case FEES_OWED,
              PATRON_SUSPENDED,
              PATRON_EXCLUDED,
              WITH_DEBT_COLLECTION,
              IDENTITY_NOT_VERIFIED,
              CARD_REPORTED_LOST ->
          "patron_is_blocked";
      case PATRON_NOT_FOUND -> "patron_not_found";
      default -> "not_reservable";
    };
  }

  /**
   * FBS block reasons: 'O' card stolen (R12), 'U' exclusion (a suspension, R46, or an exclusion in
   * force, R33), 'E' the debt limit exceeded (R32).
   */
  public static List<BlockStatus> blockStatus(PatronReply.Status patron, LocalDate today) {
    List<BlockStatus> blocks = new ArrayList<>();
    Fees.Suspension suspension = patron.suspension();
    if (suspension != null && suspension.activeOn(today)) {
      blocks.add(
          new BlockStatus(
              "U",
              LocalDate.ofInstant(suspension.at(), ZoneId.of("UTC")).toString(),
              "suspended until " + suspension.until()));
    }
    for (Fees.Block block : patron.blocks()) {
      if (block.code().equals(Rejection.Code.FEES_OWED.name())) {
        blocks.add(new BlockStatus("E", today.toString(), block.detail()));
      }
    }
    Fees.Exclusion exclusion = patron.exclusion();
    if (exclusion != null && exclusion.inForce()) {
      blocks.add(new BlockStatus("U", exclusion.effectiveOn().toString(), exclusion.cause()));
    }
    return blocks;
  }

  /** FBS reservation {@code state}: reserved, inTransit or readyForPickup. */
  public static String reservationState(String holdStatus) {
    return switch (holdStatus) {
      case "READY" -> "readyForPickup";
      case "IN_TRANSIT" -> "inTransit";
      default -> "reserved";
    };
  }

  public static ReservationDetailsV2 reservation(HoldView hold, ZoneId zone) {
    LocalDate placed = LocalDate.ofInstant(hold.placedAt(), zone);
    LocalDate expiry =
        hold.notInterestedAfter() != null
            ? hold.notInterestedAfter()
            : placed.plusDays(DEFAULT_INTEREST_DAYS);
    return new ReservationDetailsV2(
        FbsIds.reservation(hold.holdId()),
        hold.titleId(),
        hold.pickupBranchId(),
        placed.toString(),
        expiry.toString(),
        "NORMAL",
        reservationState(hold.status()),
        hold.holdId(),
        hold.status().equals("WAITING") ? hold.position() : null,
        hold.pickupDeadline() == null ? null : hold.pickupDeadline().toString(),
        hold.pickupNumber() == null ? null : hold.pickupNumber().toString());
  }

  /** A reservation in the shape the contract's update answers with (no type, a loan type). */
  public static FbsShapes.ReservationDetails reservationV1(HoldView hold, ZoneId zone) {
    ReservationDetailsV2 v2 = reservation(hold, zone);
    return new FbsShapes.ReservationDetails(
        v2.reservationId(),
        v2.recordId(),
        v2.pickupBranch(),
        v2.dateOfReservation(),
        v2.expiryDate(),
        "loan",
        v2.state(),
        v2.numberInQueue(),
        v2.pickupDeadline(),
        v2.pickupNumber());
  }

  /** A loan; {@code titleId} comes from the copy (our loans name the copy, FBS the record). */
  public static LoanDetailsV2 loanDetails(Loan loan, String titleId, ZoneId zone) {
    return new LoanDetailsV2(
        FbsIds.loan(loan.checkoutId()),
        LocalDate.ofInstant(loan.checkedOutAt(), zone).toString(),
        loan.dueDate().toString(),
        loan.barcode(),
        titleId,
        new MaterialGroup(loan.terms().materialType(), null),
        "loan");
  }

  /** FBS fee {@code type}: compensation for a lost or damaged copy (R31), else fee. */
  public static String feeType(Fees.Kind kind) {
    return kind == Fees.Kind.LOST_OR_DAMAGED ? "compensation" : "fee";
  }
}
