package dk.library.circulation.sip2;

import static dk.library.circulation.sip2.SipMachine.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Patron information, renew all, item information and status update, holds, end of session, fee
 * paid, block and enable: each over a socket to the real server, its effect checked over HTTP.
 */
class SipMessagesTest {

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
  SipMachine machine;

  @BeforeEach
  void library() throws Exception {
    library = SipLibrary.create(api());
    agency = library.agency();
    card = library.card();
    barcode = library.barcode();
    machine = new SipMachine(testServer.server().sipPort());
    assertEquals("941", library.login(machine));
  }

  @org.junit.jupiter.api.AfterEach
  void hangUp() throws Exception {
    machine.close();
  }

  String patronInformation(String summary, String range) {
    return "63001" + DATE + summary + "AO" + agency + "|AA" + card + "|AC|AD1234|" + range;
  }

  @Test
  void R17_R19_patronInformationCountsAndListsTheItemsTheSummarySelects() throws Exception {
    String second = library.item();
    assertTrue(machine.send(library.checkout(barcode, "1234")).startsWith("121"));
    assertTrue(machine.send(library.checkout(second, "1234")).startsWith("121"));

    String charged = machine.send(patronInformation("  Y       ", ""));
    assertTrue(charged.startsWith("64"), charged);
    // 64, 14 status flags, language, date, then the six counts.
    String counts = charged.substring(2 + 14 + 3 + 18, 2 + 14 + 3 + 18 + 24);
    assertEquals("0000" + "0000" + "0002" + "0000" + "0000" + "0000", counts, charged);
    assertEquals(
        List.of(barcode, second).stream().sorted().toList(),
        values(charged, "AU").stream().sorted().toList(),
        charged);
    assertTrue(values(charged, "AT").isEmpty(), "only the selected list: " + charged);

    String firstOnly = machine.send(patronInformation("  Y       ", "BP1|BQ1|"));
    assertEquals(1, values(firstOnly, "AU").size(), firstOnly);

    clock.advance(Duration.ofDays(40));
    String overdue = machine.send(patronInformation(" Y        ", ""));
    assertEquals("0002", overdue.substring(2 + 14 + 3 + 18 + 4, 2 + 14 + 3 + 18 + 8), overdue);
    assertEquals(2, values(overdue, "AT").size(), overdue);
    assertTrue(values(overdue, "BE").isEmpty(), "no contact data goes to a machine");

    String wrongPin =
        machine.send("63001" + DATE + "  Y       AO" + agency + "|AA" + card + "|AC|AD9999|");
    assertTrue(wrongPin.startsWith("64YYYY"), wrongPin);
    assertTrue(values(wrongPin, "AU").isEmpty(), "nothing listed without the PIN: " + wrongPin);
  }

  @Test
  void R19_renewAllRenewsEachLoanByItsRulesAndNamesTheOnesItCouldNot() throws Exception {
    String second = library.item();
    assertTrue(machine.send(library.checkout(barcode, "1234")).startsWith("121"));
    clock.advance(Duration.ofDays(2));
    assertTrue(machine.send(library.checkout(second, "1234")).startsWith("121"));
    clock.advance(Duration.ofDays(1));
    String renewAll = "65" + DATE + "AO" + agency + "|AA" + card + "|AD1234|";
    String first = machine.send(renewAll);
    assertTrue(first.startsWith("66100020000"), first);
    assertEquals(2, values(first, "BM").size(), first);

    // The agency allows one renewal (createAgency(.., 3, 1)): the second round renews nothing.
    clock.advance(Duration.ofDays(1));
    String again = machine.send(renewAll);
    assertTrue(again.startsWith("66100000002"), again);
    assertEquals(2, values(again, "BN").size(), again);
    assertTrue(again.contains("AGRENEWAL_LIMIT_REACHED|"), again);
  }

  @Test
  void itemInformationAndStatusUpdate() throws Exception {
    String shelved = machine.send("17" + DATE + "AO" + agency + "|AB" + barcode + "|AC|");
    assertTrue(shelved.startsWith("1803"), shelved);
    assertEquals(List.of("Title " + barcode), values(shelved, "AJ"), shelved);
    assertTrue(values(shelved, "AH").isEmpty(), shelved);

    assertTrue(machine.send(library.checkout(barcode, "1234")).startsWith("121"));
    String lent = machine.send("17" + DATE + "AO" + agency + "|AB" + barcode + "|AC|");
    assertTrue(lent.startsWith("1804"), lent);
    // 18, circulation status, security marker, fee type, date: then the due date.
    assertTrue(lent.startsWith("AH", 2 + 2 + 2 + 2 + 18), lent);

    String otherAgency = Api.unique("DK-");
    assertEquals(201, api().createAgency(otherAgency, 3, 1).status());
    String foreign = Api.unique("X");
    assertEquals(201, api().registerItem(foreign, otherAgency).status());
    String unknown = machine.send("17" + DATE + "AO" + agency + "|AB" + foreign + "|AC|");
    assertTrue(unknown.startsWith("1801"), unknown);
    assertTrue(unknown.contains("AGITEM_NOT_FOUND|"), unknown);

    String update = machine.send("19" + DATE + "AO" + agency + "|AB" + barcode + "|AC|CHnew|");
    assertTrue(update.startsWith("200"), update);
    assertTrue(update.contains("AFEksemplarets egenskaber"), update);
  }

  @Test
  void R25_R27_aHoldPlacedAndCancelledAtTheMachine() throws Exception {
    String borrower = Api.unique("C");
    assertEquals(201, api().registerPatron(borrower, agency).status());
    assertEquals(201, api().checkout("lend-" + barcode, borrower, barcode, agency).status());

    String place =
        "15+" + DATE + "BSnorth|AO" + agency + "|AA" + card + "|AD1234|AB" + barcode + "|";
    String placed = machine.send(place);
    assertTrue(placed.startsWith("161N"), placed);
    assertTrue(
        placed.contains("BR1|BSnorth|AO" + agency + "|"), "first in line at north: " + placed);
    assertTrue(machine.send(place).startsWith("161"), "the same hold again");
    JsonNode holds = api().staff(agency).get("/api/v1/patrons/" + card + "/holds").body();
    assertEquals(1, holds.size(), holds.toString());
    assertEquals("T-" + barcode, holds.get(0).get("titleId").asText());

    String wrongPin =
        machine.send("15-" + DATE + "AO" + agency + "|AA" + card + "|AD9999|AJT-" + barcode + "|");
    assertTrue(wrongPin.startsWith("160"), wrongPin);
    assertTrue(wrongPin.contains("AGWRONG_PIN|"), wrongPin);

    String cancel = "15-" + DATE + "AO" + agency + "|AA" + card + "|AD1234|AJT-" + barcode + "|";
    assertTrue(machine.send(cancel).startsWith("161"), "cancelled");
    assertEquals(0, api().staff(agency).get("/api/v1/patrons/" + card + "/holds").body().size());
    String none = machine.send(cancel);
    assertTrue(none.startsWith("160"), none);
    assertTrue(none.contains("AFDu har ingen reservering"), none);
  }

  @Test
  void endSessionIsAnswered() throws Exception {
    String ended = machine.send("35" + DATE + "AO" + agency + "|AA" + card + "|AC|AD1234|");
    assertTrue(ended.startsWith("36Y"), ended);
    assertTrue(ended.contains("AA" + card + "|"), ended);
  }

  @Test
  void R30_aFeePaidAtTheMachineIsOnePaymentInWholeKroner() throws Exception {
    var charged =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + card + "/fees",
                "{\"feeId\":\"f1\",\"amountDkk\":50,\"reason\":\"Card\",\"agencyId\":\"%s\"}"
                    .formatted(agency));
    assertTrue(charged.status() < 300, charged.body().toString());
    String pay =
        "37" + DATE + "0100DKK" + "BV20|AO" + agency + "|AA" + card + "|AD1234|BKpay-" + card + "|";
    String paid = machine.send(pay);
    assertTrue(paid.startsWith("38Y"), paid);
    assertTrue(machine.send(pay).startsWith("38Y"), "the same payment again");
    assertEquals(30, balance(), "one payment of 20 DKK");

    String fraction = machine.send(pay.replace("BV20|", "BV12.50|").replace("BKpay", "BKother"));
    assertTrue(fraction.startsWith("38N"), fraction);
    assertTrue(fraction.contains("AFBeløbet skal være hele kroner"), fraction);
    String tooMuch = machine.send(pay.replace("BV20|", "BV99|").replace("BKpay", "BKmore"));
    assertTrue(tooMuch.startsWith("38N"), tooMuch);
    assertTrue(tooMuch.contains("AGPAYMENT_EXCEEDS_BALANCE|"), tooMuch);
    assertEquals(30, balance());

    String information =
        machine.send("63001" + DATE + "   Y      AO" + agency + "|AA" + card + "|AC|AD1234|");
    assertEquals(List.of("f1 30 DKK Card"), values(information, "AV"), information);
  }

  @Test
  void R46_aMachinesBlockSuspendsThePatronUntilAMachineOfTheAgencyEnablesThemWithThePin()
      throws Exception {
    String blocked =
        machine.send(
            "01N" + DATE + "AO" + agency + "|ALCard left in the machine|AA" + card + "|AC|");
    assertTrue(blocked.startsWith("24YY Y"), blocked);
    JsonNode patron = api().staff(agency).get("/api/v1/patrons/" + card).body();
    assertEquals("PATRON_SUSPENDED", patron.get("blocks").get(0).get("code").asText());
    String refused = machine.send(library.checkout(barcode, "1234"));
    assertTrue(refused.contains("AGPATRON_SUSPENDED|"), refused);

    String wrongPin = machine.send("25" + DATE + "AO" + agency + "|AA" + card + "|AC|AD9999|");
    assertTrue(wrongPin.startsWith("26YYYY"), wrongPin);
    assertEquals(1, api().staff(agency).get("/api/v1/patrons/" + card).body().get("blocks").size());

    String enabled = machine.send("25" + DATE + "AO" + agency + "|AA" + card + "|AC|AD1234|");
    assertTrue(enabled.startsWith("26" + " ".repeat(14)), enabled);
    assertTrue(machine.send(library.checkout(barcode, "1234")).startsWith("121"));

    // A suspension by staff is theirs to lift.
    var suspended =
        api()
            .staff(agency)
            .put(
                "/api/v1/patrons/" + card + "/suspension",
                "{\"until\":\"2026-12-31\",\"reason\":\"House rules\"}");
    assertEquals(200, suspended.status(), suspended.body().toString());
    String notLifted = machine.send("25" + DATE + "AO" + agency + "|AA" + card + "|AC|AD1234|");
    assertTrue(notLifted.startsWith("26YY"), notLifted);
    assertTrue(notLifted.contains("AFSpærringen kan kun ophæves af personalet|"), notLifted);
    assertFalse(api().staff(agency).get("/api/v1/patrons/" + card).body().get("blocks").isEmpty());
  }

  @Test
  void R14_aCprNumberKeyedInsteadOfTheCardWorksAsAtTheHttpTerminal() throws Exception {
    String cpr = String.valueOf(1_000_000_000L + Math.floorMod(System.nanoTime(), 8_999_999_999L));
    String libraryCard = Api.unique("L");
    var registered =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons",
                ("{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"P\",\"homeAgencyId\":\"%s\","
                        + "\"identityDocument\":\"cpr\",\"cpr\":\"%s\"}")
                    .formatted(libraryCard, agency, cpr));
    assertEquals(201, registered.status(), registered.body().toString());
    String out =
        machine.send(
            "11YN" + DATE + DATE + "AO" + agency + "|AA" + cpr + "|AB" + barcode + "|AC|AD1234|");
    assertTrue(out.startsWith("121"), out);
    assertEquals(
        1, api().staff(agency).get("/api/v1/patrons/" + libraryCard).body().get("loans").size());
  }

  int balance() {
    return api().staff(agency).get("/api/v1/patrons/" + card).body().get("balanceDkk").asInt();
  }
}
