package dk.library.circulation.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import java.time.Duration;

/**
 * The soak: the same mix ({@link CirculationMix}) at one fixed rate for a long time ({@code rate}
 * users per second for {@code seconds}, default 5 minutes), reached over a 10-second ramp that is
 * not measured (group {@value CirculationMix#WARM_UP}), for stability and memory: the benchmark
 * reads the server's RSS before and after it.
 */
public final class Soak extends CirculationMix {
  {
    double rate = Double.parseDouble(System.getProperty("rate", "50"));
    setUp(
            mix(WARM_UP)
                .injectOpen(rampUsersPerSec(1).to(rate).during(Duration.ofSeconds(10)))
                .andThen(
                    mix(MEASURED)
                        .injectOpen(
                            constantUsersPerSec(rate)
                                .during(Duration.ofSeconds(Integer.getInteger("seconds", 300))))))
        .protocols(protocol);
  }
}
