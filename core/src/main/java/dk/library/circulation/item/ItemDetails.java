package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;

/** What a copy is: its barcode, the title it is a copy of, who owns it and its material type. */
public record ItemDetails(
    String barcode, String titleId, String title, String agencyId, String materialType)
    implements CborSerializable {}
