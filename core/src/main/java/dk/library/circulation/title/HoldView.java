package dk.library.circulation.title;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A hold as the patron and staff see it. {@code position} counts from 1 among the holds still
 * waiting for a copy (0 once a copy is allocated); {@code outcome} is set once the hold has left
 * the queue.
 */
public record HoldView(
    String holdId,
    String agencyId,
    String titleId,
    String title,
    String patronKey,
    String pickupBranchId,
    String status,
    int position,
    String barcode,
    Integer pickupNumber,
    Instant pickupDeadline,
    LocalDate notInterestedAfter,
    Instant placedAt,
    Hold.Outcome outcome)
    implements CborSerializable {}
