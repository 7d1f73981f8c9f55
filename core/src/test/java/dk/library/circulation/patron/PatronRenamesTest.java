package dk.library.circulation.patron;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.ReadUnder;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Journals written while the patron's events and state were nested in Patron stay readable. */
class PatronRenamesTest {

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
    PatronEvent event = new PatronEvent.HoldReleased("hold-1");
    assertEquals(event, readUnder("dk.library.circulation.patron.Patron$HoldReleased", event));
  }

  @Test
  void aSnapshotTakenUnderTheNestedStateNameIsReadAsTheSameState() {
    PatronState state = PatronState.empty().withHold("hold-1", "title-1");
    assertEquals(state, readUnder("dk.library.circulation.patron.Patron$State", state));
  }
}
