package dk.library.circulation.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;

import java.time.Duration;

/**
 * The national peak: the self-service mix ({@link CirculationMix}) as an open model at one arrival
 * rate ({@code rate} users per second for {@code seconds}), after {@code warmUpSeconds} at the same
 * rate whose transactions are not measured (group {@value CirculationMix#WARM_UP}): a fresh load
 * generator's first seconds are its own JIT, not the server. The benchmark runs it at rates rising
 * x1.5 per step to find the highest whose p99 stays under 50 ms with no errors; each step is a run
 * of its own, so each has its own Gatling report.
 */
public final class NationalPeak extends CirculationMix {
  {
    double rate = Double.parseDouble(System.getProperty("rate", "50"));
    setUp(
            mix(WARM_UP)
                .injectOpen(
                    constantUsersPerSec(rate)
                        .during(Duration.ofSeconds(Integer.getInteger("warmUpSeconds", 10))))
                .andThen(
                    mix(MEASURED)
                        .injectOpen(
                            constantUsersPerSec(rate)
                                .during(Duration.ofSeconds(Integer.getInteger("seconds", 20))))))
        .protocols(protocol);
  }
}
