package dk.library.circulation.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the circulation core until the process is stopped (Ctrl-C or SIGTERM: the node leaves the
 * cluster gracefully) or the cluster downs this node (then the process ends with status 1, for its
 * supervisor to start a fresh one).
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(serve(ConfigFactory.load()));
  }

  /** Serves with {@code config} until stopped; the process's exit status. */
  public static int serve(Config config) {
    Duration offset = config.getDuration("library.clock-offset");
    if (!offset.isZero()) {
      log.warn("The server's clock runs {} ahead of real time (library.clock-offset)", offset);
    }
    CirculationServer server =
        CirculationServer.start(config, Clock.offset(Clock.systemUTC(), offset));
    Thread stop = new Thread(server::close, "stop-circulation-server");
    Runtime.getRuntime().addShutdownHook(stop);
    server.whenStopped().toCompletableFuture().join();
    try {
      Runtime.getRuntime().removeShutdownHook(stop);
    } catch (IllegalStateException shuttingDown) {
      // Stopped by a signal: the hook is closing the server; the JVM ends when it is done.
      return 0;
    }
    log.warn("This node's actor system stopped (downed by the cluster, or left it): exiting");
    server.close();
    return 1;
  }
}
