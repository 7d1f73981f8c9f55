package dk.library.circulation.sip2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The protocol as machines use it, and the circulation messages, over a socket to the real server.
 */
class SipTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));
  static final String DATE = SipLibrary.DATE;
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  SipLibrary library;
  String agency;
  String card;
  String barcode;

  @BeforeEach
  void library() {
    library = SipLibrary.create(api());
    agency = library.agency();
    card = library.card();
    barcode = library.barcode();
  }

  SipMachine machine() throws Exception {
    return new SipMachine(testServer.server().sipPort());
  }

  @Test
  void nothingIsServedBeforeALoginAndAWrongKeyLogsNobodyIn() throws Exception {
    try (SipMachine machine = machine()) {
      String before = machine.send(library.checkout(barcode, "1234"));
      assertTrue(before.startsWith("120"), before);
      assertTrue(before.contains("AFAutomaten er ikke logget på"), "Danish by default: " + before);
      assertEquals(
          "940", machine.send("9300CN" + library.clientId() + "|CO" + library.key() + "x|CPmain|"));
      assertEquals("941", library.login(machine));
    }
    assertFalse(library.onLoan(barcode), "the refused checkout lent nothing");
  }

  @Test
  void R17_R22_checkoutRenewAndCheckinOverSip() throws Exception {
    clock.advance(Duration.ofDays(1));
    try (SipMachine machine = machine()) {
      assertEquals("941", library.login(machine));
      String status = machine.send("9900302.00");
      assertTrue(status.startsWith("98YYYY"), status);

      String patron = machine.send(library.patronStatus("009", "1234"));
      assertTrue(patron.startsWith("24"), patron);
      assertTrue(patron.contains("BLY|") && patron.contains("CQY|"), patron);

      String out = machine.send(library.checkout(barcode, "1234"));
      assertTrue(out.startsWith("121"), out);
      assertTrue(out.contains("AH"), out);
      assertTrue(library.onLoan(barcode));

      // The same request again (the machine lost the answer): the same loan, not a second one.
      String again = machine.send(library.checkout(barcode, "1234"));
      assertTrue(again.startsWith("121"), again);
      assertEquals(1, library.loans());

      clock.advance(Duration.ofDays(3));
      String renewed =
          machine.send(
              "29NN" + DATE + DATE + "AO" + agency + "|AA" + card + "|AD1234|AB" + barcode + "|");
      assertTrue(renewed.startsWith("301"), renewed);

      String in = machine.send(library.checkin(barcode));
      assertTrue(in.startsWith("101"), in);
      assertFalse(library.onLoan(barcode));
    }
  }

  @Test
  void R4_R21_refusalsNameTheRuleOnScreenInTheLoginsLanguageAndChangeNothing() throws Exception {
    try (SipMachine machine = machine()) {
      assertEquals("941", library.login(machine));
      String wrongPin = machine.send(library.checkout(barcode, "9999"));
      assertTrue(wrongPin.startsWith("120"), wrongPin);
      assertTrue(wrongPin.contains("AFForkert pinkode|AGWRONG_PIN|"), wrongPin);
      String unknownItem = machine.send(library.checkout(Api.unique("X"), "1234"));
      assertTrue(unknownItem.contains("AFEksemplaret er ukendt|AGITEM_NOT_FOUND|"), unknownItem);

      // A patron status in English (001) turns the machine's screens to English.
      assertTrue(machine.send(library.patronStatus("001", "1234")).startsWith("24"));
      String notLent = machine.send(library.checkin(barcode));
      assertTrue(notLent.startsWith("100"), notLent);
      assertTrue(notLent.contains("cannot be returned|AGITEM_NOT_ON_LOAN|"), notLent);

      String other = library.item();
      String another = library.item();
      assertTrue(machine.send(library.checkout(other, "1234")).startsWith("121"));
      assertTrue(machine.send(library.checkout(another, "1234")).startsWith("121"));
      assertTrue(machine.send(library.checkout(barcode, "1234")).startsWith("121"));
      String overLimit = machine.send(library.checkout(library.item(), "1234"));
      assertTrue(overLimit.startsWith("120"), overLimit);
      assertTrue(overLimit.contains("AGLOAN_LIMIT_REACHED|"), overLimit);
    }
    assertEquals(3, library.loans());
  }

  @Test
  void errorDetectionBadChecksumsResendsAndUnknownMessagesAreAnswered() throws Exception {
    try (SipMachine machine = machine()) {
      String checked =
          machine.sendChecked(
              "9300CN" + library.clientId() + "|CO" + library.key() + "|CPmain|", 0);
      assertTrue(checked.startsWith("941AY0AZ"), checked);
      String body = checked.substring(0, checked.length() - 4);
      assertEquals(SipMessage.checksum(body), checked.substring(checked.length() - 4));

      assertEquals("96", machine.send("9900302.00AY1AZFFFF"));
      assertEquals(checked, machine.send("97"), "97 resends the last response");
      assertEquals("96", machine.send("XX garbage"));
      assertEquals("96", machine.send("1"));

      String request = library.checkout(barcode, "1234");
      String first = machine.sendChecked(request, 2);
      String repeated = machine.sendChecked(request, 2);
      assertEquals(first, repeated, "the same sequence number gets the same response");
      assertTrue(first.startsWith("121"), first);
      assertEquals(1, library.loans());
    }
  }

  @Test
  void overlongLinesBytesOutsideTheCharacterSetAndMissingFieldsAreAnsweredOnAnOpenConnection()
      throws Exception {
    try (SipMachine machine = machine()) {
      assertEquals("941", library.login(machine));
      assertEquals("96", machine.send("23009" + DATE + "AA" + "x".repeat(10_000) + "|"));

      String overlongField =
          machine.send("23009" + DATE + "AO" + agency + "|AA" + "1".repeat(500) + "|AC|AD1234|");
      assertTrue(overlongField.startsWith("24"), overlongField);
      assertTrue(overlongField.contains("BLN|"), overlongField);

      // 0x81 has no character in windows-1252.
      ByteArrayOutputStream odd = new ByteArrayOutputStream();
      odd.writeBytes(("11YN" + DATE + DATE + "AO" + agency + "|AA").getBytes(SipMachine.CP1252));
      odd.write(0x81);
      odd.writeBytes((card + "|AB" + barcode + "|AC|AD1234|\r").getBytes(SipMachine.CP1252));
      String refused = machine.sendBytes(odd.toByteArray());
      assertTrue(refused.startsWith("120"), refused);
      assertTrue(refused.contains("AFFeltet AA"), refused);

      String noPin =
          machine.send("11YN" + DATE + DATE + "AO" + agency + "|AA" + card + "|AB" + barcode + "|");
      assertTrue(noPin.contains("AFTast din pinkode|"), noPin);

      assertTrue(machine.send(library.checkout(barcode, "1234")).startsWith("121"));
    }
  }

  @Test
  void aConnectionDroppedMidMessageChangesNothingAndTheServerServesTheNext() throws Exception {
    try (SipMachine machine = machine()) {
      assertEquals("941", library.login(machine));
      String cut = library.checkout(barcode, "1234");
      machine.out.write(cut.substring(0, cut.length() - 5).getBytes(SipMachine.CP1252));
      machine.out.flush();
    }
    try (SipMachine next = machine()) {
      assertEquals("941", library.login(next));
      assertTrue(next.send("9900302.00").startsWith("98Y"));
    }
    assertFalse(library.onLoan(barcode), "half a message lends nothing");
  }
}
