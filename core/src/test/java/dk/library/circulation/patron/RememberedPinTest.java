package dk.library.circulation.patron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RememberedPinTest {

  static final PinKey KEY = new PinKey("a test key of at least 32 bytes!".getBytes());

  @Test
  void R4_aRememberedPinStillRefusesEveryOtherPin() {
    PinHash stored = PinHash.of("1234", 1000);
    RememberedPin check = new RememberedPin(KEY);
    assertTrue(check.matches(stored, "1234"));
    assertTrue(check.matches(stored, "1234"));
    assertFalse(check.matches(stored, "1235"));
    assertFalse(check.matches(stored, "123"));
    assertFalse(check.matches(stored, null));
    assertTrue(check.matches(stored, "1234"));
  }

  @Test
  void R4_aNewPinHashIsNeverAnsweredFromMemory() {
    RememberedPin check = new RememberedPin(KEY);
    assertTrue(check.matches(PinHash.of("1234", 1000), "1234"));
    PinHash changed = PinHash.of("9876", 1000);
    assertFalse(check.matches(changed, "1234"));
    assertTrue(check.matches(changed, "9876"));
  }

  @Test
  void R4_aWrongPinIsNeverRemembered() {
    PinHash stored = PinHash.of("1234", 1000);
    RememberedPin check = new RememberedPin(KEY);
    assertFalse(check.matches(stored, "0000"));
    assertFalse(check.matches(stored, "0000"));
    assertTrue(check.matches(stored, "1234"));
  }

  @Test
  void R4_aPinIsStoredAsAHashUnderTheServersKey_whichOnlyThatKeyMatches() {
    PinHash stored = PinHash.keyed("1234", KEY);
    assertEquals(PinHash.KEYED, stored.iterations());
    assertFalse(stored.hash().contains("1234"));
    assertTrue(new RememberedPin(KEY).matches(stored, "1234"));
    assertFalse(new RememberedPin(KEY).matches(stored, "4321"));
    assertFalse(new RememberedPin(KEY).matches(stored, "12345"));
    PinKey other = new PinKey("another key, also 32 bytes long!".getBytes());
    assertFalse(stored.matches("1234", other), "a leaked hash without the key gives nothing");
    assertThrows(IllegalStateException.class, () -> stored.matches("1234"));
    assertNotEquals(stored.hash(), PinHash.keyed("1234", KEY).hash(), "salted");
  }

  @Test
  void R4_aPinMigratedAsItsPbkdf2HashStillMatches() {
    PinHash migrated = PinHash.of("2468", 1000);
    assertTrue(new RememberedPin(KEY).matches(migrated, "2468"));
    assertTrue(PinCheck.with(KEY).matches(migrated, "2468"));
    assertFalse(PinCheck.with(KEY).matches(migrated, "1234"));
  }
}
