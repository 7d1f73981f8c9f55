package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;

/**
 * How a checkout transaction ended, kept so a retried request with the same client transaction id
 * gets the original answer. Exactly one of the two is set.
 */
public record CheckoutOutcome(String barcode, CheckoutReceipt receipt, Rejection rejection)
    implements CborSerializable {

  static CheckoutOutcome lent(CheckoutReceipt receipt) {
    return new CheckoutOutcome(receipt.barcode(), receipt, null);
  }

  static CheckoutOutcome refused(String barcode, Rejection rejection) {
    return new CheckoutOutcome(barcode, null, rejection);
  }
}
