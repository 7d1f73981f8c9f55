package dk.library.circulation.patron;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RememberedPinTest {

  @Test
  void R4_aRememberedPinStillRefusesEveryOtherPin() {
    PinHash stored = PinHash.of("1234", 1000);
    RememberedPin check = new RememberedPin();
    assertTrue(check.matches(stored, "1234"));
    assertTrue(check.matches(stored, "1234"));
    assertFalse(check.matches(stored, "1235"));
    assertFalse(check.matches(stored, "123"));
    assertFalse(check.matches(stored, null));
    assertTrue(check.matches(stored, "1234"));
  }

  @Test
  void R4_aNewPinHashIsNeverAnsweredFromMemory() {
    RememberedPin check = new RememberedPin();
    assertTrue(check.matches(PinHash.of("1234", 1000), "1234"));
    PinHash changed = PinHash.of("9876", 1000);
    assertFalse(check.matches(changed, "1234"));
    assertTrue(check.matches(changed, "9876"));
  }

  @Test
  void R4_aWrongPinIsNeverRemembered() {
    PinHash stored = PinHash.of("1234", 1000);
    RememberedPin check = new RememberedPin();
    assertFalse(check.matches(stored, "0000"));
    assertFalse(check.matches(stored, "0000"));
    assertTrue(check.matches(stored, "1234"));
  }
}
