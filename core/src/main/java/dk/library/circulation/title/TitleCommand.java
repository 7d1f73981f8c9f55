package dk.library.circulation.title;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/** What the {@link Title} entity is asked and told. */
public sealed interface TitleCommand extends CborSerializable {

  /**
   * Copies registered under this title: one from a single registration, many at once from a bulk
   * import (one journal write for all of them).
   */
  record AddCopies(
      String agencyId,
      String titleId,
      String name,
      List<NewCopy> copies,
      ActorRef<TitleReply> replyTo)
      implements TitleCommand {
    public AddCopies {
      copies = List.copyOf(copies);
    }
  }

  record NewCopy(String barcode, String materialType) implements CborSerializable {}

  /**
   * {@code reservableTypes}: the material types the agency lets be reserved (R23); {@code
   * pickupDays}: days to collect (R26); {@code barcode}: a hold on that copy only.
   */
  record PlaceHold(
      String holdId,
      String patronKey,
      String agencyId,
      String titleId,
      String pickupBranchId,
      LocalDate notInterestedAfter,
      String barcode,
      Set<String> reservableTypes,
      boolean itemLevelHoldsAllowed,
      int pickupDays,
      ActorRef<TitleReply> replyTo)
      implements TitleCommand {}

  /** {@code patronKey} null: staff cancel on the patron's behalf. */
  record CancelHold(String holdId, String patronKey, ActorRef<TitleReply> replyTo)
      implements TitleCommand {}

  /**
   * The holder changes a waiting hold's pickup branch (R27) or its "not interested after" date
   * (R25); null keeps what the hold has.
   */
  record ChangeHold(
      String holdId,
      String patronKey,
      String pickupBranchId,
      LocalDate notInterestedAfter,
      ActorRef<TitleReply> replyTo)
      implements TitleCommand {}

  record GetHold(String holdId, ActorRef<TitleReply> replyTo) implements TitleCommand {}

  record GetQueue(ActorRef<TitleReply> replyTo) implements TitleCommand {}

  /** R41: the patron's holds on this title, in the queue and ended, as a {@link QueueReply}. */
  record HoldsOf(String patronKey, ActorRef<TitleReply> replyTo) implements TitleCommand {}

  record AuthoriseProxy(
      String holdId, String holderKey, String proxyKey, ActorRef<TitleReply> replyTo)
      implements TitleCommand {}

  /** R28: may {@code collectorKey} (or the bearer of {@code pickupToken}) collect the copy? */
  record CheckCollector(
      String holdId,
      String collectorKey,
      String pickupToken,
      boolean noProxy,
      ActorRef<TitleReply> replyTo)
      implements TitleCommand {}

  /** A copy was returned (to the shelf) or lent (under {@code holdId}, or to a walk-in patron). */
  record CopyMoved(
      String barcode, boolean onShelf, String lentUnderHold, ActorRef<TitleReply> replyTo)
      implements TitleCommand {}

  /** A copy in transit was received at {@code branchId} (R27). */
  record CopyArrived(String holdId, String barcode, String branchId, ActorRef<TitleReply> replyTo)
      implements TitleCommand {}

  /** The deadline keeper: something of this title may have fallen due. */
  record DeadlineReached(ActorRef<TitleReply> replyTo) implements TitleCommand {}

  record OfferNext() implements TitleCommand {}

  record OfferAnswered(
      String holdId, String barcode, boolean held, String location, Instant deadline)
      implements TitleCommand {}

  record ArrivalIndexed(CopyArrived arrival, Instant deadline) implements TitleCommand {}

  record CopyReleaseAnswered(String holdId, String barcode, boolean onShelf)
      implements TitleCommand {}

  record Delivered(String dispatchId) implements TitleCommand {}

  record Failed(String what, String key) implements TitleCommand {}

  record Resume() implements TitleCommand {}

  /**
   * R39: the patron's account was deleted: the title forgets the holds of it that ended and what it
   * still owed the patron; answered once the journal before that is erased. Refused while the
   * patron has a hold in the queue (staff cancel it first).
   */
  record ForgetPatron(String patronKey, ActorRef<TitleReply> replyTo) implements TitleCommand {}

  /**
   * R40: the window of these ended holds of the patron ended: the title forgets them and the
   * dispatches to the patron about them, then answers {@link Ack} once the events that named them
   * are erased.
   */
  record ForgetHolds(String patronKey, List<String> holdIds, ActorRef<TitleReply> replyTo)
      implements TitleCommand {}

  record Erased(long sequenceNr, boolean erased) implements TitleCommand {}
}
