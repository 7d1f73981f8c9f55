package dk.library.circulation.openlibrary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** R45: the open library's door, its admission rules and its visits, over HTTP. */
class OpenLibraryApiTest {

  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");
  // 10:00 in Copenhagen.
  static final TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));
  static final Duration WITHIN = Duration.ofSeconds(20);
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  String agency;
  Api door;

  /**
   * An agency of municipality 0101 whose main branch is an open library 07-22 for residents from 15
   * who signed up and are not blocked; its north branch has none.
   */
  @BeforeEach
  void library() {
    agency = agency("\"07:00\"", "\"22:00\"");
    door = api().as(api().registerClient("door", agency));
  }

  @Test
  void R45_theDoorOpensToASignedUpResidentAndTheVisitIsRecorded() {
    String card = patron("1990-05-01", "0101");
    signUp(card);
    Answer opened = enter(card, "1234", "main");
    assertEquals(201, opened.status(), opened.body().toString());
    assertTrue(opened.body().get("open").asBoolean());

    JsonNode visits = visits(today());
    assertEquals(1, visits.size(), visits.toString());
    assertEquals(card, visits.get(0).get("cardNumber").asText());
    assertEquals(opened.body().get("visitId").asText(), visits.get(0).get("visitId").asText());

    String trail = api().get("/api/v1/audit/" + today()).body().toString();
    assertTrue(
        trail.contains("SIGN_UP_OPEN_LIBRARY") && trail.contains("READ_VISITS"),
        "staff's sign-ups and reads of visits are audited");
    assertFalse(trail.contains(card), "the audit trail masks card numbers");
  }

  @Test
  void R45_theDoorStaysShutForEachReasonAndRecordsNoVisit() {
    Map<String, String[]> refusals = new LinkedHashMap<>();
    String resident = patron("1990-05-01", "0101");
    signUp(resident);
    refusals.put("wrong PIN", new String[] {resident, "9999", "main", "401", "WRONG_PIN"});
    refusals.put(
        "no open library at the branch",
        new String[] {resident, "1234", "north", "422", "OPEN_LIBRARY_NOT_OFFERED"});
    refusals.put(
        "unknown card", new String[] {Api.unique("C"), "1234", "main", "404", "PATRON_NOT_FOUND"});
    String young = patron("2015-01-01", "0101");
    signUp(young);
    refusals.put("under 15", new String[] {young, "1234", "main", "422", "BELOW_MINIMUM_AGE"});
    String ageless = patron(null, "0101");
    signUp(ageless);
    refusals.put(
        "age not recorded", new String[] {ageless, "1234", "main", "422", "BELOW_MINIMUM_AGE"});
    String outsider = patron("1990-05-01", "0202");
    signUp(outsider);
    refusals.put("not resident", new String[] {outsider, "1234", "main", "422", "RESIDENTS_ONLY"});
    String suspended = patron("1990-05-01", "0101");
    signUp(suspended);
    assertEquals(
        200,
        api()
            .staff(agency)
            .put(
                "/api/v1/patrons/" + suspended + "/suspension",
                "{\"until\":\"%s\",\"reason\":\"House rules\"}".formatted(today().plusDays(7)))
            .status());
    refusals.put("suspended", new String[] {suspended, "1234", "main", "422", "PATRON_SUSPENDED"});
    String owing = patron("1990-05-01", "0101");
    signUp(owing);
    Answer fee =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + owing + "/fees",
                "{\"feeId\":\"f1\",\"amountDkk\":250,\"reason\":\"Lost book\",\"agencyId\":\"%s\"}"
                    .formatted(agency));
    assertEquals(200, fee.status(), fee.body().toString());
    refusals.put("owes 250 DKK", new String[] {owing, "1234", "main", "422", "FEES_OWED"});
    String notSignedUp = patron("1990-05-01", "0101");
    refusals.put(
        "not signed up", new String[] {notSignedUp, "1234", "main", "422", "NOT_SIGNED_UP"});
    String withdrawn = patron("1990-05-01", "0101");
    signUp(withdrawn);
    Answer withdrawal =
        api().staff(agency).delete("/api/v1/patrons/" + withdrawn + "/open-library/" + agency);
    assertEquals(200, withdrawal.status(), withdrawal.body().toString());
    refusals.put("withdrawn", new String[] {withdrawn, "1234", "main", "422", "NOT_SIGNED_UP"});
    String lost = patron("1990-05-01", "0101");
    signUp(lost);
    assertEquals(
        200,
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + lost + "/lost-card-report",
                "{\"replacementCardNumber\":\"%s\"}".formatted(Api.unique("C")))
            .status());
    refusals.put("lost card", new String[] {lost, "1234", "main", "422", "CARD_REPORTED_LOST"});

    refusals.forEach(
        (reason, r) -> {
          Answer answer = enter(r[0], r[1], r[2]);
          assertEquals(Integer.parseInt(r[3]), answer.status(), reason + ": " + answer.body());
          assertEquals(r[4], answer.code(), reason);
          assertTrue(answer.body().get("detail").asText().length() > 10, reason);
        });

    String closedAgency = agency("\"23:00\"", "\"23:59\"");
    Api closedDoor = api().as(api().registerClient("door", closedAgency));
    Answer closed =
        closedDoor.post(
            "/api/v1/door-entries",
            "{\"agencyId\":\"%s\",\"branchId\":\"main\",\"cardNumber\":\"%s\",\"pin\":\"1234\"}"
                .formatted(closedAgency, resident));
    assertEquals(422, closed.status(), closed.body().toString());
    assertEquals("OPEN_LIBRARY_CLOSED", closed.code());

    Answer otherDoor =
        closedDoor.post(
            "/api/v1/door-entries",
            "{\"agencyId\":\"%s\",\"branchId\":\"main\",\"cardNumber\":\"%s\",\"pin\":\"1234\"}"
                .formatted(agency, resident));
    assertEquals(403, otherDoor.status(), "a door opens only for its own agencies");

    assertEquals(0, visits(today()).size(), "no refusal is recorded as a visit");
    Answer unknownSignUp =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + Api.unique("C") + "/open-library",
                "{\"agencyId\":\"%s\"}".formatted(agency));
    assertEquals(404, unknownSignUp.status(), "only a registered patron is signed up");
    assertEquals(201, enter(resident, "1234", "main").status());
  }

  @Test
  void R45_R40_visitsAreKeptThirtyDaysAndThenRemoved() {
    String card = patron("1990-05-01", "0101");
    signUp(card);
    LocalDate day = today();
    assertEquals(201, enter(card, "1234", "main").status());
    assertEquals(1, visits(day).size());

    clock.advance(Duration.ofDays(30));
    assertEquals(1, visits(day).size(), "kept through the 30th day after the visit's day");
    clock.advance(Duration.ofDays(1));
    Eventually.await("the day's visits removed", WITHIN, () -> visits(day).isEmpty());
  }

  // Helpers

  private String agency(String opens, String closes) {
    String id = Api.unique("DK-");
    Answer created =
        api()
            .post(
                "/api/v1/agencies",
                """
{"agencyId":"%s","name":"Open Library",
 "branches":[{"branchId":"main","name":"Main"},{"branchId":"north","name":"North"}],
 "policy":{"loanPeriodDays":28,"maxLoans":10,"maxRenewals":2,
           "eligibility":{"municipality":"0101"},
           "openLibrary":{"branches":["main"],"opens":%s,"closes":%s,
                          "minimumAge":15,"residentsOnly":true}}}
"""
                    .formatted(id, opens, closes));
    assertEquals(201, created.status(), created.body().toString());
    api().enrol(id);
    return id;
  }

  private String patron(String birthDate, String municipality) {
    String card = Api.unique("C");
    Answer registered =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons",
                """
                {"cardNumber":"%s","pin":"1234","name":"Patron","homeAgencyId":"%s",
                 "municipality":"%s"%s}
                """
                    .formatted(
                        card,
                        agency,
                        municipality,
                        birthDate == null ? "" : ",\"birthDate\":\"" + birthDate + "\""));
    assertEquals(201, registered.status(), registered.body().toString());
    return card;
  }

  private void signUp(String card) {
    Answer signedUp =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + card + "/open-library",
                "{\"agencyId\":\"%s\"}".formatted(agency));
    assertEquals(200, signedUp.status(), signedUp.body().toString());
    assertTrue(signedUp.body().has(agency));
  }

  private Answer enter(String card, String pin, String branch) {
    return door.post(
        "/api/v1/door-entries",
        "{\"agencyId\":\"%s\",\"branchId\":\"%s\",\"cardNumber\":\"%s\",\"pin\":\"%s\"}"
            .formatted(agency, branch, card, pin));
  }

  private JsonNode visits(LocalDate day) {
    Answer answer =
        api().staff(agency).get("/api/v1/agencies/" + agency + "/branches/main/visits?date=" + day);
    assertEquals(200, answer.status(), answer.body().toString());
    return answer.body();
  }

  private static LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZONE);
  }
}
