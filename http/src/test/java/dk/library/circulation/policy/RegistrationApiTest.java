package dk.library.circulation.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Journal;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registration channels, identity, eligibility and restricted cards, over HTTP. */
class RegistrationApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  String agency;

  @BeforeEach
  void library() {
    agency = Api.unique("DK-");
    assertEquals(201, api().createAgency(agency, 30, 2).status());
  }

  @Test
  void R15_R1_R2_aPhoneRegistrationIsUnverifiedUntilStaffSeeIdWhichIsRecorded() {
    String card = Api.unique("C");
    Answer phone = register(card, "\"channel\":\"phone\"");
    assertEquals(201, phone.status(), phone.body().toString());
    assertTrue(phone.body().at("/facts/verification").isMissingNode());
    Answer verified =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + card + "/identity-verification",
                "{\"method\":\"passport seen\"}");
    assertEquals(200, verified.status(), verified.body().toString());
    JsonNode verification = verified.body().at("/facts/verification");
    assertEquals("passport seen", verification.get("method").asText());
    assertTrue(verification.get("verifiedBy").asText().startsWith("staff-"));
    assertEquals(clock.instant().toString(), verification.get("at").asText());

    Answer inPerson = register(Api.unique("C"), "\"channel\":\"in-person\"");
    assertEquals("id-seen", inPerson.body().at("/facts/verification/method").asText());
    Answer web = register(Api.unique("C"), "\"channel\":\"web\"");
    assertEquals(400, web.status());
    assertTrue(web.body().toString().contains("digitalSignature"), web.body().toString());
    Answer signed =
        register(Api.unique("C"), "\"channel\":\"web\",\"digitalSignature\":\"mitid-8f2a\"");
    assertEquals(
        "digital-signature mitid-8f2a", signed.body().at("/facts/verification/method").asText());
  }

  @Test
  void R6_R10_anAgencyThatAdmitsAdultResidentsOnlyRefusesOthers() {
    putPolicy(
        "{\"loanPeriodDays\":30,\"eligibility\":{\"minimumAge\":18,\"residence\":[\"DK\",\"GL\"],\"affiliations\":[\"ku-student\"]}}");
    Answer minor =
        register(Api.unique("C"), "\"birthDate\":\"%s\"".formatted(today().minusYears(17)));
    assertEquals(422, minor.status());
    assertEquals("NOT_ELIGIBLE", minor.code());
    Answer abroad =
        register(
            Api.unique("C"),
            "\"birthDate\":\"%s\",\"residence\":\"SE\"".formatted(today().minusYears(30)));
    assertEquals("NOT_ELIGIBLE", abroad.code());
    Answer student =
        register(
            Api.unique("C"),
            "\"birthDate\":\"%s\",\"residence\":\"SE\",\"affiliations\":[\"ku-student\"]"
                .formatted(today().minusYears(30)));
    assertEquals(201, student.status(), student.body().toString());
  }

  @Test
  void R6_aMinorWithoutGuardianConsentBorrowsThreeUntilConsentIsRecorded() {
    String card = Api.unique("C");
    assertEquals(
        201, register(card, "\"birthDate\":\"%s\"".formatted(today().minusYears(12))).status());
    for (int i = 0; i < 3; i++) {
      assertEquals(201, api().checkout("t" + i, card, item("book"), agency).status());
    }
    Answer fourth = api().checkout("t3", card, item("book"), agency);
    assertEquals("LOAN_LIMIT_REACHED", fourth.code());
    assertTrue(fourth.body().get("detail").asText().contains("guardian consent"));
    Answer consent =
        api()
            .staff(agency)
            .post("/api/v1/patrons/" + card + "/guardian-consent", "{\"guardian\":\"Mother\"}");
    assertEquals("Mother", consent.body().at("/facts/guardianConsent/guardian").asText());
    assertEquals(201, api().checkout("t4", card, item("book"), agency).status());
  }

  @Test
  void R7_R8_withoutAPermanentAddressThreeLoansAndResidentsOnlyMaterial() {
    putPolicy(
        """
        {"loanPeriodDays":30,"materialTypes":{"book":{},"e-reader":{}},
         "eligibility":{"municipality":"0157","residentsOnly":["e-reader"]}}
        """);
    String card = Api.unique("C");
    assertEquals(
        201, register(card, "\"municipality\":\"0101\",\"permanentAddress\":false").status());
    Answer reader = api().checkout("t0", card, item("e-reader"), agency);
    assertEquals("RESIDENTS_ONLY", reader.code());
    for (int i = 1; i <= 3; i++) {
      assertEquals(201, api().checkout("t" + i, card, item("book"), agency).status());
    }
    assertEquals("LOAN_LIMIT_REACHED", api().checkout("t4", card, item("book"), agency).code());
  }

  @Test
  void R5_R11_thePatronKeepsContactDataCurrentThroughTheirOwnToken() {
    String card = Api.unique("C");
    Answer registered = register(card, "\"channel\":\"in-person\"");
    assertEquals("digital-mailbox", registered.body().get("noticeChannel").asText());
    String token =
        api()
            .terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card))
            .body()
            .get("token")
            .asText();
    Api patron = api().as(token);
    Answer updated =
        contact(patron, card, "{\"mobile\":\"+45 12345678\",\"preferredChannel\":\"sms\"}");
    assertEquals(200, updated.status(), updated.body().toString());
    assertEquals("sms", updated.body().get("noticeChannel").asText());
    assertEquals("+45 12345678", updated.body().get("mobile").asText());
    Answer noAddress = contact(patron, card, "{\"preferredChannel\":\"email\"}");
    assertEquals("CONTACT_CHANNEL_WITHOUT_ADDRESS", noAddress.code());
    String other = Api.unique("C");
    register(other, "\"channel\":\"in-person\"");
    assertEquals(404, contact(patron, other, "{\"mobile\":\"+45 87654321\"}").status());
  }

  @Test
  void R12_anotherAgencysLostCardAnswersAsUnknownToStaffOutsideIt() {
    String card = Api.unique("C");
    register(card, "\"channel\":\"in-person\"");
    Answer reported =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + card + "/lost-card-report",
                "{\"replacementCardNumber\":\"%s\"}".formatted(Api.unique("C")));
    assertEquals(200, reported.status(), reported.body().toString());
    String other = Api.unique("DK-");
    assertEquals(201, api().createAgency(other, 30, 2).status());
    Api outside = api().staff(other);
    for (Answer answer :
        List.of(
            outside.get("/api/v1/patrons/" + card),
            outside.post(
                "/api/v1/patrons/" + card + "/fees",
                "{\"feeId\":\"f1\",\"amountDkk\":25,\"reason\":\"Card\",\"agencyId\":\"%s\"}"
                    .formatted(other)),
            outside.post(
                "/api/v1/patrons/" + card + "/identity-verification",
                "{\"method\":\"passport seen\"}"))) {
      assertEquals(404, answer.status(), answer.body().toString());
      assertEquals("PATRON_NOT_FOUND", answer.code());
      assertFalse(answer.body().toString().contains("lost"), answer.body().toString());
    }
    assertEquals("CARD_REPORTED_LOST", api().staff(agency).get("/api/v1/patrons/" + card).code());
    // Presented at another agency's machine, the card is refused as lost: R12 holds everywhere.
    String book = Api.unique("X");
    api().registerItem(book, other);
    Answer elsewhere = api().checkout(Api.unique("t"), card, book, other);
    assertEquals(422, elsewhere.status(), elsewhere.body().toString());
    assertEquals("CARD_REPORTED_LOST", elsewhere.code());
  }

  @Test
  void R12_aLostCardIsBlockedAtOnceAndForGoodAndTheReplacementCarriesTheLoans() {
    String card = Api.unique("C");
    register(card, "\"channel\":\"in-person\"");
    String book = item("book");
    assertEquals(201, api().checkout("t1", card, book, agency).status());
    String replacement = Api.unique("C");
    Answer reported =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + card + "/lost-card-report",
                "{\"replacementCardNumber\":\"%s\"}".formatted(replacement));
    assertEquals(200, reported.status(), reported.body().toString());
    assertEquals(replacement, reported.body().get("cardNumber").asText());
    assertEquals(1, reported.body().get("loans").size());

    Answer oldCard = api().checkout("t2", card, item("book"), agency);
    assertEquals(422, oldCard.status());
    assertEquals("CARD_REPORTED_LOST", oldCard.code());
    assertEquals("CARD_REPORTED_LOST", api().staff(agency).get("/api/v1/patrons/" + card).code());
    assertEquals(
        "CARD_REPORTED_LOST",
        api()
            .terminal(agency)
            .post(
                "/api/v1/patron-status", "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card))
            .code());
    assertEquals("CARD_REPORTED_LOST", register(card, "\"channel\":\"in-person\"").code());

    Answer receipt = api().checkout("t3", replacement, item("book"), agency);
    assertEquals(201, receipt.status(), receipt.body().toString());
    assertEquals(replacement, receipt.body().get("cardNumber").asText());
    assertEquals(
        2, api().staff(agency).get("/api/v1/patrons/" + replacement).body().get("loans").size());
    assertEquals(200, api().returnItem("r1", book, agency, "main").status());
    assertEquals(
        1, api().staff(agency).get("/api/v1/patrons/" + replacement).body().get("loans").size());
    Answer taken =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + Api.unique("C") + "/lost-card-report",
                "{\"replacementCardNumber\":\"%s\"}".formatted(replacement));
    assertEquals(404, taken.status(), "an unknown card cannot be reported");
  }

  @Test
  void R9_anInstitutionAccountHoldsSeveralCardsWhoseLoansAreAllTheInstitutions() {
    String account = Api.unique("C");
    assertEquals(201, register(account, "\"identityDocument\":\"institution\"").status());
    String second = Api.unique("C");
    Answer added =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + account + "/cards",
                "{\"cardNumber\":\"%s\"}".formatted(second));
    assertEquals(200, added.status(), added.body().toString());
    for (int i = 0; i < 4; i++) {
      String card = i % 2 == 0 ? account : second;
      assertEquals(201, api().checkout("t" + i, card, item("book"), agency).status());
    }
    assertEquals(
        4,
        api().staff(agency).get("/api/v1/patrons/" + second).body().get("loans").size(),
        "an institution is not limited like a person without CPR (R7)");
    String person = Api.unique("C");
    register(person, "\"channel\":\"in-person\"");
    Answer refused =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + person + "/cards",
                "{\"cardNumber\":\"%s\"}".formatted(Api.unique("C")));
    assertEquals("NOT_AN_INSTITUTION", refused.code());
    Answer taken =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + account + "/cards",
                "{\"cardNumber\":\"%s\"}".formatted(person));
    assertEquals("CARD_IN_USE", taken.code());
  }

  @Test
  void R7_aNonResidentBorrowsAgainstADepositOfTheValueOfWhatIsBorrowedNeverMore() {
    putPolicy(
        """
        {"loanPeriodDays":30,"materialTypes":{"book":{"valueDkk":300},"dvd":{"valueDkk":150}},
         "eligibility":{"municipality":"0157","depositFromNonResidents":true}}
        """);
    String visitor = Api.unique("C");
    register(visitor, "\"municipality\":\"0101\"");
    Answer refused = api().checkout("t1", visitor, item("book"), agency);
    assertEquals("DEPOSIT_REQUIRED", refused.code());
    assertTrue(
        refused.body().get("detail").asText().contains("300 DKK"), refused.body().toString());
    Answer deposited =
        api().staff(agency).post("/api/v1/patrons/" + visitor + "/deposits", "{\"amountDkk\":450}");
    assertEquals(450, deposited.body().get("depositDkk").asInt());
    assertEquals(201, api().checkout("t2", visitor, item("book"), agency).status());
    assertEquals(201, api().checkout("t3", visitor, item("dvd"), agency).status());
    assertEquals("DEPOSIT_REQUIRED", api().checkout("t4", visitor, item("dvd"), agency).code());
    String resident = Api.unique("C");
    register(resident, "\"municipality\":\"0157\"");
    assertEquals(201, api().checkout("t5", resident, item("book"), agency).status());
  }

  @Test
  void R3_R14_aCprNumberFindsThePatronAtTheTerminalAndIsNeverStoredInClear() {
    String cpr = String.valueOf(1_000_000_000L + Math.floorMod(System.nanoTime(), 8_999_999_999L));
    String libraryCard = Api.unique("L");
    Answer registered =
        register(libraryCard, "\"identityDocument\":\"cpr\",\"cpr\":\"%s\"".formatted(cpr));
    assertEquals(201, registered.status(), registered.body().toString());
    assertEquals(libraryCard, registered.body().get("cardNumber").asText());
    Answer byCpr = api().checkout("t1", cpr, item("book"), agency);
    assertEquals(201, byCpr.status(), "R14: the CPR instead of the card: " + byCpr.body());
    assertEquals(
        1, api().staff(agency).get("/api/v1/patrons/" + libraryCard).body().get("loans").size());
    assertEquals(
        "CARD_IN_USE",
        register(Api.unique("L"), "\"cpr\":\"%s\"".formatted(cpr)).code(),
        "one CPR, one patron");

    String healthCard =
        String.valueOf(1_000_000_000L + Math.floorMod(System.nanoTime() + 7, 8_999_999_999L));
    assertEquals(201, register(healthCard, "\"identityDocument\":\"cpr\"").status());
    assertEquals(201, api().checkout("t2", healthCard, item("book"), agency).status());
    try (Journal journal = new Journal()) {
      for (String number : new String[] {cpr, healthCard}) {
        assertEquals(0, journal.events("Patron", number), "no patron keyed by a CPR in clear");
        assertEquals(0, journal.events("Card", number), "no card indexed by a CPR in clear");
      }
    }
  }

  private static Answer contact(Api caller, String card, String json) {
    return caller.put("/api/v1/patrons/" + card + "/contact", json);
  }

  private Answer register(String card, String extra) {
    return api()
        .staff(agency)
        .post(
            "/api/v1/patrons",
            "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"P\",\"homeAgencyId\":\"%s\",%s}"
                .formatted(card, agency, extra));
  }

  private void putPolicy(String json) {
    Answer answer = api().put("/api/v1/agencies/" + agency + "/policy", json);
    assertEquals(200, answer.status(), answer.body().toString());
  }

  private String item(String materialType) {
    String barcode = Api.unique("X");
    assertEquals(201, api().registerItem(barcode, agency, materialType).status());
    return barcode;
  }

  private static LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneId.of("Europe/Copenhagen"));
  }
}
