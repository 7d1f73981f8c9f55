package dk.library.circulation.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * R41's rectification, restriction and objection over HTTP: staff correct a name and a
 * municipality; a restricted account lends, renews and reserves nothing until staff lift it; the
 * patron records an objection with their own token, once however often sent, and finds it in their
 * export. Bad input is refused and changes nothing.
 */
class DataRightsApiTest {

  static final TestClock CLOCK = new TestClock(Instant.parse("2026-04-01T09:00:00Z"));
  static CirculationServer server;
  static Api api;
  static final String AGENCY = Api.unique("DK-");

  @BeforeAll
  static void start() {
    server = TestServers.start(CLOCK);
    api = new Api(server.port());
    assertEquals(201, api.createAgency(AGENCY, 10, 2).status());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String patron() {
    String card = Api.unique("C");
    assertEquals(201, api.registerPatron(card, AGENCY).status());
    return card;
  }

  @Test
  void R41_staffCorrectTheNameAndWhereThePatronLives() {
    String card = patron();
    Api staff = api.staff(AGENCY);
    Answer corrected =
        staff.put(
            "/api/v1/patrons/" + card + "/personal-details",
            "{\"name\":\"Karen Christentze Blixen\",\"municipality\":\"0101\"}");
    assertEquals(200, corrected.status(), corrected.body().toString());
    JsonNode patron = staff.get("/api/v1/patrons/" + card).body();
    assertEquals("Karen Christentze Blixen", patron.path("name").asText());
    assertEquals("0101", patron.path("facts").path("municipality").asText());

    Answer empty = staff.put("/api/v1/patrons/" + card + "/personal-details", "{}");
    assertEquals(400, empty.status(), empty.body().toString());
    Answer byPatron =
        api.as(token(card))
            .put("/api/v1/patrons/" + card + "/personal-details", "{\"name\":\"Someone\"}");
    assertEquals(403, byPatron.status(), "staff correct names, after seeing proof");
    assertEquals(
        "Karen Christentze Blixen",
        staff.get("/api/v1/patrons/" + card).body().path("name").asText());
  }

  @Test
  void R41_aRestrictedAccountLendsRenewsAndReservesNothingUntilStaffLiftIt() {
    String card = patron();
    String book = Api.unique("X");
    assertEquals(201, api.registerItem(book, AGENCY).status());
    Api staff = api.staff(AGENCY);
    Answer restricted =
        staff.put(
            "/api/v1/patrons/" + card + "/restriction",
            "{\"reason\":\"contests the accuracy of the address\"}");
    assertEquals(200, restricted.status(), restricted.body().toString());
    assertEquals(
        "contests the accuracy of the address",
        restricted.body().path("rights").path("restriction").path("reason").asText());

    Answer lent = api.checkout(Api.unique("t"), card, book, AGENCY);
    assertEquals(422, lent.status(), lent.body().toString());
    assertEquals("ACCOUNT_RESTRICTED", lent.code());
    Answer held =
        staff.post(
            "/api/v1/holds",
            "{\"holdId\":\"%s\",\"cardNumber\":\"%s\",\"agencyId\":\"%s\",\"titleId\":\"T-%s\",\"pickupBranchId\":\"main\"}"
                .formatted(Api.unique("h"), card, AGENCY, book));
    assertEquals("ACCOUNT_RESTRICTED", held.code(), held.body().toString());
    assertEquals(400, staff.put("/api/v1/patrons/" + card + "/restriction", "{}").status());

    Answer lifted = staff.delete("/api/v1/patrons/" + card + "/restriction");
    assertEquals(200, lifted.status(), lifted.body().toString());
    assertTrue(
        lifted.body().path("rights").path("restriction").isMissingNode()
            || lifted.body().path("rights").path("restriction").isNull());
    assertEquals(201, api.checkout(Api.unique("t"), card, book, AGENCY).status());
  }

  @Test
  void R41_thePatronRecordsAnObjectionOnceAndFindsItInTheExport() {
    String card = patron();
    String token = token(card);
    String objection =
        "{\"objectionId\":\"o-1\",\"concerning\":\"notices by SMS\",\"text\":\"letters only\"}";
    for (int i = 0; i < 2; i++) {
      Answer recorded = api.as(token).post("/api/v1/patrons/" + card + "/objections", objection);
      assertEquals(200, recorded.status(), recorded.body().toString());
    }
    JsonNode export = api.as(token).get("/api/v1/patrons/" + card + "/export").body();
    JsonNode objections = export.path("patron").path("profile").path("rights").path("objections");
    assertEquals(1, objections.size(), objections.toString());
    assertEquals("patron", objections.get(0).path("recordedBy").asText());
    assertEquals("letters only", objections.get(0).path("text").asText());

    String other = patron();
    Answer foreign = api.as(token).post("/api/v1/patrons/" + other + "/objections", objection);
    assertEquals(404, foreign.status(), "a patron objects only for themselves");
    Answer missing =
        api.as(token).post("/api/v1/patrons/" + card + "/objections", "{\"objectionId\":\"o-2\"}");
    assertEquals(400, missing.status(), missing.body().toString());
  }

  private static String token(String card) {
    Answer session =
        api.terminal(AGENCY)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card));
    assertEquals(201, session.status(), session.body().toString());
    return session.body().get("token").asText();
  }
}
