package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/** The item's side of a loan: to whom, under which checkout, where and when. */
public record CurrentLoan(
    String checkoutId, String cardNumber, String branchId, Instant checkedOutAt)
    implements CborSerializable {}
