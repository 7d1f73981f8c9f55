package dk.library.circulation.title;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * One patron's reservation in a title's queue (R25). {@code barcode} is set for a hold on one
 * particular copy; {@code copy} is the copy allocated to it once one is. {@code notInterestedAfter}
 * ends a hold that has not been filled by that date. {@code proxies} are the patrons the holder has
 * authorised to collect (R28); {@code pickupToken} is printed on the pickup notice and lets whoever
 * bears the forwarded notice collect.
 */
public record Hold(
    String holdId,
    String patronKey,
    String pickupBranchId,
    Instant placedAt,
    LocalDate notInterestedAfter,
    String barcode,
    int pickupDays,
    Status status,
    String copy,
    Integer pickupNumber,
    Instant pickupDeadline,
    String pickupToken,
    List<String> proxies)
    implements CborSerializable {

  /**
   * WAITING in the queue; OFFERED while the title asks a copy to hold itself for it; IN_TRANSIT to
   * the pickup branch (R27); READY on the pickup shelf until the deadline (R26).
   */
  public enum Status {
    WAITING,
    OFFERED,
    IN_TRANSIT,
    READY
  }

  /** How a hold left the queue. */
  public enum Outcome {
    COLLECTED,
    CANCELLED,
    EXPIRED,
    NOT_INTERESTED_ANY_MORE
  }

  public Hold {
    proxies = List.copyOf(proxies);
  }

  static Hold waiting(
      String holdId,
      String patronKey,
      String pickupBranchId,
      Instant placedAt,
      LocalDate notInterestedAfter,
      String barcode,
      int pickupDays) {
    return new Hold(
        holdId,
        patronKey,
        pickupBranchId,
        placedAt,
        notInterestedAfter,
        barcode,
        pickupDays,
        Status.WAITING,
        null,
        null,
        null,
        null,
        List.of());
  }

  boolean hasCopy() {
    return status != Status.WAITING;
  }

  boolean lapsedOn(LocalDate today) {
    return status == Status.WAITING
        && notInterestedAfter != null
        && today.isAfter(notInterestedAfter);
  }

  /** The holder's new pickup branch and "not interested after" date (R25, R27). */
  Hold changed(String nextPickupBranchId, LocalDate nextNotInterestedAfter) {
    return new Hold(
        holdId,
        patronKey,
        nextPickupBranchId,
        placedAt,
        nextNotInterestedAfter,
        barcode,
        pickupDays,
        status,
        copy,
        pickupNumber,
        pickupDeadline,
        pickupToken,
        proxies);
  }

  Hold offered(String barcode) {
    return with(Status.OFFERED, barcode, null, null, null);
  }

  Hold backInQueue() {
    return with(Status.WAITING, null, null, null, null);
  }

  Hold inTransit() {
    return with(Status.IN_TRANSIT, copy, null, null, null);
  }

  Hold ready(int number, Instant deadline, String token) {
    return with(Status.READY, copy, number, deadline, token);
  }

  Hold withProxy(String proxyKey) {
    List<String> next = new ArrayList<>(proxies);
    next.add(proxyKey);
    return with(status, copy, pickupNumber, pickupDeadline, pickupToken, next);
  }

  private Hold with(
      Status nextStatus, String nextCopy, Integer number, Instant deadline, String token) {
    return with(nextStatus, nextCopy, number, deadline, token, proxies);
  }

  private Hold with(
      Status nextStatus,
      String nextCopy,
      Integer number,
      Instant deadline,
      String token,
      List<String> nextProxies) {
    return new Hold(
        holdId,
        patronKey,
        pickupBranchId,
        placedAt,
        notInterestedAfter,
        barcode,
        pickupDays,
        nextStatus,
        nextCopy,
        number,
        deadline,
        token,
        nextProxies);
  }
}
