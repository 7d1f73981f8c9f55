package dk.library.circulation.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.KeyspaceScan;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * R41 and R39 over HTTP, read back from Cassandra itself. A patron who borrowed and returned a
 * copy, held and cancelled a title, paid a fee, booked a PC, signed up for the open library, asked
 * another library for a title, began paying online and replaced a lost card exports their data:
 * every row of every table that holds any of their identifiers is covered by the export. Staff then
 * delete the account (only once the fee is paid and the interlibrary request ended, only with photo
 * ID): afterwards no row of any table holds a card number, the CPR's keyed hash, the name, the
 * email or the mobile number, also after a restart, and the numbers are never registered again.
 */
class PatronDataRightsTest {

  final TestClock clock = new TestClock(Instant.parse("2026-11-23T10:00:00Z"));
  final String agency = Api.unique("DK-");
  final String card = Api.unique("C");
  final String replacement = Api.unique("C");
  final String name = "Patron " + card;
  final String email = card.toLowerCase() + "@example.dk";
  final String mobile = "+45" + (20_000_000 + (int) (Math.random() * 9_000_000));
  final String lent = Api.unique("X");
  final String held = Api.unique("X");
  final String other = Api.unique("C");
  static final String BOOKED_DAY = "2026-11-24";
  final String lender = Api.unique("DK-");
  final String requestId = Api.unique("ill-");

  @Test
  void R41_R39_theExportCoversEveryRowThatNamesThePatronAndAfterTheDeletionNoRowDoes() {
    Api api;
    List<String> identifiers;
    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      api = new Api(server.port());
      Api staff = setUp(api);

      Answer export = staff.get("/api/v1/patrons/" + replacement + "/export");
      assertEquals(200, export.status(), export.body().toString());
      JsonNode profile = export.body().path("patron").path("profile");
      assertEquals(name, profile.path("name").asText());
      assertTrue(profile.path("pin").isTextual(), profile.toString());
      assertFalse(export.body().toString().contains("\"salt\""), "the PIN's hash stays in");
      String cprId = profile.path("otherCards").get(0).asText();
      assertTrue(cprId.startsWith("cpr-"), profile.toString());
      identifiers = List.of(card, replacement, cprId, name, email, mobile);

      List<String> rows = scan.rows();
      List<String> naming = rows.stream().filter(r -> names(r, identifiers)).toList();
      assertTrue(export.body().path("openLibrarySignUps").has(agency), export.body().toString());
      assertEquals(1, export.body().path("bookings").size(), export.body().toString());
      assertEquals(
          requestId,
          export.body().path("interlibraryRequests").path(0).path("requestId").asText(),
          export.body().toString());
      assertEquals(1, export.body().path("paymentSessions").size(), export.body().toString());
      for (String record :
          List.of(
              "Patron|",
              "Card|",
              "Item|" + lent,
              "Title|",
              "AccessSignUps|",
              "PatronBookings|",
              "ResourceDay|",
              "InterlibraryRequest|",
              "PaymentSession|")) {
        assertTrue(
            naming.stream().anyMatch(r -> r.contains("persistence_id=" + record)),
            record + " names the patron: " + naming);
      }
      String document = export.body().toString();
      naming.forEach(row -> assertCovered(row, document));
      String token = token(api, replacement);
      Answer othersRecord =
          api.as(token(api, other)).get("/api/v1/patrons/" + replacement + "/export");
      assertEquals(404, othersRecord.status(), "another patron's token reads only its own record");
      Answer own = api.as(token).get("/api/v1/patrons/" + replacement + "/export");
      assertEquals(200, own.status(), own.body().toString());
      assertEquals(name, own.body().path("patron").path("profile").path("name").asText());

      Answer requestOpen = erase(staff, "passport");
      assertEquals(409, requestOpen.status(), requestOpen.body().toString());
      assertEquals("ACCOUNT_NOT_SETTLED", requestOpen.code());
      assertTrue(requestOpen.body().path("detail").asText().contains(requestId));
      Answer cancelled = staff.delete("/api/v1/interlibrary-requests/" + requestId);
      assertEquals(200, cancelled.status(), cancelled.body().toString());
      Answer unpaid = erase(staff, "passport");
      assertEquals(409, unpaid.status(), unpaid.body().toString());
      assertEquals("ACCOUNT_NOT_SETTLED", unpaid.code());
      assertTrue(
          unpaid.body().path("detail").asText().contains("25 DKK"), unpaid.body().toString());
      Answer paid =
          staff.post(
              "/api/v1/patrons/" + replacement + "/payments",
              "{\"paymentId\":\"p1\",\"amountDkk\":25}");
      assertEquals(200, paid.status(), paid.body().toString());
      Answer noPhoto = erase(staff, "library-card");
      assertEquals(422, noPhoto.status(), noPhoto.body().toString());
      assertEquals("IDENTITY_NOT_VERIFIED", noPhoto.code());
      assertEquals(0, scan.rows().stream().filter(r -> r.startsWith("retired_cards")).count());

      Answer erased = erase(staff, "passport");
      assertEquals(200, erased.status(), erased.body().toString());
      assertFalse(erased.body().toString().contains(replacement), erased.body().toString());
      assertEquals(List.of(), scan.rows().stream().filter(r -> names(r, identifiers)).toList());
      assertEquals(404, staff.get("/api/v1/patrons/" + replacement).status());
      assertEquals(404, api.as(token).get("/api/v1/patrons/" + replacement + "/export").status());
    }

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      Api staff = api.at(server.port()).staff(agency);
      assertEquals(404, staff.get("/api/v1/patrons/" + card).status());
      for (String number : List.of(card, replacement)) {
        Answer again = api.at(server.port()).registerPatron(number, agency);
        assertEquals(409, again.status(), again.body().toString());
        assertEquals("CARD_DELETED", again.code());
      }
      assertEquals(List.of(), scan.rows().stream().filter(r -> names(r, identifiers)).toList());
      Answer lentAgain = api.at(server.port()).checkout(Api.unique("t"), card, lent, agency);
      assertEquals(404, lentAgain.status(), lentAgain.body().toString());
      Answer copy = staff.get("/api/v1/items/" + lent);
      assertEquals(1, copy.body().path("timesLent").asInt(), "the copy keeps that it was lent");
    }
  }

  /** The patron's life so far; answers their agency's staff. */
  private Api setUp(Api api) {
    assertEquals(201, api.createAgency(agency, 10, 2).status());
    Api staff = api.staff(agency);
    Answer registered =
        staff.post(
            "/api/v1/patrons",
            """
            {"cardNumber":"%s","pin":"1234","name":"%s","email":"%s","mobile":"%s",
             "homeAgencyId":"%s","cpr":"0101901234"}
            """
                .formatted(card, name, email, mobile, agency));
    assertEquals(201, registered.status(), registered.body().toString());
    assertEquals(201, api.registerItem(lent, agency).status());
    assertEquals(201, api.checkout(Api.unique("t"), card, lent, agency).status());
    assertEquals(200, api.returnItem(Api.unique("r"), lent, agency, "main").status());

    assertEquals(201, api.registerPatron(other, agency).status());
    assertEquals(201, api.registerItem(held, agency).status());
    assertEquals(201, api.checkout(Api.unique("t"), other, held, agency).status());
    String hold = Api.unique("h");
    Answer placed =
        staff.post(
            "/api/v1/holds",
            "{\"holdId\":\"%s\",\"cardNumber\":\"%s\",\"agencyId\":\"%s\",\"titleId\":\"T-%s\",\"pickupBranchId\":\"main\"}"
                .formatted(hold, card, agency, held));
    assertEquals(201, placed.status(), placed.body().toString());
    Answer cancelled =
        staff.delete("/api/v1/agencies/" + agency + "/titles/T-" + held + "/holds/" + hold);
    assertEquals(200, cancelled.status(), cancelled.body().toString());

    Answer fee =
        staff.post(
            "/api/v1/patrons/" + card + "/fees",
            "{\"feeId\":\"f1\",\"amountDkk\":25,\"reason\":\"damaged cover\",\"agencyId\":\"%s\"}"
                .formatted(agency));
    assertEquals(200, fee.status(), fee.body().toString());
    Answer online =
        api.as(token(api, card)).post("/api/v1/patrons/" + card + "/payment-sessions", "{}");
    assertEquals(201, online.status(), online.body().toString());
    Answer pc =
        staff.put(
            "/api/v1/agencies/" + agency + "/resources/pc1",
            """
            {"branchId":"main","kind":"PC","name":"PC 1","opens":"09:00","closes":"21:00",
             "slotMinutes":60,"maxMinutes":120,"daysAhead":7,"maxBookingsPerPatron":1,
             "graceMinutes":15}
            """);
    assertEquals(200, pc.status(), pc.body().toString());
    Answer booked =
        api.terminal(agency)
            .post(
                "/api/v1/bookings",
                """
                {"bookingId":"%s","agencyId":"%s","resourceId":"pc1","date":"%s","start":"10:00",
                 "minutes":60,"cardNumber":"%s","pin":"1234"}
                """
                    .formatted(Api.unique("b"), agency, BOOKED_DAY, card));
    assertEquals(201, booked.status(), booked.body().toString());
    assertEquals(201, api.createAgency(lender, 10, 2).status());
    String wanted = Api.unique("X");
    assertEquals(201, api.registerItem(wanted, lender).status());
    Answer requested =
        staff.post(
            "/api/v1/interlibrary-requests",
            """
            {"requestId":"%s","cardNumber":"%s","agencyId":"%s","pickupBranchId":"main",
             "titleId":"T-%s","lenders":["%s"]}
            """
                .formatted(requestId, card, agency, wanted, lender));
    assertEquals(201, requested.status(), requested.body().toString());
    Answer signedUp =
        staff.post(
            "/api/v1/patrons/" + card + "/open-library", "{\"agencyId\":\"%s\"}".formatted(agency));
    assertEquals(200, signedUp.status(), signedUp.body().toString());
    Answer lost =
        staff.post(
            "/api/v1/patrons/" + card + "/lost-card-report",
            "{\"replacementCardNumber\":\"%s\"}".formatted(replacement));
    assertEquals(200, lost.status(), lost.body().toString());
    return staff;
  }

  private String token(Api api, String cardNumber) {
    Answer session =
        api.terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(cardNumber));
    assertEquals(201, session.status(), session.body().toString());
    return session.body().get("token").asText();
  }

  private Answer erase(Api staff, String document) {
    return staff.post(
        "/api/v1/patrons/" + replacement + "/erasure",
        "{\"identityDocument\":\"%s\"}".formatted(document));
  }

  private static boolean names(String row, List<String> identifiers) {
    return identifiers.stream().anyMatch(row::contains);
  }

  /**
   * A row is covered when the export names the record it belongs to: the entity (patron, card,
   * copy, title) of a journal or snapshot row, the deadline's target, the interlibrary request of a
   * worklist row. Any other table is not.
   */
  private static void assertCovered(String row, String export) {
    String table = row.substring(0, row.indexOf(':'));
    List<String> expected = new ArrayList<>();
    switch (table) {
      case "messages", "snapshots" -> {
        String pid = field(row, "persistence_id");
        String id = pid.substring(pid.indexOf('|') + 1);
        expected.add(pid.startsWith("Title|") ? id.substring(id.indexOf('~') + 1) : id);
      }
      case "deadlines" -> expected.add(field(row, "target"));
      case "interlibrary_worklists" -> expected.add(field(row, "request_id"));
      default -> fail("the export does not cover table " + table + ": " + row);
    }
    for (String datum : expected) {
      assertTrue(export.contains("\"" + datum + "\""), datum + " of " + row + " not in " + export);
    }
  }

  private static String field(String row, String column) {
    int from = row.indexOf(column + "=") + column.length() + 1;
    return row.substring(from, row.indexOf(", ", from));
  }
}
