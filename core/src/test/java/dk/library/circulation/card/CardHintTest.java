package dk.library.circulation.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CardHintTest {

  @Test
  void aCardShowsItsLastFourCharactersOnly() {
    assertEquals("****5678", CardHint.ofPatronKey("LIB-5678"));
    assertEquals("*******0001", CardHint.ofPatronKey("INST-000001"));
  }

  @Test
  void aShortNumberShowsAtMostHalf() {
    assertEquals("**34", CardHint.ofPatronKey("1234"));
    assertEquals("***456", CardHint.ofPatronKey("123456"));
  }

  @Test
  void R14_noDigitOfACprNumberAndNoHashIsShown() {
    CprIndex index = new CprIndex(new byte[32]);
    assertEquals(CardHint.CPR_CARD, CardHint.ofPatronKey(index.idOf("0101701234")));
    assertEquals(CardHint.CPR_CARD, CardHint.ofPatronKey("0101701234"));
    assertNull(CardHint.ofPatronKey(null));
  }
}
