package dk.library.circulation.desk;

import dk.library.circulation.item.CurrentLoan;
import dk.library.circulation.item.DamageNote;
import dk.library.circulation.item.Item;
import dk.library.circulation.item.ItemDetails;
import java.time.LocalDate;
import java.util.List;

/**
 * An item as staff and catalogues see it: on the shelf, or on loan until a due date; {@code
 * heldFor} the hold it is kept for, {@code location} the branch it was last seen at.
 */
public record ItemStatus(
    ItemDetails item,
    boolean onLoan,
    CurrentLoan loan,
    LocalDate dueDate,
    List<DamageNote> damage,
    Item.HeldCopy heldFor,
    String location) {}
