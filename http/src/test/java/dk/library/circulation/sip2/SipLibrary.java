package dk.library.circulation.sip2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.library.circulation.testing.Api;
import java.io.IOException;

/**
 * An agency of the tests' own with a SIP2 machine's terminal client, a patron (PIN 1234) and an
 * item, and the requests its machine sends.
 */
record SipLibrary(
    Api api, String agency, String clientId, String key, String card, String barcode) {

  static final String DATE = "20261123    100000";

  static SipLibrary create(Api api) {
    String agency = Api.unique("DK-");
    assertEquals(201, api.createAgency(agency, 3, 1).status());
    String clientId = Api.clientId("sip");
    var registered =
        api.post(
            "/api/v1/clients",
            """
            {"clientId":"%s","name":"SIP machine","role":"terminal","agencies":["%s"]}
            """
                .formatted(clientId, agency));
    assertEquals(201, registered.status(), registered.body().toString());
    String card = Api.unique("C");
    String barcode = Api.unique("X");
    assertEquals(201, api.registerPatron(card, agency).status());
    assertEquals(201, api.registerItem(barcode, agency).status());
    return new SipLibrary(
        api, agency, clientId, registered.body().get("apiKey").asText(), card, barcode);
  }

  String item() {
    String barcode = Api.unique("X");
    assertEquals(201, api.registerItem(barcode, agency).status());
    return barcode;
  }

  String login(SipMachine machine) throws IOException {
    return machine.send("9300CN" + clientId + "|CO" + key + "|CPmain|");
  }

  /** An 11 checkout of {@code item} by the patron with {@code pin}. */
  String checkout(String item, String pin) {
    return "11YN" + DATE + DATE + "AO" + agency + "|AA" + card + "|AB" + item + "|AC|AD" + pin
        + "|";
  }

  /** A 09 checkin of {@code item} at the main branch. */
  String checkin(String item) {
    return "09N" + DATE + DATE + "APmain|AO" + agency + "|AB" + item + "|AC|";
  }

  /** A 23 patron status request in {@code language} (SIP2's code: 001 English, 009 Danish). */
  String patronStatus(String language, String pin) {
    return "23" + language + DATE + "AO" + agency + "|AA" + card + "|AC|AD" + pin + "|";
  }

  boolean onLoan(String item) {
    return api.staff(agency).get("/api/v1/items/" + item).body().get("onLoan").asBoolean();
  }

  int loans() {
    return api.staff(agency).get("/api/v1/patrons/" + card).body().get("loans").size();
  }
}
