package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;

/** R4: wrong PINs entered in a row, and whether they locked the card until staff unlock it. */
public record PinGuard(int wrongPins, boolean locked) implements CborSerializable {

  public static PinGuard open() {
    return new PinGuard(0, false);
  }

  PinGuard wrong() {
    return new PinGuard(wrongPins + 1, locked);
  }

  PinGuard lock() {
    return new PinGuard(wrongPins, true);
  }
}
