package dk.library.circulation.ill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.ReadUnder;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Journals written while the interlibrary request's events and state were nested in
 * InterlibraryRequest stay readable.
 */
class InterlibraryRequestRenamesTest {

  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Object readUnder(String manifest, Object value) {
    return ReadUnder.manifest(testKit.system(), manifest, value);
  }

  @Test
  void anEventPersistedUnderItsNestedNameIsReadAsTheSameEvent() {
    InterlibraryRequestEvent event = new InterlibraryRequestEvent.PassedOn(2);
    assertEquals(
        event, readUnder("dk.library.circulation.ill.InterlibraryRequest$PassedOn", event));
  }

  @Test
  void aSnapshotTakenUnderTheNestedStateNameIsReadAsTheSameState() {
    InterlibraryRequestState state =
        InterlibraryRequestState.empty()
            .apply(new InterlibraryRequestEvent.FromPartnerSeen("message-1"));
    assertNotEquals(InterlibraryRequestState.empty(), state);
    assertEquals(state, readUnder("dk.library.circulation.ill.InterlibraryRequest$State", state));
  }
}
