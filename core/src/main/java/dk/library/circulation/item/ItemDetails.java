package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;

/**
 * What a copy is: its barcode, the title it is a copy of, who owns it, its material type, and its
 * own terms where they differ from the material type's: a loan period (R16, null: the policy's) and
 * whether it may not be lent home (R23).
 */
public record ItemDetails(
    String barcode,
    String titleId,
    String title,
    String agencyId,
    String materialType,
    Integer loanPeriodDays,
    boolean notForHomeLoan)
    implements CborSerializable {}
