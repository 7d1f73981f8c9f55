package dk.library.circulation.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MaskingTest {

  @Test
  void cardNumbersShowOnlyTheirLastFourCharacters() {
    assertEquals("******1234", Masking.card("0102031234"));
    assertEquals("**CD", Masking.card("ABCD"));
  }

  @Test
  void logTextLosesCprAndCardNumbersKeysTokensAndPins() {
    String line =
        "checkout for 0102031234 with {\"pin\":\"4321\"} Authorization: Bearer abc.def.ghi"
            + " key lck_terminal-1_Zm9vYmFyYmF6 token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"
            + " persistenceId Patron|2211334455";
    String masked = Masking.text(line);
    assertFalse(masked.contains("0102031234"), masked);
    assertFalse(masked.contains("2211334455"), masked);
    assertTrue(masked.contains("******1234"), masked);
    assertFalse(masked.contains("4321"), masked);
    assertFalse(masked.contains("abc.def.ghi"), masked);
    assertFalse(masked.contains("Zm9vYmFyYmF6"), masked);
    assertTrue(masked.contains("lck_terminal-1_[redacted]"), masked);
    assertFalse(masked.contains("eyJzdWIiOiIxIn0"), masked);
  }

  @Test
  void alphanumericCardNumbersInLibrariesLogLinesAreMasked() {
    String line =
        "Sending an 2xx 'early' response before end of request for"
            + " http://127.0.0.1:8080/api/v1/patrons/LIB-ABCD9XYZ/fees received; Failed to persist"
            + " event for persistenceId [Patron|LIB-ABCD9XYZ], card [Card|INST-QW12ER] at"
            + " pekko://circulation/system/sharding/Patron/42/LIB-ABCD9XYZ";
    String masked = Masking.text(line);
    assertFalse(masked.contains("ABCD9"), masked);
    assertFalse(masked.contains("INST-Q"), masked);
    assertTrue(masked.contains("/patrons/********9XYZ/fees"), masked);
    assertTrue(masked.contains("[Patron|********9XYZ]"), masked);
    assertTrue(masked.contains("/sharding/Patron/42/********9XYZ"), masked);
  }

  @Test
  void shortNumbersAndOrdinaryTextAreLeftAlone() {
    String line = "took 12345 ms at port 9042 on 2026-11-22";
    assertEquals(line, Masking.text(line));
  }
}
