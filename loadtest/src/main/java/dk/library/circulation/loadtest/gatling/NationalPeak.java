package dk.library.circulation.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;

import java.time.Duration;

/**
 * The national peak: the self-service mix ({@link CirculationMix}) as an open model at one arrival
 * rate ({@code rate} users per second for {@code seconds}). The benchmark runs it at rates rising
 * x1.5 per step to find the highest whose p99 stays under 50 ms with no errors; each step is a run
 * of its own, so each has its own Gatling report.
 */
public final class NationalPeak extends CirculationMix {
  {
    setUp(
            mix.injectOpen(
                constantUsersPerSec(Double.parseDouble(System.getProperty("rate", "50")))
                    .during(Duration.ofSeconds(Integer.getInteger("seconds", 20)))))
        .protocols(protocol);
  }
}
