package dk.library.circulation.sip2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A self-service machine speaking SIP2 to the real server over a socket. */
class SipTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));
  static final String DATE = "20261123    100000";
  static CirculationServer server;
  static Api api;

  String agency;
  String clientId;
  String key;
  String card;
  String barcode;

  @BeforeAll
  static void start() {
    server = TestServers.start(clock);
    api = new Api(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void library() {
    agency = Api.unique("DK-");
    assertEquals(201, api.createAgency(agency, 2, 1).status());
    clientId = Api.clientId("sip");
    var registered =
        api.post(
            "/api/v1/clients",
            """
            {"clientId":"%s","name":"SIP machine","role":"terminal","agencies":["%s"]}
            """
                .formatted(clientId, agency));
    assertEquals(201, registered.status(), registered.body().toString());
    key = registered.body().get("apiKey").asText();
    card = Api.unique("C");
    barcode = Api.unique("X");
    assertEquals(201, api.registerPatron(card, agency).status());
    assertEquals(201, api.registerItem(barcode, agency).status());
  }

  /** One machine's connection: sends a message, reads the response up to its carriage return. */
  static final class Machine implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    final InputStream in;

    Machine() throws IOException {
      socket = new Socket("127.0.0.1", server.sipPort());
      socket.setSoTimeout(15_000);
      out = socket.getOutputStream();
      in = socket.getInputStream();
    }

    String send(String message) throws IOException {
      out.write((message + "\r").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != '\r') {
        if (b < 0) {
          throw new IOException("connection closed; read " + response);
        }
        response.write(b);
      }
      return response.toString(StandardCharsets.ISO_8859_1);
    }

    /** With error detection: sequence number and checksum. */
    String sendChecked(String message, int sequence) throws IOException {
      String body = message + "AY" + sequence + "AZ";
      return send(body + SipMessage.checksum(body));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** An 11 checkout of {@code item} by the test's patron with {@code pin}. */
  String checkout(String item, String pin) {
    return "11YN" + DATE + DATE + "AO" + agency + "|AA" + card + "|AB" + item + "|AC|AD" + pin
        + "|";
  }

  /** A 09 checkin of the test's item at the main branch. */
  String checkin() {
    return "09N" + DATE + DATE + "APmain|AO" + agency + "|AB" + barcode + "|AC|";
  }

  String login(Machine machine) throws IOException {
    return machine.send("9300CN" + clientId + "|CO" + key + "|CPmain|");
  }

  @Test
  void nothingIsServedBeforeALoginAndAWrongKeyLogsNobodyIn() throws Exception {
    try (Machine machine = new Machine()) {
      String before = machine.send(checkout(barcode, "1234"));
      assertTrue(before.startsWith("120"), before);
      assertTrue(before.contains("AFLog in first"), before);
      assertEquals("940", machine.send("9300CN" + clientId + "|CO" + key + "x|CPmain|"));
      assertEquals("941", login(machine));
    }
    assertFalse(
        api.staff(agency).get("/api/v1/items/" + barcode).body().get("onLoan").asBoolean(),
        "the refused checkout lent nothing");
  }

  @Test
  void R17_R22_checkoutRenewAndCheckinOverSip() throws Exception {
    clock.advance(Duration.ofDays(1));
    try (Machine machine = new Machine()) {
      assertEquals("941", login(machine));
      String status = machine.send("9900302.00");
      assertTrue(status.startsWith("98YYYY"), status);

      String patron = machine.send("23009" + DATE + "AO" + agency + "|AA" + card + "|AC|AD1234|");
      assertTrue(patron.startsWith("24"), patron);
      assertTrue(patron.contains("BLY|") && patron.contains("CQY|"), patron);

      String out = machine.send(checkout(barcode, "1234"));
      assertTrue(out.startsWith("121"), out);
      assertTrue(out.contains("AH"), out);
      assertTrue(
          api.staff(agency).get("/api/v1/items/" + barcode).body().get("onLoan").asBoolean());

      // The same request again (the machine lost the answer): the same loan, not a second one.
      String again = machine.send(checkout(barcode, "1234"));
      assertTrue(again.startsWith("121"), again);
      assertEquals(1, api.staff(agency).get("/api/v1/patrons/" + card).body().get("loans").size());

      clock.advance(Duration.ofDays(3));
      String renewed =
          machine.send(
              "29NN" + DATE + DATE + "AO" + agency + "|AA" + card + "|AD1234|AB" + barcode + "|");
      assertTrue(renewed.startsWith("301"), renewed);

      String in = machine.send(checkin());
      assertTrue(in.startsWith("101"), in);
      assertFalse(
          api.staff(agency).get("/api/v1/items/" + barcode).body().get("onLoan").asBoolean());
    }
  }

  @Test
  void R4_R21_refusalsNameTheRuleOnScreenAndChangeNothing() throws Exception {
    try (Machine machine = new Machine()) {
      assertEquals("941", login(machine));
      String wrongPin = machine.send(checkout(barcode, "9999"));
      assertTrue(wrongPin.startsWith("120"), wrongPin);
      assertTrue(wrongPin.contains("AGWRONG_PIN|"), wrongPin);
      String unknownItem = machine.send(checkout(Api.unique("X"), "1234"));
      assertTrue(unknownItem.contains("AGITEM_NOT_FOUND|"), unknownItem);
      String notLent = machine.send(checkin());
      assertTrue(notLent.startsWith("100"), notLent);
      assertTrue(notLent.contains("AGITEM_NOT_ON_LOAN|"), notLent);
    }
    assertFalse(api.staff(agency).get("/api/v1/items/" + barcode).body().get("onLoan").asBoolean());
  }

  @Test
  void errorDetectionBadChecksumsResendsAndUnknownMessagesAreAnswered() throws Exception {
    try (Machine machine = new Machine()) {
      String checked = machine.sendChecked("9300CN" + clientId + "|CO" + key + "|CPmain|", 0);
      assertTrue(checked.startsWith("941AY0AZ"), checked);
      String body = checked.substring(0, checked.length() - 4);
      assertEquals(SipMessage.checksum(body), checked.substring(checked.length() - 4));

      assertEquals("96", machine.send("9900302.00AY1AZFFFF"));
      assertEquals(checked, machine.send("97"), "97 resends the last response");
      assertEquals("96", machine.send("XX garbage"));
      assertEquals("96", machine.send("1"));

      String request = checkout(barcode, "1234");
      String first = machine.sendChecked(request, 2);
      String repeated = machine.sendChecked(request, 2);
      assertEquals(first, repeated, "the same sequence number gets the same response");
      assertTrue(first.startsWith("121"), first);
      assertEquals(1, api.staff(agency).get("/api/v1/patrons/" + card).body().get("loans").size());

      // Bytes outside the character set and an overlong field are answered, not dropped.
      String odd =
          machine.send(
              "23009" + DATE + "AO" + agency + "|AA\u00ff\u00fe" + "x".repeat(500) + "|AC|AD1234|");
      assertTrue(odd.startsWith("24"), odd);
      assertTrue(odd.contains("BLN|"), odd);
    }
  }
}
