package dk.library.circulation.desk;

/**
 * A copy as registered by staff or an import: its barcode, its title at the owning agency, its
 * material type (one the agency's policy lists, R16, R23), an optional loan period of its own
 * (R16), whether it stays in the library, and the branch it is shelved at.
 */
public record ItemRegistration(
    String barcode,
    String titleId,
    String title,
    String agencyId,
    String materialType,
    Integer loanPeriodDays,
    boolean notForHomeLoan,
    String branchId) {}
