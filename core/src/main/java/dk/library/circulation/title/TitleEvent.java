package dk.library.circulation.title;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What the {@link Title} entity persists. Events persisted while they were nested in {@code Title}
 * are read under their new names ({@link TitleRenames}).
 */
public sealed interface TitleEvent extends CborSerializable {

  record CopyAdded(String agencyId, String titleId, String name, Copy copy) implements TitleEvent {}

  record HoldPlaced(Hold hold) implements TitleEvent {}

  record CopyOffered(String holdId, String barcode) implements TitleEvent {}

  record OfferDeclined(String holdId, String barcode) implements TitleEvent {}

  record HoldInTransit(String holdId, String barcode) implements TitleEvent {}

  record HoldReady(
      String holdId, int pickupNumber, Instant pickupDeadline, String pickupToken, Dispatch notice)
      implements TitleEvent {}

  /** {@code releaseCopy}: the copy held for the hold, to be released to the next in line. */
  record HoldEnded(
      String holdId,
      String patronKey,
      Hold.Outcome outcome,
      String releaseCopy,
      List<Dispatch> dispatches)
      implements TitleEvent {}

  record ReleaseRequired(String holdId, String barcode) implements TitleEvent {}

  record CopyReleased(String holdId, String barcode, boolean onShelf) implements TitleEvent {}

  record CopyShelved(String barcode, boolean onShelf) implements TitleEvent {}

  record ProxyAuthorised(String holdId, String proxyKey) implements TitleEvent {}

  record HoldChanged(String holdId, String pickupBranchId, LocalDate notInterestedAfter)
      implements TitleEvent {}

  record DispatchDelivered(String dispatchId) implements TitleEvent {}

  /** R39: these ended holds and dispatches named a deleted account's patron. */
  record PatronForgotten(List<String> holdIds, List<String> dispatchIds, Instant at)
      implements TitleEvent {}
}
