package dk.library.circulation.desk;

import java.util.List;

/**
 * R29: a patron's request for a title their agency lacks, as the borrowing library sends it. {@code
 * lenders} is the rota: the agencies to ask, in order, until one will supply.
 */
public record InterlibraryRequestForm(
    String requestId,
    String cardNumber,
    String borrowingAgencyId,
    String pickupBranchId,
    String titleId,
    List<String> lenders) {}
