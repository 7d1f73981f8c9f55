package dk.library.circulation.desk;

import dk.library.circulation.ill.RequestView;
import dk.library.circulation.title.HoldView;

/**
 * A copy received at a branch: the hold it is kept for (R27) or the interlibrary request it came
 * for (R29), if any; {@code ownerAgencyId} says where a copy that is kept for nothing belongs.
 */
public record Arrival(
    String barcode, String ownerAgencyId, HoldView hold, RequestView interlibraryRequest) {}
