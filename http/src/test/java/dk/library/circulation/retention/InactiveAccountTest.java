package dk.library.circulation.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.KeyspaceScan;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * R38 over HTTP with the real deadline keeper: at an agency whose idle accounts go after 12 months
 * [002], a patron who never comes back is told a month before and then deleted, leaving no row in
 * any table; one who owes a fee is kept and flagged for staff; one who logs in starts the count
 * again. The node restarts between the stages.
 */
class InactiveAccountTest {

  final TestClock clock = new TestClock(Instant.parse("2026-02-10T09:00:00Z"));
  final String agency = Api.unique("DK-");
  final String idle = Api.unique("C");
  final String owing = Api.unique("C");
  final String back = Api.unique("C");

  private Instant monthsOn(int months) {
    return Instant.parse("2026-02-10T09:00:00Z")
        .atOffset(ZoneOffset.UTC)
        .plusMonths(months)
        .toInstant();
  }

  private void moveTo(Instant at) {
    clock.advance(Duration.between(clock.instant(), at));
  }

  private static List<String> naming(KeyspaceScan scan, String card) {
    return scan.rows().stream().filter(r -> r.contains(card)).toList();
  }

  private static JsonNode notices(Api staff, String card) {
    return staff.get("/api/v1/patrons/" + card + "/notices").body();
  }

  @Test
  void R38_anIdleAccountIsToldAMonthBeforeThenDeletedUnlessItOwesOrItsPatronActs() {
    Api api;
    Instant deletion = monthsOn(12);
    Instant notice = deletion.minus(Duration.ofDays(30));
    try (CirculationServer server = TestServers.start(clock)) {
      api = new Api(server.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      Answer policy =
          api.put(
              "/api/v1/agencies/" + agency + "/policy",
              "{\"loanPeriodDays\":28,\"retention\":{\"inactiveAccountMonths\":12}}");
      assertEquals(200, policy.status(), policy.body().toString());
      for (String card : List.of(idle, owing, back)) {
        assertEquals(201, api.registerPatron(card, agency).status());
      }
      Answer fee =
          api.staff(agency)
              .post(
                  "/api/v1/patrons/" + owing + "/fees",
                  "{\"feeId\":\"f1\",\"amountDkk\":30,\"reason\":\"lost card\",\"agencyId\":\"%s\"}"
                      .formatted(agency));
      assertEquals(200, fee.status(), fee.body().toString());
    }

    try (CirculationServer server = TestServers.start(clock)) {
      Api at = api.at(server.port());
      Api staff = at.staff(agency);
      moveTo(notice.minus(Duration.ofHours(2)));
      assertEquals(0, notices(staff, idle).size(), "nothing a day before the notice is due");
      Answer login =
          at.terminal(agency)
              .post(
                  "/api/v1/patron-sessions",
                  "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(back));
      assertEquals(201, login.status(), login.body().toString());

      moveTo(notice.plus(Duration.ofHours(1)));
      // Other tests' deadlines share the index and fall due too: each patron is awaited by name.
      for (String told : List.of(idle, owing)) {
        Eventually.await(
            "patron told a month before",
            Duration.ofSeconds(90),
            () -> notices(staff, told).toString().contains("account-inactive"));
      }
      JsonNode told = notices(staff, idle).get(0);
      assertEquals(
          deletion.atZone(java.time.ZoneId.of("Europe/Copenhagen")).toLocalDate().toString(),
          told.path("data").path("deletedOn").asText(),
          told.toString());
      assertEquals(0, notices(staff, back).size(), "the patron who logged in is not told");
    }

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      Api staff = api.at(server.port()).staff(agency);
      moveTo(deletion.minus(Duration.ofHours(2)));
      assertEquals(200, staff.get("/api/v1/patrons/" + idle).status(), "kept to the last day");
      assertFalse(naming(scan, idle).isEmpty());

      moveTo(deletion.plus(Duration.ofHours(1)));
      Eventually.await(
          "the idle account deleted",
          Duration.ofSeconds(90),
          () -> staff.get("/api/v1/patrons/" + idle).status() == 404);
      Eventually.await(
          "the owing account flagged for staff",
          Duration.ofSeconds(90),
          () -> staff.get("/api/v1/patrons/" + owing).body().has("flaggedInactiveAt"));
      Eventually.await(
          "no row of any table names the deleted account",
          Duration.ofSeconds(30),
          () -> naming(scan, idle).isEmpty());
      assertEquals(200, staff.get("/api/v1/patrons/" + back).status(), "the count began again");
      assertTrue(
          staff.get("/api/v1/patrons/" + owing).body().path("balanceDkk").asInt() > 0,
          "the debt stays on the kept account");
    }
  }
}
