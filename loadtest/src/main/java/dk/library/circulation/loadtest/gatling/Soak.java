package dk.library.circulation.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import java.time.Duration;

/**
 * The soak: the same mix ({@link CirculationMix}) at one fixed rate for a long time ({@code rate}
 * users per second for {@code seconds}, default 5 minutes), reached over a short ramp, for
 * stability and memory: the benchmark reads the server's RSS before and after it.
 */
public final class Soak extends CirculationMix {
  {
    double rate = Double.parseDouble(System.getProperty("rate", "50"));
    setUp(
            mix.injectOpen(
                rampUsersPerSec(1).to(rate).during(Duration.ofSeconds(10)),
                constantUsersPerSec(rate)
                    .during(Duration.ofSeconds(Integer.getInteger("seconds", 300)))))
        .protocols(protocol);
  }
}
