package dk.library.circulation.title;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.ReadUnder;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Journals written while the title's events and state were nested in Title stay readable. */
class TitleRenamesTest {

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
    TitleEvent event = new TitleEvent.CopyOffered("hold-1", "barcode-1");
    assertEquals(event, readUnder("dk.library.circulation.title.Title$CopyOffered", event));
  }

  @Test
  void aSnapshotTakenUnderTheNestedStateNameIsReadAsTheSameState() {
    TitleState state =
        TitleState.empty()
            .copyAdded(
                new TitleEvent.CopyAdded(
                    "agency-1", "title-1", "A title", new Copy("barcode-1", "book", true, null)))
            .releaseRequired(new TitleEvent.ReleaseRequired("hold-1", "barcode-1"));
    assertEquals(List.of(new TitleState.Release("hold-1", "barcode-1")), state.releases());
    assertEquals(state, readUnder("dk.library.circulation.title.Title$State", state));
  }
}
