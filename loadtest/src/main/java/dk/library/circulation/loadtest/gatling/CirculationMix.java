package dk.library.circulation.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
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
 * by the benchmark) and {@link Soak} (one rate for a long time): checkouts 45%, returns 30%,
 * renewals 10%, patron status 10%, holds 5% (placed, then cancelled again outside the measured
 * transaction, so the copies stay free for checkouts). Items come off a shared shelf and loans go
 * back to it when returned, and each patron borrows at their own agency, so no request fails by
 * construction. The library is the benchmark's {@link Population}, imported before a simulation
 * runs; settings come as system properties.
 */
public abstract class CirculationMix extends Simulation {

  private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  private static final Population POPULATION = Population.fromSystemProperties();

  private record Loan(String barcode, String card) {}

  private static final ConcurrentLinkedQueue<String> SHELF = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<Loan> LOANS = new ConcurrentLinkedQueue<>();

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
                    percent(45.0).then(checkout),
                    percent(30.0).then(giveBack),
                    percent(10.0).then(renew),
                    percent(10.0).then(patronStatus),
                    percent(5.0).then(hold)))
        .exec(cancelHold);
  }

  /** Returns what is still on loan, so the next step starts with every copy on the shelf. */
  @Override
  public void after() {
    HttpClient client = HttpClient.newHttpClient();
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
