package dk.library.circulation.testing;

import dk.library.circulation.server.CirculationServer;
import java.time.Clock;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real server on the shared node for one test class, started before its first test and stopped
 * after its last, with the test's clock and an operator's {@link Api} on it. Register it as a
 * static field with {@code @RegisterExtension}.
 */
public final class ServerPerClass implements BeforeAllCallback, AfterAllCallback {

  private final Clock clock;
  private CirculationServer server;
  private Api api;

  public ServerPerClass(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = TestServers.start(clock);
    api = new Api(server.port());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }

  public CirculationServer server() {
    return server;
  }

  /** The operator's client; {@code staff(agency)} and {@code terminal(agency)} give the others. */
  public int port() {
    return server.port();
  }

  public Api api() {
    return api;
  }
}
