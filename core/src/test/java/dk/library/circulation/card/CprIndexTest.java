package dk.library.circulation.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CprIndexTest {

  static final CprIndex INDEX =
      new CprIndex("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  @Test
  void R14_R3_aCprIsIndexedOnlyUnderAKeyedHash() {
    String id = INDEX.idOf("0101701234");
    assertEquals(id, INDEX.idOf("0101701234"), "the same CPR finds the same patron");
    assertFalse(id.contains("0101701234"));
    assertNotEquals(id, INDEX.idOf("0101701235"));
    CprIndex otherKey =
        new CprIndex("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII));
    assertNotEquals(id, otherKey.idOf("0101701234"), "without the key the hash says nothing");
    assertTrue(CprIndex.looksLikeCpr("0101701234"));
    assertFalse(CprIndex.looksLikeCpr("C0101701234"));
    assertThrows(IllegalArgumentException.class, () -> new CprIndex(new byte[8]));
  }
}
