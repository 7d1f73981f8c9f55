package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import dk.library.circulation.card.Card;
import dk.library.circulation.notice.Notice;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What a patron entity persisted ({@link Patron}). Events persisted before these moved out of
 * {@code Patron} are read under their new names ({@link PatronRenames}).
 */
public sealed interface PatronEvent extends CborSerializable {

  public record Registered(
      String cardNumber,
      PinHash pin,
      String name,
      String email,
      String mobile,
      String homeAgencyId,
      String category,
      PatronFacts facts,
      Instant registeredAt,
      Boolean ownCardKnown,
      List<String> otherCards,
      AgencyPolicy.Retention retention)
      implements PatronEvent {}

  /** R41: staff corrected the patron's name or where they live (null: unchanged). */
  public record DetailsCorrected(
      String name, String residence, String municipality, String correctedBy, Instant at)
      implements PatronEvent {}

  /** R41: the patron restricted the processing of their data. */
  public record ProcessingRestricted(DataRights.Restriction restriction) implements PatronEvent {}

  public record RestrictionLifted(String liftedBy, Instant at) implements PatronEvent {}

  /** R41: the patron objected to a processing of their data. */
  public record ObjectionRecorded(DataRights.Objection objection) implements PatronEvent {}

  /** R38: the patron logged in or opened the door with card and PIN. */
  public record Active(Instant at) implements PatronEvent {}

  /** R38: the patron was told the idle account will be deleted (the notice is beside this). */
  public record InactivityNoticed(Instant at) implements PatronEvent {}

  /** R38: the idle account has loans or debt, so it is kept and flagged for staff. */
  public record FlaggedInactive(Instant at) implements PatronEvent {}

  /** R39: another card index entry names the patron. */
  public record CardRecorded(String cardId) implements PatronEvent {}

  /** R39, R41: another record names the patron ({@link PatronHistory.NamedIn}). */
  public record RecordedElsewhere(PatronHistory.NamedIn record) implements PatronEvent {}

  /** R40: the record is erased where it was kept; the patron forgets its id. */
  public record ElsewhereForgotten(PatronHistory.NamedIn record) implements PatronEvent {}

  /**
   * R39: the account's deletion began; the state keeps only what is left to erase, and the journal
   * with this event goes last.
   */
  public record AccountErasureBegun(AccountErasure erasure) implements PatronEvent {}

  /** R12: the card number the patron's key was made from was reported lost. */
  public record OwnCardLost(Card.Lost lost) implements PatronEvent {}

  public record CheckoutBegun(PendingCheckout pending) implements PatronEvent {}

  public record CheckoutCompleted(String checkoutId) implements PatronEvent {}

  public record CheckoutAbandoned(String checkoutId, Rejection reason) implements PatronEvent {}

  public record LoanRenewed(String barcode, LocalDate dueDate, Instant renewedAt)
      implements PatronEvent {}

  public record LoanEnded(String barcode, String checkoutId, Instant returnedAt)
      implements PatronEvent {}

  /**
   * R40: the returned loans of these checkouts, whose window ended, the ended holds whose window
   * ended by {@code at}, and the notices sent before {@code noticesSentBefore} are forgotten; so
   * are the fees settled at or before {@code feesSettledBy}, the compensation (lost or damaged
   * copies) settled at or before {@code compensationSettledBy}, and the payment records (payments,
   * write-offs, claims) settled before {@code paymentsSettledBefore} (null: none). The snapshot
   * taken at this event replaces every event before it ({@link JournalErased}). It names no copy,
   * fee or payment: it stays in the journal.
   */
  public record HistoryForgotten(
      List<String> checkoutIds,
      Instant noticesSentBefore,
      Instant at,
      Instant feesSettledBy,
      Instant compensationSettledBy,
      Instant paymentsSettledBefore)
      implements PatronEvent {

    public HistoryForgotten(List<String> checkoutIds, Instant noticesSentBefore, Instant at) {
      this(checkoutIds, noticesSentBefore, at, null, null, null);
    }
  }

  /**
   * R40: the journal no longer holds the events the snapshot at {@code snapshotSequenceNr}
   * replaced.
   */
  public record JournalErased(long snapshotSequenceNr) implements PatronEvent {}

  public record FeeCharged(Fees.Fee fee, int feeBlockThresholdDkk) implements PatronEvent {}

  public record PaymentReceived(Fees.Payment payment) implements PatronEvent {}

  public record DepositReceived(int amountDkk, String receivedBy, Instant at)
      implements PatronEvent {}

  public record Suspended(Fees.Suspension suspension) implements PatronEvent {}

  public record SuspensionLifted(String liftedBy, Instant at) implements PatronEvent {}

  public record IdentityVerified(PatronFacts.Verification verification) implements PatronEvent {}

  public record ContactUpdated(
      String email, String mobile, String preferredChannel, String by, Instant at)
      implements PatronEvent {}

  /** R4: a wrong PIN counts towards the lockout; a right one clears the count. */
  public record WrongPinEntered(Instant at) implements PatronEvent {}

  public record WrongPinsCleared() implements PatronEvent {}

  public record PinLocked(Instant at) implements PatronEvent {}

  public record PinUnlocked(String unlockedBy, Instant at) implements PatronEvent {}

  public record PinReset(PinHash pin, PatronFacts.Verification identityCheck)
      implements PatronEvent {}

  public record GuardianConsentRecorded(PatronFacts.GuardianConsent consent)
      implements PatronEvent {}

  public record HoldReserved(String holdId, String titleEntityId) implements PatronEvent {}

  /** {@code at}: when the hold ended (R40 keeps its record a window from then); null before R40. */
  public record HoldReleased(String holdId, Instant at) implements PatronEvent {

    public HoldReleased(String holdId) {
      this(holdId, null);
    }
  }

  public record NoticeRecorded(Notice notice) implements PatronEvent {}

  public record NoticeSent(String noticeId, Instant at) implements PatronEvent {}

  /**
   * R30, R31: the first {@code taken} steps of the loan's reminder schedule for {@code dueDate} are
   * done (their notices and fees are recorded beside this event).
   */
  public record RemindersTaken(String barcode, String checkoutId, LocalDate dueDate, int taken)
      implements PatronEvent {}

  /**
   * R31: the copy was not returned after the last overdue notice; R37: the library still owns it.
   */
  public record LoanDeclaredLost(String barcode, String checkoutId, Instant at)
      implements PatronEvent {}

  /**
   * R33: exclusion announced in writing, to take effect on its date if the cause is still there.
   */
  public record ExclusionAnnounced(Fees.Exclusion exclusion) implements PatronEvent {}

  public record ExclusionTookEffect(Instant at) implements PatronEvent {}

  /** The cause was gone when the exclusion was due to take effect. */
  public record ExclusionWithdrawn(String reason, Instant at) implements PatronEvent {}

  public record ExclusionLifted(String liftedBy, Instant at) implements PatronEvent {}

  /** R35: what was still owed was handed to debt collection. */
  public record ClaimHandedOver(Fees.Claim claim) implements PatronEvent {}

  /** R35: staff wrote the open claims off (beside a negative charge of the same amount). */
  public record ClaimsWrittenOff(String writeOffId, int amountDkk, String writtenOffBy, Instant at)
      implements PatronEvent {}
}
