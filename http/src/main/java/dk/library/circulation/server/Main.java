package dk.library.circulation.server;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Runs the circulation core until the process is stopped (Ctrl-C or SIGTERM). */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    CirculationServer server = CirculationServer.start(ConfigFactory.load(), Clock.systemUTC());
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
