package dk.library.circulation.openlibrary;

import java.time.Instant;
import java.time.LocalDate;

/**
 * R45: one entry through a branch's door outside staffed hours, kept until {@code expires} (30 days
 * by R40) and then removed.
 */
public record Visit(
    String agencyId,
    String branchId,
    LocalDate day,
    Instant at,
    String visitId,
    String cardNumber,
    String doorClientId,
    Instant expires) {}
