package dk.library.circulation.fbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The FBS external API as a library website's back end calls it, over real HTTP: every answer of
 * every path checked against the published contract ({@link FbsContract}), and the renewal and
 * reservation result codes proven for each rule that refuses.
 */
class FbsApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);
  static final FbsContract CONTRACT = FbsContract.ADAPTER;

  static final String PATRON = "/external/agencyid/patrons/patronid";
  static final String RESERVATIONS = "/external/v1/agencyid/patrons/patronid/reservations";

  String agency;
  String title;
  String copy;
  String card;
  Api website;

  static Api api() {
    return testServer.api();
  }

  /**
   * An agency allowing one renewal and two reservations; a patron with one loan, logged in (a
   * patron token lasts minutes, so a test that moves the clock by days logs in again).
   */
  @BeforeEach
  void library() {
    agency = Api.unique("DK-");
    Answer created =
        api()
            .post(
                "/api/v1/agencies",
                """
{"agencyId":"%s","name":"Web Library",
 "branches":[{"branchId":"main","name":"Main"},{"branchId":"north","name":"North"}],
 "policy":{"loanPeriodDays":28,"maxLoans":10,"maxRenewals":1,"maxReservations":2,
   "feeBlockThresholdDkk":100,
   "materialTypes":{"book":{"valueDkk":300},"dvd":{"loanPeriodDays":7,"express":true},
                    "reference":{"reservable":false}}}}
"""
                    .formatted(agency));
    assertEquals(201, created.status(), created.body().toString());
    api().enrol(agency);
    title = Api.unique("T");
    copy = copy(title, "book", "north");
    card = patron();
    checkout(card, copy);
    website = logIn(card);
  }

  @Test
  void everyOperationOfTheContractHasARoute() {
    // A door controller may do none of it: a route answers 403, a missing one 404 or 405.
    Api door = api().as(api().registerClient("door", agency));
    List<String> unrouted = new ArrayList<>();
    int operations = 0;
    var paths = CONTRACT.document().path("paths").fields();
    while (paths.hasNext()) {
      var path = paths.next();
      var methods = path.getValue().fieldNames();
      while (methods.hasNext()) {
        String method = methods.next().toUpperCase();
        operations++;
        Answer answer =
            door.send(
                door.request(path.getKey())
                    .header("Content-Type", "application/json")
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                    .build());
        if (!answer.code().equals("ROLE_NOT_ALLOWED")) {
          unrouted.add(method + " " + path.getKey() + " -> " + answer.status());
        }
      }
    }
    assertEquals(List.of(), unrouted);
    assertEquals(18, operations);
  }

  @Test
  void branchesForTheSiteAndForThePatronWithExclusions() {
    Answer all = api().terminal(agency).get("/external/v1/" + agency + "/branches");
    assertContract("GET", "/external/v1/agencyid/branches", all);
    assertEquals(List.of("main", "north"), values(all.body(), "branchId"));
    assertEquals("Main", all.body().get(0).get("title").asText());

    Answer byPatron = website.get("/external/v1/agencyid/branches?exclude=main");
    assertContract("GET", "/external/v1/agencyid/branches", byPatron);
    assertEquals(List.of("north"), values(byPatron.body(), "branchId"));

    Answer otherAgency = api().terminal(agency).get("/external/v1/DK-elsewhere/branches");
    assertEquals(403, otherAgency.status(), otherAgency.body().toString());
    assertEquals("OUTSIDE_AGENCY_SCOPE", otherAgency.code());
  }

  @Test
  void thePatronReadsThemselvesByTokenAndNobodyElseDoes() {
    Answer me = website.get(PATRON + "/v4");
    assertContract("GET", "/external/agencyid/patrons/patronid/v4", me);
    assertEquals("VALID", me.body().get("authenticateStatus").asText());
    JsonNode patron = me.body().get("patron");
    assertEquals("Patron " + card, patron.get("name").asText());
    assertEquals("main", patron.get("preferredPickupBranch").asText());
    long patronId = patron.get("patronId").asLong();
    assertTrue(patronId > 0);

    Answer byId = website.get("/external/" + agency + "/patrons/" + patronId + "/v4");
    assertEquals(patron, byId.body().get("patron"));

    Answer anotherId = website.get("/external/agencyid/patrons/" + (patronId + 1) + "/v4");
    assertEquals(404, anotherId.status(), anotherId.body().toString());
    assertEquals("PATRON_NOT_FOUND", anotherId.code());

    Answer terminal = api().terminal(agency).get(PATRON + "/v4");
    assertEquals(403, terminal.status());
    assertEquals("ROLE_NOT_ALLOWED", terminal.code());
    assertEquals(401, api().as(null).get(PATRON + "/v4").status());
  }

  @Test
  void R4_R5_thePatronChangesContactAndPin() {
    Answer changed =
        website.put(
            PATRON + "/v8",
            """
{"patron":{"preferredPickupBranch":"main","guardianVisibility":false,
           "receivePostalMail":false,
           "emailAddresses":[{"emailAddress":"reader@example.dk","receiveNotification":true}],
           "phoneNumbers":[{"phoneNumber":"+4512345678","receiveNotification":false}]},
 "pincodeChange":{"pincode":"4321","libraryCardNumber":"%s"}}
"""
                .formatted(card));
    assertEquals(204, changed.status(), changed.body().toString());
    Answer me = logIn(card, "4321").get(PATRON + "/v4");
    assertContract("GET", "/external/agencyid/patrons/patronid/v4", me);
    assertEquals("reader@example.dk", me.body().at("/patron/emailAddress").asText());
    assertEquals("+4512345678", me.body().at("/patron/phoneNumber").asText());
    assertTrue(me.body().at("/patron/receiveEmail").asBoolean());
    assertFalse(me.body().at("/patron/receiveSms").asBoolean());
    Answer oldPin =
        api()
            .terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"1234\"}".formatted(card));
    assertEquals(401, oldPin.status(), oldPin.body().toString());

    Answer older =
        logIn(card, "4321")
            .put(
                PATRON + "/v4",
                """
                {"patron":{"preferredPickupBranch":"main","receiveEmail":false,"receiveSms":true,
                           "receivePostalMail":false,"phoneNumber":"+4587654321"}}
                """);
    assertContract("PUT", "/external/agencyid/patrons/patronid/v4", older);
    assertTrue(older.body().get("authenticated").asBoolean());
    assertEquals("+4587654321", older.body().at("/patron/phoneNumber").asText());
    assertTrue(older.body().at("/patron/receiveSms").asBoolean());

    Api again = logIn(card, "4321");
    for (String body :
        List.of(
            "{\"pincodeChange\":{\"pincode\":\"12\",\"libraryCardNumber\":\"%s\"}}".formatted(card),
            "{\"pincodeChange\":{\"pincode\":\"5555\",\"libraryCardNumber\":\"other\"}}",
            "{\"patron\":{\"emailAddresses\":[{\"emailAddress\":\"no-at-sign\",\"receiveNotification\":true}]}}",
            "{\"patron\":{\"favouriteColour\":\"red\"}}",
            "{\"pincode\":\"5555\"}")) {
      Answer refused = again.put(PATRON + "/v8", body);
      assertEquals(400, refused.status(), body + " -> " + refused.body());
    }
    assertEquals(201, sessionStatus(card, "4321"), "the PIN is still 4321");
  }

  @Test
  void R1_R3_R4_aPersonInTheRegistrySignsUpOnTheWebAndLogsInWithTheCprNumber() throws Exception {
    String cpr = cpr();
    person(cpr, "Karen Blixen", "1985-04-17");
    Api site = api().terminal(agency);
    String signUp =
        """
{"personIdentifier":"%s","pincode":"2468",
 "patron":{"preferredPickupBranch":"main","guardianVisibility":false,"receivePostalMail":false,
           "emailAddresses":[{"emailAddress":"karen@example.dk","receiveNotification":true}]}}
""";
    Answer created = site.post("/external/agencyid/patrons/v9", signUp.formatted(cpr));
    assertContract("POST", "/external/agencyid/patrons/v9", created);
    assertEquals("VALID", created.body().get("authenticateStatus").asText());
    assertEquals("Karen Blixen", created.body().at("/patron/name").asText());
    assertEquals("1985-04-17", created.body().at("/patron/birthday").asText());
    assertTrue(created.body().at("/patron/receiveEmail").asBoolean());
    assertEquals(FbsIds.patron(cpr), created.body().at("/patron/patronId").asLong());

    Answer me = logIn(cpr, "2468").get(PATRON + "/v4");
    assertEquals("Karen Blixen", me.body().at("/patron/name").asText());
    JsonNode record = api().staff(agency).get("/api/v1/patrons/" + cpr).body();
    assertEquals("web", record.at("/facts/channel").asText());
    assertEquals("digital-signature", record.at("/facts/verification/method").asText());

    Answer again = site.post("/external/agencyid/patrons/v9", signUp.formatted(cpr));
    assertEquals(409, again.status(), again.body().toString());
    Answer unknown = site.post("/external/agencyid/patrons/v9", signUp.formatted(cpr()));
    assertEquals(404, unknown.status(), unknown.body().toString());
    assertEquals("PERSON_NOT_IN_REGISTRY", unknown.code());
    for (String bad :
        List.of(
            signUp.formatted("123"),
            signUp.formatted(cpr).replace("2468", "24"),
            "{\"personIdentifier\":\"%s\",\"pincode\":\"2468\",\"patron\":{}, \"blockStatusRequest\":{\"blockedReason\":\"W\",\"blockedSince\":\"2026-11-22\"}}"
                .formatted(cpr()),
            "{\"personIdentifier\":\"%s\",\"pincode\":\"2468\",\"patron\":{\"shoeSize\":44}}"
                .formatted(cpr()))) {
      assertEquals(400, site.post("/external/agencyid/patrons/v9", bad).status(), bad);
    }
    assertEquals(
        403, website.post("/external/agencyid/patrons/v9", signUp.formatted(cpr())).status());
    assertEquals(
        403,
        api()
            .staff(agency)
            .post("/external/" + agency + "/patrons/v9", signUp.formatted(cpr()))
            .status());
  }

  @Test
  void R6_aMinorSignsUpWithAGuardianWhoseConsentIsRecorded() throws Exception {
    String parent = cpr();
    String child = cpr();
    person(child, "Lille Karen", "2016-04-17");
    String request =
        """
        {"cprNumber":"%s","pincode":"1357","preferredPickupBranch":"main","name":"Lille Karen",
         "guardian":{"cprNumber":"%s","name":"Karen Blixen","email":"karen@example.dk"}}
        """;
    Api site = api().terminal(agency);
    Answer created =
        site.post("/external/agencyid/patrons/withGuardian/v1", request.formatted(child, parent));
    assertContract("POST", "/external/agencyid/patrons/withGuardian/v1", created);
    assertEquals(FbsIds.patron(child), created.body().asLong());
    JsonNode record = api().staff(agency).get("/api/v1/patrons/" + child).body();
    assertEquals("Karen Blixen", record.at("/facts/guardianConsent/guardian").asText());

    Answer self =
        site.post("/external/agencyid/patrons/withGuardian/v1", request.formatted(child, child));
    assertEquals(400, self.status(), "a patron cannot be their own guardian");
    Answer badEmail =
        site.post(
            "/external/agencyid/patrons/withGuardian/v1",
            request.formatted(cpr(), parent).replace("karen@example.dk", "karen"));
    assertEquals(400, badEmail.status());

    String later = cpr();
    person(later, "Lille Hans", "2017-01-01");
    Answer unguarded =
        site.post(
            "/external/agencyid/patrons/v9",
            "{\"personIdentifier\":\"%s\",\"pincode\":\"2468\",\"patron\":{\"preferredPickupBranch\":\"main\",\"guardianVisibility\":false,\"receivePostalMail\":false}}"
                .formatted(later));
    assertEquals(200, unguarded.status(), unguarded.body().toString());
    Answer consent =
        site.put(
            "/external/agencyid/patrons/withGuardian/v1",
            "{\"cprNumber\":\"%s\",\"guardian\":{\"cprNumber\":\"%s\",\"name\":\"Hans Blixen\",\"email\":\"hans@example.dk\"}}"
                .formatted(later, parent));
    assertContract("PUT", "/external/agencyid/patrons/withGuardian/v1", consent);
    assertEquals(
        "Hans Blixen",
        api()
            .staff(agency)
            .get("/api/v1/patrons/" + later)
            .body()
            .at("/facts/guardianConsent/guardian")
            .asText());
  }

  private static String cpr() {
    return String.format(
        "%010d",
        Math.floorMod(java.util.UUID.randomUUID().getLeastSignificantBits(), 10_000_000_000L));
  }

  /** Adds a person to the test servers' registry file, as a CPR extract would have them. */
  private static void person(String cpr, String name, String birthDate) throws Exception {
    java.nio.file.Files.writeString(
        java.nio.file.Path.of(TestServers.PERSON_REGISTRY),
        "{\"cpr\":\"%s\",\"name\":\"%s\",\"birthDate\":\"%s\",\"municipality\":\"0101\"}\n"
            .formatted(cpr, name, birthDate),
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  @Test
  void R19_loansShowTheirRecordAndRenewUntilTheLimit() {
    clock.advance(Duration.ofDays(10));
    website = logIn(card);
    Answer loans = website.get(PATRON + "/loans/v2");
    assertContract("GET", "/external/agencyid/patrons/patronid/loans/v2", loans);
    JsonNode loan = loans.body().get(0);
    assertTrue(loan.get("isRenewable").asBoolean(), loan.toString());
    assertEquals(title, loan.at("/loanDetails/recordId").asText());
    assertEquals(copy, loan.at("/loanDetails/materialItemNumber").asText());
    assertEquals("book", loan.at("/loanDetails/materialGroup/name").asText());
    long loanId = loan.at("/loanDetails/loanId").asLong();

    Answer renewed = renew(loanId);
    assertEquals("renewed", renewed.body().at("/0/renewalStatus/0").asText());
    assertEquals("2026-12-30", renewed.body().at("/0/loanDetails/dueDate").asText());

    clock.advance(Duration.ofDays(1));
    website = logIn(card);
    Answer again = renew(loanId);
    assertEquals("deniedMaxRenewalsReached", again.body().at("/0/renewalStatus/0").asText());
    Answer listed = website.get(PATRON + "/loans/v2");
    assertFalse(listed.body().at("/0/isRenewable").asBoolean());
    assertEquals("deniedMaxRenewalsReached", listed.body().at("/0/renewalStatusList/0").asText());
  }

  @Test
  void R18_R20_R32_eachRefusalHasItsRenewalStatus() {
    String dvd = copy(Api.unique("T"), "dvd", "main");
    checkout(card, dvd);
    String other = patron();
    Answer held =
        logIn(other)
            .post(
                RESERVATIONS + "/v2",
                "{\"reservations\":[{\"recordId\":\"%s\",\"pickupBranch\":\"main\"}]}"
                    .formatted(title));
    assertTrue(held.body().get("success").asBoolean(), held.body().toString());
    clock.advance(Duration.ofDays(3));
    website = logIn(card);

    Eventually.await(
        "the loan of the reserved title listed as not renewable",
        Duration.ofSeconds(20),
        () ->
            !website.get(PATRON + "/loans/v2").body().toString().contains("\"isRenewable\":true,"));
    Answer loans = website.get(PATRON + "/loans/v2");
    assertContract("GET", "/external/agencyid/patrons/patronid/loans/v2", loans);
    assertEquals("deniedReserved", statusOf(loans.body(), copy, "renewalStatusList"));
    assertEquals("deniedMaterialIsNotLoanable", statusOf(loans.body(), dvd, "renewalStatusList"));

    List<Long> ids = new ArrayList<>();
    loans.body().forEach(l -> ids.add(l.at("/loanDetails/loanId").asLong()));
    Answer both = renew(ids.toArray(Long[]::new));
    assertEquals("deniedReserved", statusOf(both.body(), copy, "renewalStatus"));
    assertEquals("deniedMaterialIsNotLoanable", statusOf(both.body(), dvd, "renewalStatus"));

    charge(card, 150);
    Answer blocked = renew(ids.get(0));
    assertEquals("deniedLoanerIsBlocked", blocked.body().at("/0/renewalStatus/0").asText());
    Answer listedBlocked = website.get(PATRON + "/loans/v2");
    assertEquals(
        "deniedLoanerIsBlocked", listedBlocked.body().at("/0/renewalStatusList/0").asText());
    Answer me = website.get(PATRON + "/v4");
    assertContract("GET", "/external/agencyid/patrons/patronid/v4", me);
    assertEquals("E", me.body().at("/patron/blockStatus/0/blockedReason").asText());

    Answer unknownLoan = website.post(PATRON + "/loans/renew/v2", "[12345]");
    assertEquals(404, unknownLoan.status(), unknownLoan.body().toString());
    Answer notAList = website.post(PATRON + "/loans/renew/v2", "{\"loanId\":1}");
    assertEquals(400, notAList.status());
  }

  @Test
  void R25_aReservationIsMadeListedAndDeleted() {
    String wanted = Api.unique("T");
    copy(wanted, "book", "main");
    Answer made =
        website.post(
            RESERVATIONS + "/v2",
            "{\"reservations\":[{\"recordId\":\"%s\",\"pickupBranch\":\"north\",\"expiryDate\":\"2027-02-01\"}]}"
                .formatted(wanted));
    assertContract("POST", "/external/v1/agencyid/patrons/patronid/reservations/v2", made);
    assertTrue(made.body().get("success").asBoolean(), made.body().toString());
    JsonNode details = made.body().at("/reservationResults/0/reservationDetails");
    assertEquals("success", made.body().at("/reservationResults/0/result").asText());
    assertEquals("north", details.get("pickupBranch").asText());
    assertEquals("2027-02-01", details.get("expiryDate").asText());

    Answer listed = website.get(RESERVATIONS + "/v2");
    assertContract("GET", "/external/v1/agencyid/patrons/patronid/reservations/v2", listed);
    assertEquals(1, listed.body().size());
    assertEquals(wanted, listed.body().get(0).get("recordId").asText());
    long id = listed.body().get(0).get("reservationId").asLong();

    Answer olderList = website.get(RESERVATIONS);
    assertContract("GET", "/external/v1/agencyid/patrons/patronid/reservations", olderList);
    assertEquals("loan", olderList.body().at("/0/loanType").asText());

    Answer deleted = website.delete(RESERVATIONS + "?reservationid=" + id);
    assertEquals(200, deleted.status(), deleted.body().toString());
    assertEquals(0, website.get(RESERVATIONS + "/v2").body().size());
    assertEquals(404, website.delete(RESERVATIONS + "?reservationid=" + id).status());

    String older = "{\"reservations\":[{\"recordId\":\"%s\",\"pickupBranch\":\"main\"}]}";
    Answer deprecated = website.post(RESERVATIONS, older.formatted(wanted));
    assertContract("POST", "/external/v1/agencyid/patrons/patronid/reservations", deprecated);
    assertEquals(wanted, deprecated.body().at("/0/recordId").asText());
    Answer twice = website.post(RESERVATIONS, older.formatted(wanted));
    assertEquals(409, twice.status(), twice.body().toString());
    assertEquals("HOLD_ALREADY_PLACED", twice.code());
  }

  @Test
  void R25_R27_aWaitingReservationChangesBranchAndDateButAnAllocatedOneKeepsItsBranch() {
    String lent = Api.unique("T");
    checkout(patron(), copy(lent, "book", "main"));
    String shelved = Api.unique("T");
    copy(shelved, "book", "main");
    reserveOne(lent);
    reserveOne(shelved);
    long waiting = reservationOf(lent).get("reservationId").asLong();

    Answer changed =
        website.put(
            RESERVATIONS,
            "{\"reservations\":[{\"reservationId\":%d,\"pickupBranch\":\"north\",\"expiryDate\":\"2027-03-01\"}]}"
                .formatted(waiting));
    assertContract("PUT", "/external/v1/agencyid/patrons/patronid/reservations", changed);
    assertEquals("north", changed.body().at("/0/pickupBranch").asText());
    assertEquals("2027-03-01", changed.body().at("/0/expiryDate").asText());
    assertEquals("north", reservationOf(lent).get("pickupBranch").asText());

    Eventually.await(
        "the copy on the shelf allocated to the other reservation",
        Duration.ofSeconds(20),
        () -> !reservationOf(shelved).get("state").asText().equals("reserved"));
    long allocated = reservationOf(shelved).get("reservationId").asLong();
    Answer refused =
        website.put(
            RESERVATIONS,
            "{\"reservations\":[{\"reservationId\":%d,\"pickupBranch\":\"main\"},{\"reservationId\":%d,\"pickupBranch\":\"north\"}]}"
                .formatted(waiting, allocated));
    assertEquals(409, refused.status(), refused.body().toString());
    assertEquals("HOLD_ALREADY_ALLOCATED", refused.code());
    assertEquals("north", reservationOf(lent).get("pickupBranch").asText(), "nothing changed");
    assertEquals(
        404,
        website
            .put(
                RESERVATIONS,
                "{\"reservations\":[{\"reservationId\":1,\"pickupBranch\":\"north\"}]}")
            .status());
    assertEquals(
        400,
        website
            .put(
                RESERVATIONS,
                "{\"reservations\":[{\"reservationId\":%d,\"colour\":\"red\"}]}".formatted(waiting))
            .status());
  }

  private JsonNode reservationOf(String recordId) {
    for (JsonNode r : website.get(RESERVATIONS + "/v2").body()) {
      if (r.get("recordId").asText().equals(recordId)) {
        return r;
      }
    }
    throw new AssertionError("no reservation of " + recordId);
  }

  @Test
  void R21_R23_R32_eachRefusalHasItsReservationResultAndNothingIsLeftHalfDone() {
    String a = Api.unique("T");
    String b = Api.unique("T");
    String c = Api.unique("T");
    String reference = Api.unique("T");
    List.of(a, b, c).forEach(t -> copy(t, "book", "main"));
    copy(reference, "reference", "main");

    assertEquals("material_not_reservable", reserveOne(reference));
    assertEquals("no_reservable_materials", reserveOne(Api.unique("T")));
    assertEquals("success", reserveOne(a));
    assertEquals("already_reserved", reserveOne(a));

    Answer two =
        website.post(
            RESERVATIONS + "/v2",
            "{\"reservations\":[{\"recordId\":\"%s\"},{\"recordId\":\"%s\"}]}".formatted(b, c));
    assertContract("POST", "/external/v1/agencyid/patrons/patronid/reservations/v2", two);
    assertFalse(two.body().get("success").asBoolean());
    assertEquals(
        "exceeds_max_reservations", two.body().at("/reservationResults/1/result").asText());
    assertEquals(
        List.of(a),
        values(website.get(RESERVATIONS + "/v2").body(), "recordId"),
        "the batch's first hold is undone with the refused second");

    charge(card, 150);
    assertEquals("patron_is_blocked", reserveOne(b));
  }

  @Test
  void badBodiesAreRefusedClearlyAndPlaceOrRenewNothing() {
    String wanted = Api.unique("T");
    copy(wanted, "book", "main");
    for (String body :
        List.of(
            "{",
            "[]",
            "{\"reservations\":[]}",
            "{\"reservations\":[{\"recordId\":\"has space\"}]}",
            "{\"reservations\":[{\"recordId\":\"%s\",\"periodical\":{}}]}".formatted(wanted),
            "{\"reservations\":[{\"recordId\":\"%s\",\"expiryDate\":\"soon\"}]}".formatted(wanted),
            "{\"reservations\":[{\"recordId\":\"%s\"}],\"type\":\"parallel\"}".formatted(wanted),
            "{\"reservations\":[{\"recordId\":\"%s\"}],\"extra\":1}".formatted(wanted))) {
      Answer refused = website.post(RESERVATIONS + "/v2", body);
      assertEquals(400, refused.status(), body + " -> " + refused.body());
      assertFalse(refused.body().path("detail").asText().isEmpty(), refused.body().toString());
    }
    assertEquals(0, website.get(RESERVATIONS + "/v2").body().size());

    String dueBefore =
        website.get(PATRON + "/loans/v2").body().at("/0/loanDetails/dueDate").asText();
    for (String body : List.of("{", "{}", "[]", "[\"1\"]", "[1.5]", "[null]")) {
      Answer refused = website.post(PATRON + "/loans/renew/v2", body);
      assertEquals(400, refused.status(), body + " -> " + refused.body());
    }
    assertEquals(
        dueBefore, website.get(PATRON + "/loans/v2").body().at("/0/loanDetails/dueDate").asText());
    assertEquals(400, website.delete(RESERVATIONS + "?reservationid=x").status());
  }

  @Test
  void feesCarryTheirMaterialAndType() {
    charge(card, 40);
    Answer lost =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + card + "/lost-items",
                "{\"barcode\":\"%s\",\"condition\":\"lost\"}".formatted(copy));
    assertEquals(200, lost.status(), lost.body().toString());
    Answer fees =
        website.get(
            "/external/agencyid/patron/patronid/fees/v2?includepaid=false&includenonpayable=true");
    assertContract("GET", "/external/agencyid/patron/patronid/fees/v2", fees);
    assertEquals(List.of("fee", "compensation"), values(fees.body(), "type"));
    assertEquals(40.0, fees.body().get(0).get("amount").asDouble());
    assertEquals(title, fees.body().at("/1/materials/0/recordId").asText());
    assertEquals(copy, fees.body().at("/1/materials/0/materialItemNumber").asText());
  }

  @Test
  void availabilityAndHoldingsOfRecords() {
    String shelved = copy(title, "book", "main");
    String path =
        "/external/agencyid/catalog/availability/v3?recordid="
            + title
            + "&recordid="
            + Api.unique("T");
    Answer availability = api().terminal(agency).get(path);
    assertContract("GET", "/external/agencyid/catalog/availability/v3", availability);
    assertEquals(1, availability.body().size(), "a record the agency does not hold is left out");
    assertTrue(availability.body().get(0).get("available").asBoolean());
    assertTrue(availability.body().get(0).get("reservable").asBoolean());

    Answer holdings =
        website.get("/external/" + agency + "/catalog/holdingsLogistics/v1?recordid=" + title);
    assertContract("GET", "/external/agencyid/catalog/holdingsLogistics/v1", holdings);
    JsonNode record = holdings.body().get(0);
    assertEquals(title, record.get("recordId").asText());
    List<String> items = new ArrayList<>();
    record
        .get("holdings")
        .forEach(h -> h.get("materials").forEach(m -> items.add(m.get("itemNumber").asText())));
    assertTrue(items.containsAll(List.of(copy, shelved)), items.toString());

    Answer none = api().terminal(agency).get("/external/agencyid/catalog/availability/v3");
    assertEquals(400, none.status());
  }

  // Helpers

  private String reserveOne(String recordId) {
    Answer answer =
        website.post(
            RESERVATIONS + "/v2",
            "{\"reservations\":[{\"recordId\":\"%s\",\"pickupBranch\":\"main\"}]}"
                .formatted(recordId));
    assertContract("POST", "/external/v1/agencyid/patrons/patronid/reservations/v2", answer);
    return answer.body().at("/reservationResults/0/result").asText();
  }

  private Answer renew(Long... loanIds) {
    Answer answer =
        website.post(
            PATRON + "/loans/renew/v2",
            new StringBuilder("[")
                .append(
                    String.join(
                        ",", java.util.Arrays.stream(loanIds).map(String::valueOf).toList()))
                .append("]")
                .toString());
    assertContract("POST", "/external/agencyid/patrons/patronid/loans/renew/v2", answer);
    return answer;
  }

  private static String statusOf(JsonNode loans, String barcode, String field) {
    for (JsonNode loan : loans) {
      if (loan.at("/loanDetails/materialItemNumber").asText().equals(barcode)) {
        return loan.get(field).get(0).asText();
      }
    }
    throw new AssertionError("no loan of " + barcode + " in " + loans);
  }

  private void charge(String patron, int dkk) {
    Answer charged =
        api()
            .staff(agency)
            .post(
                "/api/v1/patrons/" + patron + "/fees",
                "{\"feeId\":\"%s\",\"amountDkk\":%d,\"reason\":\"Replacement card\",\"agencyId\":\"%s\"}"
                    .formatted(Api.unique("f"), dkk, agency));
    assertEquals(200, charged.status(), charged.body().toString());
  }

  private static void assertContract(String method, String contractPath, Answer answer) {
    assertEquals(200, answer.status(), answer.body().toString());
    CONTRACT.check(method, contractPath, answer.status(), answer.body());
  }

  private static List<String> values(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }

  private Api logIn(String patron) {
    return logIn(patron, "1234");
  }

  private Api logIn(String patron, String pin) {
    Answer session =
        api()
            .terminal(agency)
            .post(
                "/api/v1/patron-sessions",
                "{\"cardNumber\":\"%s\",\"pin\":\"%s\"}".formatted(patron, pin));
    assertEquals(201, session.status(), session.body().toString());
    return api().as(session.body().get("token").asText());
  }

  private int sessionStatus(String patron, String pin) {
    return api()
        .terminal(agency)
        .post(
            "/api/v1/patron-sessions",
            "{\"cardNumber\":\"%s\",\"pin\":\"%s\"}".formatted(patron, pin))
        .status();
  }

  private void checkout(String patron, String barcode) {
    Answer out = api().checkout(Api.unique("t"), patron, barcode, agency);
    assertEquals(201, out.status(), out.body().toString());
  }

  private String patron() {
    String patron = Api.unique("C");
    assertEquals(201, api().registerPatron(patron, agency).status());
    return patron;
  }

  private String copy(String titleId, String materialType, String branchId) {
    String barcode = Api.unique("B");
    Answer registered =
        api()
            .staff(agency)
            .post(
                "/api/v1/items",
                """
                {"barcode":"%s","titleId":"%s","title":"Title %s","agencyId":"%s",
                 "materialType":"%s","branchId":"%s"}
                """
                    .formatted(barcode, titleId, titleId, agency, materialType, branchId));
    assertEquals(201, registered.status(), registered.body().toString());
    return barcode;
  }
}
