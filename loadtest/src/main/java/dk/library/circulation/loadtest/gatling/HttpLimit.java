package dk.library.circulation.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * The HTTP limit under the national peak's injection: the same open model at one arrival rate, each
 * arrival one POST of a checkout-sized JSON body to the benchmark's trivial Pekko HTTP endpoint
 * (nothing behind it), at levels rising x{@value #FACTOR} as {@link NationalPeak}'s steps do, all
 * in one run: each level's requests carry its rate in their name, so the report has each level's
 * figures. The highest level with p99 <= 50 ms and no errors (and none failing below it) is the
 * most HTTP alone carries with this client on this machine. The run starts with 5 s of requests
 * named {@code warm-up echo} ({@code warmUpSeconds} at {@code warmUpRate}, by default the first
 * level's rate), so no level times the load generator's own JIT warm-up. The same simulation at the
 * national peak's rates, warmed at a high rate, is the machine's floor (see {@code
 * Baselines.floor}).
 */
public final class HttpLimit extends Simulation {

  /** Each level's rate is the one before it times this, as the national peak's steps are. */
  public static final double FACTOR = 1.5;

  private static ScenarioBuilder echo(String name) {
    return scenario(name)
        .exec(
            http(name)
                .post("/echo")
                .body(
                    StringBody(
                        "{\"transactionId\":\"co-1\",\"cardNumber\":\"9000000001\","
                            + "\"pin\":\"1234\",\"barcode\":\"B1\","
                            + "\"agencyId\":\"DK-BENCH-01\",\"branchId\":\"main\"}"))
                .check(status().is(201)));
  }

  /** The name of one level's requests, as the benchmark reads them from the report. */
  public static String level(double rate) {
    return String.format("echo at %.0f/s", rate);
  }

  {
    double start = Double.parseDouble(System.getProperty("rate", "500"));
    int levels = Integer.getInteger("levels", 8);
    int seconds = Integer.getInteger("seconds", 10);
    PopulationBuilder rest = null;
    for (int k = levels - 1; k >= 0; k--) {
      double rate = start * Math.pow(FACTOR, k);
      PopulationBuilder level =
          echo(level(rate))
              .injectOpen(constantUsersPerSec(rate).during(Duration.ofSeconds(seconds)));
      rest = rest == null ? level : level.andThen(rest);
    }
    double warmUpRate = Double.parseDouble(System.getProperty("warmUpRate", String.valueOf(start)));
    setUp(
            echo("warm-up echo")
                .injectOpen(
                    constantUsersPerSec(warmUpRate)
                        .during(Duration.ofSeconds(Integer.getInteger("warmUpSeconds", 5))))
                .andThen(rest))
        .protocols(
            http.baseUrl(System.getProperty("baseUrl", "http://127.0.0.1:8080"))
                .contentTypeHeader("application/json")
                .authorizationHeader("Bearer " + System.getProperty("terminalKey", ""))
                .shareConnections());
  }
}
