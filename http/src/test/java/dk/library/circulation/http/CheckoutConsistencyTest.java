package dk.library.circulation.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.TestServers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A checkout changes a patron and an item: these races must never make a loan twice or half. */
class CheckoutConsistencyTest {

  static final int ROUNDS = 10;
  static CirculationServer server;
  static Api api;
  static final ExecutorService pool = Executors.newFixedThreadPool(8);

  @BeforeAll
  static void startServer() {
    server = TestServers.start(Clock.systemUTC());
    api = new Api(server.port());
  }

  @AfterAll
  static void stopServer() {
    pool.shutdownNow();
    server.close();
  }

  /** Runs the calls at the same moment and returns their answers. */
  static List<Answer> atOnce(List<Supplier<Answer>> calls) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Answer>> futures = new ArrayList<>();
    for (Supplier<Answer> call : calls) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return call.get();
              }));
    }
    start.countDown();
    List<Answer> answers = new ArrayList<>();
    for (Future<Answer> f : futures) {
      answers.add(f.get());
    }
    return answers;
  }

  static long count(List<Answer> answers, int status) {
    return answers.stream().filter(a -> a.status() == status).count();
  }

  @Test
  void twoPatronsCheckingOutTheSameItemAtOnceExactlyOneWins() throws Exception {
    String agency = Api.unique("DK-");
    api.createAgency(agency, 10, 1);
    for (int round = 0; round < ROUNDS; round++) {
      String barcode = Api.unique("X");
      String first = Api.unique("C");
      String second = Api.unique("C");
      api.registerItem(barcode, agency);
      api.registerPatron(first, agency);
      api.registerPatron(second, agency);

      List<Answer> answers =
          atOnce(
              List.of(
                  () -> api.checkout(Api.unique("t"), first, barcode, agency),
                  () -> api.checkout(Api.unique("t"), second, barcode, agency)));

      assertEquals(1, count(answers, 201), answers.toString());
      assertEquals(1, count(answers, 409), answers.toString());
      Answer won = answers.stream().filter(a -> a.status() == 201).findFirst().orElseThrow();
      String winner = won.body().get("cardNumber").asText();
      String loser = winner.equals(first) ? second : first;
      assertEquals(
          won.body().get("checkoutId"),
          api.staff(agency).get("/api/v1/items/" + barcode).body().get("loan").get("checkoutId"));
      Answer winnerStatus = api.staff(agency).get("/api/v1/patrons/" + winner);
      Answer loserStatus = api.staff(agency).get("/api/v1/patrons/" + loser);
      assertEquals(1, winnerStatus.body().get("loans").size());
      assertEquals(0, loserStatus.body().get("loans").size());
      assertEquals(0, loserStatus.body().get("pendingCheckouts").size());
    }
  }

  @Test
  void R21_aPatronAtTheLimitCheckingOutTwoItemsAtOnceGetsExactlyOne() throws Exception {
    String agency = Api.unique("DK-");
    api.createAgency(agency, 2, 1);
    for (int round = 0; round < ROUNDS; round++) {
      String card = Api.unique("C");
      api.registerPatron(card, agency);
      String held = Api.unique("X");
      String a = Api.unique("X");
      String b = Api.unique("X");
      for (String barcode : List.of(held, a, b)) {
        api.registerItem(barcode, agency);
      }
      assertEquals(201, api.checkout(Api.unique("t"), card, held, agency).status());

      List<Answer> answers =
          atOnce(
              List.of(
                  () -> api.checkout(Api.unique("t"), card, a, agency),
                  () -> api.checkout(Api.unique("t"), card, b, agency)));

      assertEquals(1, count(answers, 201), answers.toString());
      Answer refused = answers.stream().filter(x -> x.status() != 201).findFirst().orElseThrow();
      assertEquals("LOAN_LIMIT_REACHED", refused.code());
      assertEquals(2, api.staff(agency).get("/api/v1/patrons/" + card).body().get("loans").size());
      long itemsOnLoan =
          List.of(a, b).stream()
              .filter(
                  x -> api.staff(agency).get("/api/v1/items/" + x).body().get("onLoan").asBoolean())
              .count();
      assertEquals(1, itemsOnLoan);
    }
  }

  @Test
  void aRetriedCheckoutReturnsTheOriginalReceiptAndNeverASecondLoan() throws Exception {
    String agency = Api.unique("DK-");
    api.createAgency(agency, 10, 1);
    String card = Api.unique("C");
    String barcode = Api.unique("X");
    api.registerPatron(card, agency);
    api.registerItem(barcode, agency);
    String transaction = Api.unique("sst-");

    // The machine sends, loses the reply and resends, even while the first is under way.
    List<Answer> answers =
        atOnce(
            List.of(
                () -> api.checkout(transaction, card, barcode, agency),
                () -> api.checkout(transaction, card, barcode, agency),
                () -> api.checkout(transaction, card, barcode, agency)));
    Answer later = api.checkout(transaction, card, barcode, agency);

    for (Answer answer : answers) {
      assertEquals(201, answer.status(), answer.body().toString());
      assertEquals(later.body(), answer.body());
    }
    Answer status = api.staff(agency).get("/api/v1/patrons/" + card);
    assertEquals(1, status.body().get("loans").size());
    assertEquals(transaction, status.body().get("loans").get(0).get("checkoutId").asText());
    assertTrue(status.body().get("pendingCheckouts").isEmpty());

    String otherItem = Api.unique("X");
    api.registerItem(otherItem, agency);
    Answer reused = api.checkout(transaction, card, otherItem, agency);
    assertEquals(409, reused.status(), reused.body().toString());
    assertEquals("TRANSACTION_ID_REUSED", reused.code());
    assertEquals(1, api.staff(agency).get("/api/v1/patrons/" + card).body().get("loans").size());
  }

  /** Two patrons and two items of the agency, for checkouts that share a transaction id. */
  record TwoOfEach(String first, String second, String firstItem, String secondItem) {
    static TwoOfEach registeredAt(String agency) {
      TwoOfEach two =
          new TwoOfEach(Api.unique("C"), Api.unique("C"), Api.unique("X"), Api.unique("X"));
      api.registerPatron(two.first(), agency);
      api.registerPatron(two.second(), agency);
      api.registerItem(two.firstItem(), agency);
      api.registerItem(two.secondItem(), agency);
      return two;
    }
  }

  /**
   * Nothing of the refused checkout is left: no loan, no pending checkout, the item on the shelf.
   */
  static void assertNothingChanged(String agency, String card, String barcode) {
    Answer patron = api.staff(agency).get("/api/v1/patrons/" + card);
    assertEquals(0, patron.body().get("loans").size(), patron.body().toString());
    assertEquals(0, patron.body().get("pendingCheckouts").size(), patron.body().toString());
    assertFalse(api.staff(agency).get("/api/v1/items/" + barcode).body().get("onLoan").asBoolean());
  }

  @Test
  void aTransactionIdUsedForAnotherPatronsCheckoutIsRefusedAndChangesNothing() {
    String agency = Api.unique("DK-");
    api.createAgency(agency, 10, 1);
    TwoOfEach two = TwoOfEach.registeredAt(agency);
    String first = two.first();
    String second = two.second();
    String firstItem = two.firstItem();
    String secondItem = two.secondItem();
    String transaction = Api.unique("sst-");
    Answer original = api.checkout(transaction, first, firstItem, agency);
    assertEquals(201, original.status(), original.body().toString());

    Answer anotherItem = api.checkout(transaction, second, secondItem, agency);
    Answer sameItem = api.checkout(transaction, second, firstItem, agency);

    assertEquals(409, anotherItem.status(), anotherItem.body().toString());
    assertEquals("TRANSACTION_ID_REUSED", anotherItem.code());
    assertEquals(409, sameItem.status(), sameItem.body().toString());
    assertEquals("ITEM_ON_LOAN", sameItem.code());
    assertNothingChanged(agency, second, secondItem);
    assertEquals(
        original.body().get("dueDate"),
        api.staff(agency).get("/api/v1/items/" + firstItem).body().get("dueDate"));
    Answer retried = api.checkout(transaction, first, firstItem, agency);
    assertEquals(201, retried.status(), retried.body().toString());
    assertEquals(original.body(), retried.body());
  }

  @Test
  void twoPatronsUsingOneNewTransactionIdAtOnceGetOneLoanBetweenThem() throws Exception {
    String agency = Api.unique("DK-");
    api.createAgency(agency, 10, 1);
    for (int round = 0; round < ROUNDS; round++) {
      TwoOfEach two = TwoOfEach.registeredAt(agency);
      String first = two.first();
      String second = two.second();
      String firstItem = two.firstItem();
      String secondItem = two.secondItem();
      String transaction = Api.unique("sst-");

      List<Answer> answers =
          atOnce(
              List.of(
                  () -> api.checkout(transaction, first, firstItem, agency),
                  () -> api.checkout(transaction, second, secondItem, agency)));

      assertEquals(1, count(answers, 201), answers.toString());
      Answer refused = answers.stream().filter(a -> a.status() != 201).findFirst().orElseThrow();
      assertEquals("TRANSACTION_ID_REUSED", refused.code(), answers.toString());
      boolean firstWon = answers.get(0).status() == 201;
      assertNothingChanged(agency, firstWon ? second : first, firstWon ? secondItem : firstItem);
    }
  }

  @Test
  void anotherClientMayUseTheSameTransactionId() {
    String agency = Api.unique("DK-");
    api.createAgency(agency, 10, 1);
    TwoOfEach two = TwoOfEach.registeredAt(agency);
    String first = two.first();
    String second = two.second();
    String firstItem = two.firstItem();
    String secondItem = two.secondItem();
    String transaction = Api.unique("sst-");
    Api otherMachine = api.as(api.registerClient("terminal", agency));

    assertEquals(201, api.checkout(transaction, first, firstItem, agency).status());
    Answer other =
        otherMachine.post(
            "/api/v1/checkouts",
            """
{"transactionId":"%s","cardNumber":"%s","pin":"1234","barcode":"%s","agencyId":"%s","branchId":"main"}
"""
                .formatted(transaction, second, secondItem, agency));

    assertEquals(201, other.status(), other.body().toString());
  }
}
