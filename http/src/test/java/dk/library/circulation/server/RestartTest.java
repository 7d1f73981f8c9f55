package dk.library.circulation.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.library.circulation.card.CardHint;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.TestServers;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** What was acknowledged survives the whole node: a new actor system finds it in Cassandra. */
class RestartTest {

  @Test
  void aLoanIsIntactOnBothEntitiesAfterTheActorSystemIsReplaced() {
    String agency = Api.unique("DK-");
    String card = Api.unique("C");
    String barcode = Api.unique("X");
    Answer receipt;
    Api api;
    try (CirculationServer first = TestServers.start(Clock.systemUTC())) {
      api = new Api(first.port());
      api.createAgency(agency, 5, 2);
      api.registerPatron(card, agency);
      api.registerItem(barcode, agency);
      receipt = api.checkout("before-restart", card, barcode, agency);
      assertEquals(201, receipt.status());
    }

    try (CirculationServer second = TestServers.start(Clock.systemUTC())) {
      api = api.at(second.port());
      Answer patron = api.staff(agency).get("/api/v1/patrons/" + card);
      assertEquals(200, patron.status());
      assertEquals(1, patron.body().get("loans").size());
      assertEquals(receipt.body().get("dueDate"), patron.body().get("loans").get(0).get("dueDate"));
      Answer item = api.staff(agency).get("/api/v1/items/" + barcode);
      assertEquals(CardHint.ofPatronKey(card), item.body().get("loan").get("card").asText());
      assertEquals("before-restart", item.body().get("loan").get("checkoutId").asText());
      // And the restarted node keeps the rules: the retry is still recognised.
      assertEquals(receipt.body(), api.checkout("before-restart", card, barcode, agency).body());
      // The transaction id is still this checkout's: another patron's checkout may not reuse it.
      String other = Api.unique("C");
      String otherItem = Api.unique("X");
      api.registerPatron(other, agency);
      api.registerItem(otherItem, agency);
      Answer reused = api.checkout("before-restart", other, otherItem, agency);
      assertEquals(409, reused.status(), reused.body().toString());
      assertEquals("TRANSACTION_ID_REUSED", reused.code());
    }
  }

  /**
   * R12 without the card entity: a patron answers for the card its key was made from, including its
   * loss, so a checkout by that card wakes no card entity; a replacement card still asks its card
   * entity. Measured on a fresh node, where nothing is awake.
   */
  @Test
  void R12_aPatronsOwnCardIsResolvedByThePatronAndItsLossStillRefusesIt() {
    String agency = Api.unique("DK-");
    String card = Api.unique("C");
    String lostCard = Api.unique("C");
    String replacement = Api.unique("C");
    Api api;
    try (CirculationServer first = TestServers.start(Clock.systemUTC())) {
      api = new Api(first.port());
      assertEquals(201, api.createAgency(agency, 5, 2).status());
      assertEquals(201, api.registerPatron(card, agency).status());
      assertEquals(201, api.registerPatron(lostCard, agency).status());
      Answer reported =
          api.staff(agency)
              .post(
                  "/api/v1/patrons/" + lostCard + "/lost-card-report",
                  "{\"replacementCardNumber\":\"%s\"}".formatted(replacement));
      assertEquals(200, reported.status(), reported.body().toString());
    }

    try (CirculationServer second = TestServers.start(Clock.systemUTC())) {
      api = api.at(second.port());
      String one = Api.unique("X");
      String two = Api.unique("X");
      String three = Api.unique("X");
      for (String item : new String[] {one, two, three}) {
        assertEquals(201, api.registerItem(item, agency).status());
      }
      double cards = cardWakes(api);
      assertEquals(201, api.checkout("own-card", card, one, agency).status());
      Answer lost = api.checkout("lost-card", lostCard, two, agency);
      assertEquals("CARD_REPORTED_LOST", lost.code(), lost.body().toString());
      assertEquals(cards, cardWakes(api), "the patrons answered for their own cards");

      assertEquals(201, api.checkout("replacement", replacement, three, agency).status());
      assertEquals(cards + 1, cardWakes(api), "a replacement card is looked up in its entity");
    }
  }

  /** Card entities recovered from the journal in this JVM so far. */
  private static double cardWakes(Api api) {
    return api.text("/metrics")
        .lines()
        .filter(l -> l.startsWith("circulation_entity_recovery_seconds_count{entity=\"Card\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
