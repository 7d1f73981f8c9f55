package dk.library.circulation.ill;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.ill.InterlibraryRequest.Details;
import dk.library.circulation.ill.InterlibraryRequestReply.Gone;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/** What the {@link InterlibraryRequest} entity is asked and told. */
public sealed interface InterlibraryRequestCommand extends CborSerializable {

  /** {@code partners}: the lenders that are systems outside the core (ISO 18626 messages). */
  record Create(
      Details details,
      List<String> lenders,
      Set<String> partners,
      ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  /** The current lender's answer: ExpectToSupply, WillSupply or Unfilled. */
  record Answer(
      String lenderAgencyId,
      IsoStatus status,
      String barcode,
      Integer chargeDkk,
      Integer loanPeriodDays,
      String note,
      ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  /** The loan's course (Loaned with its due time, Recalled, LoanCompleted) or a cancellation. */
  record Advance(
      IsoStatus status,
      String agencyId,
      String note,
      Instant dueAt,
      ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  record ReceivedAt(String branchId, ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  /**
   * A partner's SupplyingAgencyMessage: its status for the request, the item it sends, the due date
   * it sets. {@code messageKey} identifies the message, so a second delivery changes nothing.
   */
  record FromPartner(
      String partnerAgencyId,
      String requestingAgencyId,
      String messageKey,
      IsoStatus status,
      String itemId,
      Instant dueAt,
      String note,
      ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  /** The borrowing library sent a partner's copy back (the standard's ShippedReturn). */
  record ShipReturn(String agencyId, ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  /**
   * A partner's RequestingAgencyMessage for a request it made of us: Received, ShippedReturn or
   * Cancel; {@code messageKey} identifies the message.
   */
  record FromBorrowingPartner(
      String partnerAgencyId,
      String messageKey,
      String action,
      String note,
      ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  /** The lender sent its copy to the partner that asked (Loaned). */
  record Ship(String agencyId, ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  /** The copy came back from the partner that asked (LoanCompleted). */
  record CheckIn(String agencyId, ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  record PartnerAnswered(String messageId, Partners.Confirmation confirmation, Throwable failure)
      implements InterlibraryRequestCommand {}

  record ResendToPartners() implements InterlibraryRequestCommand {}

  /** The worklists' rows were written ({@code failure} null) or not. */
  record Listed(Throwable failure) implements InterlibraryRequestCommand {}

  record ListAgain() implements InterlibraryRequestCommand {}

  /** R39, R40: the rows are off the worklists ({@code failure} null); the journal goes next. */
  record Unlisted(ActorRef<InterlibraryRequestReply> replyTo, Throwable failure)
      implements InterlibraryRequestCommand {}

  record Get(ActorRef<InterlibraryRequestReply> replyTo) implements InterlibraryRequestCommand {}

  /** R39: the patron's account was deleted: the whole journal goes, then {@link Gone}. */
  record Erase(ActorRef<InterlibraryRequestReply> replyTo) implements InterlibraryRequestCommand {}

  record Erased(ActorRef<InterlibraryRequestReply> replyTo, Throwable failure)
      implements InterlibraryRequestCommand {}

  /** The loan's due time may have passed (Overdue). */
  record DeadlineReached(ActorRef<InterlibraryRequestReply> replyTo)
      implements InterlibraryRequestCommand {}

  record Delivered(String dispatchId) implements InterlibraryRequestCommand {}

  record DeliveryFailed(String dispatchId) implements InterlibraryRequestCommand {}

  record Resume() implements InterlibraryRequestCommand {}

  /**
   * R40: the deadline that erases the ended request is indexed ({@code failure} null) or not; the
   * decision taken on {@code basis} is recorded only if nothing changed meanwhile, else {@code
   * command} is decided again.
   */
  record EndIndexed(
      InterlibraryRequestCommand command,
      InterlibraryRequestState basis,
      Decision.Persist<InterlibraryRequestEvent> decision,
      ActorRef<InterlibraryRequestReply> replyTo,
      Throwable failure)
      implements InterlibraryRequestCommand {}
}
