package dk.library.circulation.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/** Runs the circulation core until the process is stopped (Ctrl-C or SIGTERM). */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Config config = ConfigFactory.load();
    Duration offset = config.getDuration("library.clock-offset");
    if (!offset.isZero()) {
      LoggerFactory.getLogger(Main.class)
          .warn("The server's clock runs {} ahead of real time (library.clock-offset)", offset);
    }
    CirculationServer server =
        CirculationServer.start(config, Clock.offset(Clock.systemUTC(), offset));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "stop-circulation-server"));
    stopped.await();
  }
}
