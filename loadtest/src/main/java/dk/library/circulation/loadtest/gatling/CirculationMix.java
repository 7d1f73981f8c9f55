package dk.library.circulation.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.doSwitch;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.onCase;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import dk.library.circulation.loadtest.Population;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The self-service peak's mix, shared by {@link NationalPeak} (one arrival rate per run, stepped up
 * by the benchmark) and {@link Soak} (one rate for a long time): checkouts 42.75%, returns 28.5%,
 * renewals 9.5%, patron status 9.5%, holds 4.75% (placed, then cancelled again outside the measured
 * transaction, so the copies stay free for checkouts) and interlibrary loans 5%: each arrival takes
 * the oldest request under way one step on (the lender's answer, the copy's arrival at the pickup
 * branch, the loan, the return) or places a new one (R29). Items come off a shared shelf and loans
 * go back to it when returned, and each patron borrows at their own agency, so no request fails by
 * construction. The library is the benchmark's {@link Population}, imported before a simulation
 * runs; settings come as system properties.
 */
public abstract class CirculationMix extends Simulation {

  private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  private static final Population POPULATION = Population.fromSystemProperties();

  private record Loan(String barcode, String card) {}

  private static final ConcurrentLinkedQueue<String> SHELF = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<Loan> LOANS = new ConcurrentLinkedQueue<>();

  /** An interlibrary request under way: the copy, its owner, the borrower, and its next step. */
  private record Interlibrary(
      String requestId,
      String barcode,
      String title,
      String lender,
      String borrower,
      String card,
      int step) {

    Interlibrary next() {
      return new Interlibrary(requestId, barcode, title, lender, borrower, card, step + 1);
    }
  }

  /** The steps of an interlibrary loan, each an arrival of its own. */
  private static final int PLACE = 0, ANSWER = 1, ARRIVE = 2, LEND = 3, RETURN = 4;

  private static final ConcurrentLinkedQueue<String> RARE_SHELF = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<Interlibrary> UNDER_WAY =
      new ConcurrentLinkedQueue<>();

  /** Requests a step of which failed, ended by {@link #after()}. */
  private static final ConcurrentLinkedQueue<Interlibrary> STRANDED = new ConcurrentLinkedQueue<>();

  static {
    List<Integer> order = new ArrayList<>();
    // Copies above shelfItems are on loan elsewhere in the run (the deadline burst's).
    int onShelf = Integer.getInteger("shelfItems", POPULATION.items());
    for (int i = 0; i < onShelf; i++) {
      order.add(i);
    }
    // A national peak touches copies all over the collection, most of them not borrowed lately.
    Collections.shuffle(order, new Random(1));
    for (int i : order) {
      SHELF.add(POPULATION.barcode(i));
    }
    for (int k = 0; k < POPULATION.interlibraryItems(); k++) {
      RARE_SHELF.add(POPULATION.interlibraryBarcode(k));
    }
  }

  private static String agencyOf(String barcode) {
    return POPULATION.agencyOfItem(POPULATION.itemIndex(barcode));
  }

  protected final HttpProtocolBuilder protocol =
      http.baseUrl(BASE_URL)
          .contentTypeHeader("application/json")
          .authorizationHeader("Bearer " + System.getProperty("terminalKey", ""))
          .shareConnections();

  private final ChainBuilder checkout =
      exec(session -> {
            String barcode = SHELF.poll();
            return barcode == null
                ? session.set("barcode", "")
                : session
                    .set("barcode", barcode)
                    .set("agency", agencyOf(barcode))
                    .set(
                        "card",
                        POPULATION.borrowerFor(
                            POPULATION.itemIndex(barcode), ThreadLocalRandom.current()))
                    .set("tx", UUID.randomUUID().toString());
          })
          .doIf(session -> !session.getString("barcode").isEmpty())
          .then(
              exec(http("checkout")
                      .post("/api/v1/checkouts")
                      .body(
                          StringBody(
                              "{\"transactionId\":\"#{tx}\",\"cardNumber\":\"#{card}\",\"pin\":\"1234\","
                                  + "\"barcode\":\"#{barcode}\",\"agencyId\":\"#{agency}\","
                                  + "\"branchId\":\"main\"}"))
                      .check(status().is(201)))
                  .exec(
                      session -> {
                        Loan loan =
                            new Loan(session.getString("barcode"), session.getString("card"));
                        if (session.isFailed()) {
                          SHELF.add(loan.barcode());
                        } else {
                          LOANS.add(loan);
                        }
                        return session;
                      }));

  private final ChainBuilder giveBack =
      exec(session -> {
            Loan loan = LOANS.poll();
            return loan == null
                ? session.set("barcode", "")
                : session
                    .set("barcode", loan.barcode())
                    .set("agency", agencyOf(loan.barcode()))
                    .set("tx", UUID.randomUUID().toString());
          })
          .doIfOrElse(session -> !session.getString("barcode").isEmpty())
          .then(
              exec(http("return")
                      .post("/api/v1/returns")
                      .body(
                          StringBody(
                              "{\"transactionId\":\"#{tx}\",\"barcode\":\"#{barcode}\","
                                  + "\"agencyId\":\"#{agency}\",\"branchId\":\"main\"}"))
                      .check(status().is(200)))
                  .exec(
                      session -> {
                        SHELF.add(session.getString("barcode"));
                        return session;
                      }))
          .orElse(checkout);

  private final ChainBuilder renew =
      exec(session -> {
            Loan loan = LOANS.peek();
            return loan == null
                ? session.set("card", "")
                : session.set("card", loan.card()).set("barcode", loan.barcode());
          })
          .doIfOrElse(session -> !session.getString("card").isEmpty())
          .then(
              exec(
                  http("renewal")
                      .post("/api/v1/renewals")
                      .body(
                          StringBody(
                              "{\"cardNumber\":\"#{card}\",\"pin\":\"1234\",\"barcodes\":[\"#{barcode}\"]}"))
                      .check(status().in(200, 404, 422))))
          .orElse(checkout);

  private final ChainBuilder patronStatus =
      exec(session -> session.set("card", POPULATION.anyCard(ThreadLocalRandom.current())))
          .exec(
              http("patron status")
                  .post("/api/v1/patron-status")
                  .body(StringBody("{\"cardNumber\":\"#{card}\",\"pin\":\"1234\"}"))
                  .check(status().is(200)));

  /** A hold placed through the staff desk on the title of a copy that is on loan. */
  private final ChainBuilder hold =
      exec(session -> {
            Loan loan = LOANS.peek();
            int item = loan == null ? 0 : POPULATION.itemIndex(loan.barcode());
            return session
                .set("card", POPULATION.borrowerFor(item, ThreadLocalRandom.current()))
                .set("agency", POPULATION.agencyOfItem(item))
                .set("holdId", UUID.randomUUID().toString())
                .set("title", POPULATION.titleOfItem(item));
          })
          .exec(
              http("hold")
                  .post("/api/v1/holds")
                  .header("Authorization", "Bearer " + System.getProperty("staffKey", ""))
                  .body(
                      StringBody(
                          "{\"holdId\":\"#{holdId}\",\"cardNumber\":\"#{card}\","
                              + "\"agencyId\":\"#{agency}\",\"titleId\":\"#{title}\","
                              + "\"pickupBranchId\":\"main\"}"))
                  .check(status().in(201, 409, 422)));

  /**
   * The hold cancelled again, so the shelf's copies stay free for checkouts. It loads the server
   * like any request but is the harness's clean-up, not a transaction of the mix: it runs after the
   * measured transaction, in the group {@link #CLEAN_UP}.
   */
  private final ChainBuilder cancelHold =
      doIf(session -> session.contains("holdId"))
          .then(
              group(CLEAN_UP)
                  .on(
                      exec(http("hold cancel")
                              .delete("/api/v1/agencies/#{agency}/titles/#{title}/holds/#{holdId}")
                              .header(
                                  "Authorization", "Bearer " + System.getProperty("staffKey", ""))
                              .check(status().in(200, 404)))
                          .exec(session -> session.remove("holdId"))));

  private static final String STAFF = "Bearer " + System.getProperty("staffKey", "");

  private final ChainBuilder interlibrary =
      exec(session -> {
            Interlibrary ill = UNDER_WAY.poll();
            if (ill == null) {
              String barcode = RARE_SHELF.poll();
              if (barcode == null) {
                return session.set("illStep", -1);
              }
              int copy = POPULATION.interlibraryIndex(barcode);
              int borrower = (copy + 1) % POPULATION.agencies();
              ill =
                  new Interlibrary(
                      UUID.randomUUID().toString(),
                      barcode,
                      POPULATION.interlibraryTitle(copy),
                      POPULATION.agencyId(copy % POPULATION.agencies()),
                      POPULATION.agencyId(borrower),
                      POPULATION.patronAt(borrower, ThreadLocalRandom.current()),
                      PLACE);
            }
            return session
                .set("ill", ill)
                .set("illStep", ill.step())
                .set("requestId", ill.requestId())
                .set("barcode", ill.barcode())
                .set("title", ill.title())
                .set("lender", ill.lender())
                .set("borrower", ill.borrower())
                .set("card", ill.card())
                .set("tx", UUID.randomUUID().toString());
          })
          .doIfOrElse(session -> session.getInt("illStep") >= 0)
          .then(
              doSwitch(session -> session.getInt("illStep"))
                  .on(
                      onCase(PLACE)
                          .then(
                              exec(
                                  http("ill request")
                                      .post("/api/v1/interlibrary-requests")
                                      .header("Authorization", STAFF)
                                      .body(
                                          StringBody(
                                              "{\"requestId\":\"#{requestId}\",\"cardNumber\":\"#{card}\","
                                                  + "\"agencyId\":\"#{borrower}\",\"pickupBranchId\":\"main\","
                                                  + "\"titleId\":\"#{title}\",\"lenders\":[\"#{lender}\"]}"))
                                      .check(status().is(201)))),
                      onCase(ANSWER)
                          .then(
                              exec(
                                  http("ill answer")
                                      .post("/api/v1/interlibrary-requests/#{requestId}/answers")
                                      .header("Authorization", STAFF)
                                      .body(
                                          StringBody(
                                              "{\"agencyId\":\"#{lender}\",\"status\":\"WillSupply\","
                                                  + "\"barcode\":\"#{barcode}\"}"))
                                      .check(status().is(200)))),
                      onCase(ARRIVE)
                          .then(
                              exec(
                                  http("ill arrival")
                                      .post("/api/v1/items/#{barcode}/arrival")
                                      .header("Authorization", STAFF)
                                      .body(
                                          StringBody(
                                              "{\"agencyId\":\"#{borrower}\",\"branchId\":\"main\"}"))
                                      .check(status().is(200)))),
                      onCase(LEND)
                          .then(
                              exec(
                                  http("ill checkout")
                                      .post("/api/v1/checkouts")
                                      .body(
                                          StringBody(
                                              "{\"transactionId\":\"#{tx}\",\"cardNumber\":\"#{card}\","
                                                  + "\"pin\":\"1234\",\"barcode\":\"#{barcode}\","
                                                  + "\"agencyId\":\"#{borrower}\",\"branchId\":\"main\"}"))
                                      .check(status().is(201)))),
                      onCase(RETURN)
                          .then(
                              exec(
                                  http("ill return")
                                      .post("/api/v1/returns")
                                      .body(
                                          StringBody(
                                              "{\"transactionId\":\"#{tx}\",\"barcode\":\"#{barcode}\","
                                                  + "\"agencyId\":\"#{borrower}\",\"branchId\":\"main\"}"))
                                      .check(status().is(200)))))
                  .exec(
                      session -> {
                        Interlibrary ill = session.get("ill");
                        if (session.isFailed()) {
                          STRANDED.add(ill);
                        } else if (ill.step() == RETURN) {
                          RARE_SHELF.add(ill.barcode());
                        } else {
                          UNDER_WAY.add(ill.next());
                        }
                        return session;
                      }))
          .orElse(checkout);

  /** The group of the requests a run measures; the benchmark reads its figures. */
  public static final String MEASURED = "measured";

  /** The group of the requests that only warm the server and the load generator's own JIT up. */
  public static final String WARM_UP = "warm-up";

  /** The group of the hold cancellations that keep the population steady. */
  public static final String CLEAN_UP = "clean-up";

  /**
   * The mix as a scenario of open arrivals, each arrival one transaction of one request in the
   * group {@code group}: Gatling reports each group's transactions with their percentiles, so
   * warm-up and measured arrivals of one run are told apart.
   */
  protected ScenarioBuilder mix(String group) {
    return scenario(group)
        .group(group)
        .on(
            randomSwitch()
                .on(
                    percent(42.75).then(checkout),
                    percent(28.5).then(giveBack),
                    percent(9.5).then(renew),
                    percent(9.5).then(patronStatus),
                    percent(4.75).then(hold),
                    percent(5.0).then(interlibrary)))
        .exec(cancelHold);
  }

  /**
   * Returns what is still on loan and ends the interlibrary requests under way (cancelled before
   * the loan, returned after it), so the next step starts with every copy on the shelf.
   */
  @Override
  public void after() {
    HttpClient client = HttpClient.newHttpClient();
    List<Interlibrary> open = new ArrayList<>(UNDER_WAY);
    open.addAll(STRANDED);
    for (Interlibrary ill : open) {
      // Its next (or failed) step is the return: the copy is lent; else cancelling frees it.
      boolean lent = ill.step() == RETURN;
      HttpRequest.Builder end =
          lent
              ? HttpRequest.newBuilder(URI.create(BASE_URL + "/api/v1/returns"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + System.getProperty("terminalKey", ""))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"transactionId\":\"%s\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\"}"
                              .formatted(UUID.randomUUID(), ill.barcode(), ill.borrower())))
              : HttpRequest.newBuilder(
                      URI.create(BASE_URL + "/api/v1/interlibrary-requests/" + ill.requestId()))
                  .header("Authorization", STAFF)
                  .DELETE();
      try {
        client.send(end.build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    for (Loan loan = LOANS.poll(); loan != null; loan = LOANS.poll()) {
      try {
        client.send(
            HttpRequest.newBuilder(URI.create(BASE_URL + "/api/v1/returns"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + System.getProperty("terminalKey", ""))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"transactionId\":\"%s\",\"barcode\":\"%s\",\"agencyId\":\"%s\",\"branchId\":\"main\"}"
                            .formatted(
                                UUID.randomUUID(), loan.barcode(), agencyOf(loan.barcode()))))
                .build(),
            HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
