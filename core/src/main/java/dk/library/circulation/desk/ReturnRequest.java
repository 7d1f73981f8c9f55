package dk.library.circulation.desk;

/** A return at a branch. {@code returnId} is the client's transaction id. */
public record ReturnRequest(String returnId, String barcode, String agencyId, String branchId) {}
