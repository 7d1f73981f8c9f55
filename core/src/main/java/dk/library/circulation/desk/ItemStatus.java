package dk.library.circulation.desk;

import dk.library.circulation.item.CurrentLoan;
import dk.library.circulation.item.DamageNote;
import dk.library.circulation.item.ItemDetails;
import java.time.LocalDate;
import java.util.List;

/** An item as staff and catalogues see it: on the shelf, or on loan until a due date. */
public record ItemStatus(
    ItemDetails item,
    boolean onLoan,
    CurrentLoan loan,
    LocalDate dueDate,
    List<DamageNote> damage) {}
