package dk.library.circulation.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Rejection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiClientEntityTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  EventSourcedBehaviorTestKit<ApiClient.Command, ApiClient.Event, ApiClient.State> client;

  @BeforeEach
  void setUp() {
    client =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), ApiClient.create("terminal-gentofte-1", CLOCK));
    client.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private ApiClient.Reply register() {
    return client
        .<ApiClient.Reply>runCommand(
            r ->
                new ApiClient.Register(
                    "Self-service 1, Hovedbiblioteket",
                    Role.TERMINAL,
                    List.of("DK-715700"),
                    20,
                    "hash-1",
                    "bootstrap-operator",
                    r))
        .reply();
  }

  @Test
  void aRegisteredClientKeepsItsRoleAgenciesAndKeyHashAcrossRestarts() {
    ApiClient.Found found = assertInstanceOf(ApiClient.Found.class, register());
    assertEquals(Role.TERMINAL, found.client().role());
    client.restart();
    ApiClient.Details details = client.getState().client();
    assertEquals(List.of("DK-715700"), details.agencies());
    assertEquals("hash-1", details.keyHash());
    assertEquals(CLOCK.instant(), details.registeredAt());
    assertFalse(details.revoked());
  }

  @Test
  void aClientIdIsRegisteredOnce() {
    register();
    ApiClient.Rejected again = assertInstanceOf(ApiClient.Rejected.class, register());
    assertEquals(Rejection.Code.CLIENT_ALREADY_REGISTERED, again.rejection().code());
  }

  @Test
  void rotatingTheKeyReplacesTheStoredHash() {
    register();
    var rotated = client.<ApiClient.Reply>runCommand(r -> new ApiClient.RotateKey("hash-2", r));
    assertEquals("hash-2", ((ApiClient.Found) rotated.reply()).client().keyHash());
    assertEquals("hash-2", client.getState().client().keyHash());
  }

  @Test
  void aRevokedClientStaysRevokedAndGetsNoNewKey() {
    register();
    var revoked = client.<ApiClient.Reply>runCommand(r -> new ApiClient.Revoke("operator-1", r));
    assertNotNull(((ApiClient.Found) revoked.reply()).client().revokedAt());
    var again = client.<ApiClient.Reply>runCommand(r -> new ApiClient.Revoke("operator-1", r));
    assertTrue(again.hasNoEvents());
    var rotate = client.<ApiClient.Reply>runCommand(r -> new ApiClient.RotateKey("hash-3", r));
    assertEquals(
        Rejection.Code.CLIENT_REVOKED,
        assertInstanceOf(ApiClient.Rejected.class, rotate.reply()).rejection().code());
    client.restart();
    assertTrue(client.getState().client().revoked());
  }

  @Test
  void anUnknownClientIsNotFound() {
    var rotate = client.<ApiClient.Reply>runCommand(r -> new ApiClient.RotateKey("hash", r));
    assertEquals(
        Rejection.Code.CLIENT_NOT_FOUND,
        assertInstanceOf(ApiClient.Rejected.class, rotate.reply()).rejection().code());
    assertTrue(rotate.hasNoEvents());
  }
}
