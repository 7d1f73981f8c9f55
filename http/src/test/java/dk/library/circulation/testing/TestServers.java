package dk.library.circulation.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dk.library.circulation.server.CirculationServer;
import java.time.Clock;
import java.time.Duration;

/**
 * Real servers for tests: the application's own configuration, on free ports, on the shared node.
 */
public final class TestServers {

  /** The bootstrap operator key of every test server; a test value, never a production one. */
  public static final String OPERATOR_KEY = "test-operator-key-0123456789abcdefghijklmnop";

  /** Where the test servers' consoles look for load-test runs. */
  public static final String RESULTS_FOLDER = "target/console-runs";

  /** The person registry file of the test servers (FBS sign-up); tests add the people they need. */
  public static final String PERSON_REGISTRY = "target/person-registry.jsonl";

  /** The payment provider's page the test servers send patrons to (R36); nothing listens there. */
  public static final String PAYMENT_PROVIDER_URL = "https://pay.example.test/checkout";

  /** The key test servers check payment callbacks with, base64; the tests sign with it too. */
  public static final String PAYMENT_CALLBACK_KEY =
      "dGVzdC1wYXltZW50LWNhbGxiYWNrLWtleS0wMTIzNDU2Nzg5";

  private TestServers() {}

  /** The application configuration pointed at the test node, with free HTTP and cluster ports. */
  public static Config config() {
    return config(TestCassandra.node().nativePort());
  }

  /** As {@link #config()}, for a process that reaches the test node by its port alone. */
  public static Config config(int cassandraPort) {
    return ConfigFactory.parseString(
            """
library.http.port = 0
library.sip2.port = 0
pekko.remote.artery.canonical.port = 0
pekko.management.http.port = 0
library.cassandra.mode = external
library.cassandra.contact-points = "127.0.0.1:%d"
library.cassandra.keyspace = %s
library.cassandra.create-schema = off
library.deadlines.interval = 200ms
library.metrics.live-entities-interval = 200ms
library.notices.log-file = "target/notices-test.log"
library.console.sample-interval = 500ms
library.console.results-folder = "%s"
library.fbs.person-registry-file = "%s"
library.payments {
  provider-url = "%s"
  callback-key = "%s"
  callback-key-file = ""
}
library.security {
  bootstrap-operator-key = "%s"
  bootstrap-operator-key-file = ""
  cpr-lookup-key = "dGVzdC1jcHItbG9va3VwLWtleS0wMTIzNDU2Nzg5YWJjZGVm"
  cpr-lookup-key-file = ""
  pin-key = "dGVzdC1waW4ta2V5LTAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5"
  pin-key-file = ""
  requests-per-second { terminal = 100000, staff = 100000, network = 100000, operator = 100000, patron = 100000, door = 100000 }
}
"""
                .formatted(
                    cassandraPort,
                    TestCassandra.KEYSPACE,
                    RESULTS_FOLDER,
                    PERSON_REGISTRY,
                    PAYMENT_PROVIDER_URL,
                    PAYMENT_CALLBACK_KEY,
                    OPERATOR_KEY))
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  public static CirculationServer start(Clock clock) {
    return CirculationServer.start(config(), clock);
  }

  /** A server in initial-load mode (agencies, clients and imports only) on the shared node. */
  public static CirculationServer startInitialLoad(Clock clock) {
    return start("initial-load", Duration.ofSeconds(35), clock);
  }

  /** A server in {@code mode} that waits at most {@code patience} for servers it must not join. */
  public static CirculationServer start(String mode, Duration patience, Clock clock) {
    return CirculationServer.start(
        ConfigFactory.parseString(
                "library.mode = %s\nlibrary.running-servers-patience = %d ms"
                    .formatted(mode, patience.toMillis()))
            .withFallback(config()),
        clock);
  }
}
