package dk.library.circulation.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

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
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The self-service peak as an open model at one arrival rate ({@code rate} users per second for
 * {@code seconds}); the benchmark runs it at rising rates to find the highest whose p99 stays under
 * 50 ms with no errors. The mix: checkouts 45%, returns 30%, renewals 10%, patron status 10%, holds
 * 5% (placed and cancelled again). Items come off a shared shelf and loans go back to it when
 * returned, so no request fails by construction. The library (patrons {@code 9000000000+i}, items
 * {@code B<i>}, titles {@code T<i % 5000>}) is imported by the benchmark before this runs; settings
 * come as system properties.
 */
public final class NationalPeak extends Simulation {

  private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  private static final String AGENCY = System.getProperty("agency", "DK-BENCH");
  private static final int PATRONS = Integer.getInteger("patrons", 500);
  private static final int ITEMS = Integer.getInteger("items", 2000);

  private record Loan(String barcode, String card) {}

  private static final ConcurrentLinkedQueue<String> SHELF = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<Loan> LOANS = new ConcurrentLinkedQueue<>();

  static {
    for (int i = 0; i < ITEMS; i++) {
      SHELF.add("B" + i);
    }
  }

  private static String card() {
    return String.format("9%09d", ThreadLocalRandom.current().nextInt(PATRONS));
  }

  private final HttpProtocolBuilder protocol =
      http.baseUrl(BASE_URL)
          .contentTypeHeader("application/json")
          .authorizationHeader("Bearer " + System.getProperty("terminalKey", ""))
          .shareConnections();

  private final ChainBuilder checkout =
      exec(session -> {
            String barcode = SHELF.poll();
            return session
                .set("barcode", barcode == null ? "" : barcode)
                .set("card", card())
                .set("tx", UUID.randomUUID().toString());
          })
          .doIf(session -> !session.getString("barcode").isEmpty())
          .then(
              exec(http("checkout")
                      .post("/api/v1/checkouts")
                      .body(
                          StringBody(
                              "{\"transactionId\":\"#{tx}\",\"cardNumber\":\"#{card}\",\"pin\":\"1234\","
                                  + "\"barcode\":\"#{barcode}\",\"agencyId\":\""
                                  + AGENCY
                                  + "\",\"branchId\":\"main\"}"))
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
            return session
                .set("barcode", loan == null ? "" : loan.barcode())
                .set("tx", UUID.randomUUID().toString());
          })
          .doIfOrElse(session -> !session.getString("barcode").isEmpty())
          .then(
              exec(http("return")
                      .post("/api/v1/returns")
                      .body(
                          StringBody(
                              "{\"transactionId\":\"#{tx}\",\"barcode\":\"#{barcode}\",\"agencyId\":\""
                                  + AGENCY
                                  + "\",\"branchId\":\"main\"}"))
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
      exec(session -> session.set("card", card()))
          .exec(
              http("patron status")
                  .post("/api/v1/patron-status")
                  .body(StringBody("{\"cardNumber\":\"#{card}\",\"pin\":\"1234\"}"))
                  .check(status().is(200)));

  /**
   * A hold placed through the staff desk on the title of a copy that is on loan, and cancelled
   * again (so the loop's copies stay free for checkouts).
   */
  private final ChainBuilder hold =
      exec(session -> {
            Loan loan = LOANS.peek();
            int item = loan == null ? 0 : Integer.parseInt(loan.barcode().substring(1));
            return session
                .set("card", card())
                .set("holdId", UUID.randomUUID().toString())
                .set("title", "T" + (item % 5000));
          })
          .exec(
              http("hold")
                  .post("/api/v1/holds")
                  .header("Authorization", "Bearer " + System.getProperty("staffKey", ""))
                  .body(
                      StringBody(
                          "{\"holdId\":\"#{holdId}\",\"cardNumber\":\"#{card}\",\"agencyId\":\""
                              + AGENCY
                              + "\",\"titleId\":\"#{title}\",\"pickupBranchId\":\"main\"}"))
                  .check(status().in(201, 409, 422)))
          .exec(
              http("hold cancel")
                  .delete("/api/v1/agencies/" + AGENCY + "/titles/#{title}/holds/#{holdId}")
                  .header("Authorization", "Bearer " + System.getProperty("staffKey", ""))
                  .check(status().in(200, 404)));

  private final ScenarioBuilder peak =
      scenario("national peak")
          .exec(
              randomSwitch()
                  .on(
                      percent(45.0).then(checkout),
                      percent(30.0).then(giveBack),
                      percent(10.0).then(renew),
                      percent(10.0).then(patronStatus),
                      percent(5.0).then(hold)));

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
                            .formatted(UUID.randomUUID(), loan.barcode(), AGENCY)))
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

  /** One step of the search: a constant arrival rate; the benchmark runs one step per rate. */
  {
    setUp(
            peak.injectOpen(
                constantUsersPerSec(Double.parseDouble(System.getProperty("rate", "50")))
                    .during(Duration.ofSeconds(Integer.getInteger("seconds", 20)))))
        .protocols(protocol);
  }
}
