package dk.library.circulation.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.ReadUnder;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Journals written while the item's events and state were nested in Item stay readable. */
class ItemRenamesTest {

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
    ItemEvent event = new ItemEvent.LendCancelled("checkout-1");
    assertEquals(event, readUnder("dk.library.circulation.item.Item$LendCancelled", event));
  }

  @Test
  void aSnapshotTakenUnderTheNestedStateNameIsReadAsTheSameState() {
    ItemState state =
        ItemState.empty()
            .apply(
                new ItemEvent.ItemRegistered(
                    new ItemDetails(
                        "barcode-1", "title-1", "A title", "agency-1", "book", null, false),
                    "main"));
    assertNotNull(state.details());
    assertEquals(state, readUnder("dk.library.circulation.item.Item$State", state));
  }
}
