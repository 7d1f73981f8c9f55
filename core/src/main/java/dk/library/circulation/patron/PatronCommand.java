package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.card.Card;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/** What a patron entity is asked to do ({@link Patron}); some only the entity sends itself. */
public sealed interface PatronCommand extends CborSerializable {

  /**
   * Leave memory now instead of after the idle timeout: a bulk import is done with this entity and
   * is not coming back, so its registrations do not pile up in the heap (no reply).
   */
  public record Rest() implements PatronCommand {}

  /**
   * {@code category} (R21) may be null: the agency's default limits apply. {@code otherCards}: card
   * index entries claimed for the patron besides its key (a CPR given beside the card). {@code
   * retention}: the home agency's, whose inactivity terms the account keeps (R38).
   */
  public record Register(
      PinHash pin,
      String name,
      String email,
      String mobile,
      String homeAgencyId,
      String category,
      PatronFacts facts,
      List<String> otherCards,
      AgencyPolicy.Retention retention,
      ActorRef<PatronReply> replyTo)
      implements PatronCommand {

    public Register(
        PinHash pin,
        String name,
        String email,
        String mobile,
        String homeAgencyId,
        String category,
        PatronFacts facts,
        List<String> otherCards,
        ActorRef<PatronReply> replyTo) {
      this(
          pin,
          name,
          email,
          mobile,
          homeAgencyId,
          category,
          facts,
          otherCards,
          AgencyPolicy.Retention.DEFAULT,
          replyTo);
    }

    public Register(
        PinHash pin,
        String name,
        String email,
        String mobile,
        String homeAgencyId,
        String category,
        PatronFacts facts,
        ActorRef<PatronReply> replyTo) {
      this(pin, name, email, mobile, homeAgencyId, category, facts, List.of(), replyTo);
    }
  }

  /**
   * R39: another card index entry names this patron (a replacement or institution card); recorded
   * before the card is issued, so a deleted account takes the card along.
   */
  public record RecordCard(String cardId, ActorRef<PatronReply> replyTo) implements PatronCommand {}

  /**
   * R39, R41: an interlibrary request or a payment session is about to name this patron; recorded
   * before it is written, so a deleted account takes it along and the export finds it.
   */
  public record RecordElsewhere(PatronHistory.NamedIn record, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /**
   * R40: a record that named this patron ({@link RecordElsewhere}) is about to be erased at the end
   * of its window: its id is forgotten, and the journal that held it erased under a snapshot.
   */
  public record ForgetElsewhere(PatronHistory.NamedIn record, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /**
   * R39: the patron asked for the account to be deleted, and staff saw photo ID ({@code
   * identityDocument}). Answered with {@link PatronReply.AccountErased} once nothing of it is left.
   */
  public record EraseAccount(String identityDocument, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** R41: staff correct the name or where the patron lives; null leaves a datum as it is. */
  public record CorrectDetails(
      String name,
      String residence,
      String municipality,
      String correctedBy,
      ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** R41: the patron asked for the processing of their data to be restricted. */
  public record RestrictProcessing(String reason, String by, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  public record LiftRestriction(String by, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** R41: the patron objects to a processing of their data; the same id again changes nothing. */
  public record RecordObjection(
      String objectionId, String concerning, String text, String by, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** R41: everything the patron entity holds, for the patron's access request. */
  public record GetAccount(ActorRef<PatronReply> replyTo) implements PatronCommand {}

  /**
   * The erasure's deadline is indexed and the cards are retired: the deletion ({@code begun}) can
   * be recorded, unless the state moved on from {@code basis} (then {@code decideAgain} is
   * handled).
   */
  record ErasureIndexed(
      PatronState basis,
      PatronEvent.AccountErasureBegun begun,
      PatronCommand decideAgain,
      ActorRef<PatronReply> replyTo,
      PatronReply done,
      PatronReply failed)
      implements PatronCommand {}

  /** A deadline written before a record was not written: nothing is recorded, no one answered. */
  record DeadlineNotIndexed(String why) implements PatronCommand {}

  /** R38: the new account's first deadline is indexed: it is registered as decided {@code at}. */
  record RegistrationIndexed(Register command, PatronState basis, Instant at)
      implements PatronCommand {}

  /**
   * The account's records, journal and deadlines are erased; {@code replyTo} is told {@code
   * answer}.
   */
  record AccountGone(ActorRef<PatronReply> replyTo, PatronReply answer) implements PatronCommand {}

  /** {@code answer}: what {@code replyTo} is told, null for nothing (the staff's ask times out). */
  record AccountErasureFailed(ActorRef<PatronReply> replyTo, String why, PatronReply answer)
      implements PatronCommand {}

  /**
   * The lending agency's current policy and the item's material type and own loan period decide the
   * loan's terms (R16, R20, R21, R30, R32).
   */
  public record BeginCheckout(
      String checkoutId,
      String pin,
      String barcode,
      String agencyId,
      String branchId,
      AgencyPolicy policy,
      String materialType,
      Integer itemLoanPeriodDays,
      ActorRef<PatronReply> replyTo)
      implements PatronCommand {
    @Override
    public String toString() {
      return "BeginCheckout[" + checkoutId + ", " + barcode + "]";
    }
  }

  public record CompleteCheckout(String checkoutId, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  public record AbandonCheckout(String checkoutId, Rejection reason, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /**
   * Renews the named loans, or every loan when {@code barcodes} is empty, each by its agency's
   * current policy; {@code reservedBarcodes} are loans whose title another patron has reserved
   * (R18). {@code feeBlockThresholdDkk} is the home agency's (R32). The patron proves themselves
   * with {@code pin}, or {@code provenByToken}: the caller holds a patron token the patron got with
   * card and PIN (the library website), and no PIN is checked.
   */
  public record Renew(
      String pin,
      boolean provenByToken,
      List<String> barcodes,
      Map<String, AgencyPolicy> policyByAgency,
      Set<String> reservedBarcodes,
      int feeBlockThresholdDkk,
      ActorRef<PatronReply> replyTo)
      implements PatronCommand {

    /** A renewal proven by the patron's PIN. */
    public Renew(
        String pin,
        List<String> barcodes,
        Map<String, AgencyPolicy> policyByAgency,
        Set<String> reservedBarcodes,
        int feeBlockThresholdDkk,
        ActorRef<PatronReply> replyTo) {
      this(pin, false, barcodes, policyByAgency, reservedBarcodes, feeBlockThresholdDkk, replyTo);
    }

    @Override
    public String toString() {
      return "Renew[" + barcodes + "]";
    }
  }

  public record EndLoan(
      String barcode, String checkoutId, Instant returnedAt, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  public record GetStatus(ActorRef<PatronReply> replyTo) implements PatronCommand {}

  /**
   * R12: whether this patron is registered under the card number its key was made from, and whether
   * that card was reported lost: answered from memory, so a card lookup needs no card entity.
   */
  public record Identify(ActorRef<PatronReply> replyTo) implements PatronCommand {}

  /**
   * R12: the card number this patron's key was made from was reported lost; recorded before the
   * card's own record, so the patron refuses it from then on.
   */
  public record RecordOwnCardLost(Card.Lost lost, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /**
   * Counts a hold against the patron's reservations before the title queues it: R2 identity
   * verified, no block, R21 the reservation limit.
   */
  public record ReserveHold(
      String holdId, String titleEntityId, AgencyPolicy policy, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** The hold has left its queue (or was never queued): it no longer counts (R21). */
  public record ReleaseHold(String holdId, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** Records a notice in the patron's outbox, by the patron's channel, and sends it. */
  public record Notify(
      String noticeId, String templateKey, Map<String, String> data, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  public record GetNotices(ActorRef<PatronReply> replyTo) implements PatronCommand {}

  record NoticeDelivered(String noticeId) implements PatronCommand {}

  record NoticeFailed(String noticeId) implements PatronCommand {}

  /** R40: the end of the sent notice's 30 days is indexed: its sending can be recorded. */
  record NoticeSentIndexed(String noticeId, Instant at) implements PatronCommand {}

  record NoticeSentNotIndexed(String noticeId, String why) implements PatronCommand {}

  record ResendNotices() implements PatronCommand {}

  /** A manual charge (R30 ledger) under the charging agency's block threshold (R32). */
  /** {@code exclusion}: R34, the thresholds a damage charge is counted against; null: none. */
  public record ChargeFee(
      String feeId,
      Fees.Kind kind,
      int amountDkk,
      String reason,
      String barcode,
      int feeBlockThresholdDkk,
      AgencyPolicy.Exclusion exclusion,
      ActorRef<PatronReply> replyTo)
      implements PatronCommand {

    public ChargeFee(
        String feeId,
        Fees.Kind kind,
        int amountDkk,
        String reason,
        String barcode,
        int feeBlockThresholdDkk,
        ActorRef<PatronReply> replyTo) {
      this(feeId, kind, amountDkk, reason, barcode, feeBlockThresholdDkk, null, replyTo);
    }
  }

  /**
   * The deadline keeper: reminder steps (R30, R31) or an exclusion's date (R33) may have fallen
   * due. Answered with {@link PatronReply.Reminded} once what fell due is recorded and the next
   * deadline indexed.
   */
  public record Remind(ActorRef<PatronReply> replyTo) implements PatronCommand {}

  /**
   * The next deadline is indexed and the debt-collection entries written: what fell due at {@code
   * now} can be recorded, unless the state moved on from {@code basis} meanwhile.
   */
  record RemindIndexed(ActorRef<PatronReply> replyTo, PatronState basis, Instant now)
      implements PatronCommand {}

  record RemindFailed(ActorRef<PatronReply> replyTo, String why) implements PatronCommand {}

  /** R40: the end of the returned loan's window is indexed: the return can be recorded. */
  record ReturnIndexed(EndLoan endLoan) implements PatronCommand {}

  /** R40: the events the snapshot at {@code snapshotSequenceNr} replaced are erased. */
  record Erased(long snapshotSequenceNr) implements PatronCommand {}

  record EraseFailed(String why) implements PatronCommand {}

  record ReturnNotIndexed(String why) implements PatronCommand {}

  /** A completed checkout's first reminder is indexed: the loan can be recorded. */
  record LoanIndexed(String checkoutId, ActorRef<PatronReply> replyTo) implements PatronCommand {}

  /** R35: staff write off what is with debt collection. */
  public record WriteOffClaims(String writeOffId, String by, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /**
   * R35: the debt-collection entries of {@code command}'s {@code decision} are written; the
   * decision is recorded unless the state moved on from {@code basis} meanwhile (then it is decided
   * again). Sent only to itself, never serialized.
   */
  record EntriesRecorded(
      PatronCommand command,
      PatronState basis,
      Decision<PatronEvent> decision,
      ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  record EntriesFailed(String why) implements PatronCommand {}

  /** R33: staff lift an exclusion, announced or in force. */
  public record LiftExclusion(String liftedBy, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /**
   * {@code online}: R36, a payment the provider has already taken; it is recorded even when the
   * balance fell below it meanwhile (the difference is the patron's credit).
   */
  public record Pay(String paymentId, int amountDkk, boolean online, ActorRef<PatronReply> replyTo)
      implements PatronCommand {

    public Pay(String paymentId, int amountDkk, ActorRef<PatronReply> replyTo) {
      this(paymentId, amountDkk, false, replyTo);
    }
  }

  /** R7: a deposit left with the library. */
  public record Deposit(int amountDkk, String receivedBy, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** R46: suspension for breaking the house rules, through {@code until}. */
  public record Suspend(
      LocalDate until, String reason, String suspendedBy, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  public record LiftSuspension(String liftedBy, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** R2, R15: staff saw the patron's ID in person. */
  public record VerifyIdentity(String method, String verifiedBy, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /**
   * R5, R11: the patron (or staff) updates contact data; {@code preferredChannel} is email, sms,
   * post or digital-mailbox, null to follow the default.
   */
  public record UpdateContact(
      String email,
      String mobile,
      String preferredChannel,
      String by,
      ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** R4: staff lift a PIN lockout. */
  public record UnlockPin(String unlockedBy, ActorRef<PatronReply> replyTo)
      implements PatronCommand {}

  /** R4: a new PIN, only with the identity check that allowed it recorded. */
  public record ResetPin(
      PinHash pin, String identityCheck, String resetBy, ActorRef<PatronReply> replyTo)
      implements PatronCommand {
    @Override
    public String toString() {
      return "ResetPin";
    }
  }

  /** R6: a guardian consented for a minor. */
  public record RecordGuardianConsent(
      String guardian, String recordedBy, ActorRef<PatronReply> replyTo) implements PatronCommand {}

  /**
   * The patron's status, if the PIN matches (R4): a terminal's status check, or ({@code acting}) a
   * patron logging in or opening the door, which counts as the patron acting (R38).
   */
  public record CheckPin(String pin, boolean acting, ActorRef<PatronReply> replyTo)
      implements PatronCommand {

    /** A status check: a read, which records nothing but wrong PINs. */
    public CheckPin(String pin, ActorRef<PatronReply> replyTo) {
      this(pin, false, replyTo);
    }

    @Override
    public String toString() {
      return "CheckPin";
    }
  }

  /** Sent to itself after recovery for every checkout a crash left pending. */
  record ResolvePendingCheckout(String checkoutId) implements PatronCommand {}

  record LendSettled(String checkoutId, boolean lent) implements PatronCommand {}

  record SettlementFailed(String checkoutId) implements PatronCommand {}
}
