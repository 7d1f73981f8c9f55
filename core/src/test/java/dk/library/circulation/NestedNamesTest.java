package dk.library.circulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.ill.InterlibraryRequestEvent;
import dk.library.circulation.ill.InterlibraryRequestState;
import dk.library.circulation.item.ItemDetails;
import dk.library.circulation.item.ItemEvent;
import dk.library.circulation.item.ItemState;
import dk.library.circulation.patron.PatronEvent;
import dk.library.circulation.patron.PatronState;
import dk.library.circulation.title.Copy;
import dk.library.circulation.title.TitleEvent;
import dk.library.circulation.title.TitleState;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Journals written while an entity's events and state were nested in its class ({@code
 * Patron$HoldReleased}, {@code Item$State}) stay readable under the new names ({@link
 * NestedNames}).
 */
class NestedNamesTest {

  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Serializes {@code value} as the journal would and reads it back under {@code manifest}. */
  static Object readUnder(String manifest, Object value) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(value);
    assertEquals(value.getClass().getName(), Serializers.manifestFor(serializer, value));
    byte[] bytes = serializer.toBinary(value);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  @Test
  void aPatronEventAndSnapshotUnderTheirNestedNamesAreReadAsTheSame() {
    PatronEvent event = new PatronEvent.HoldReleased("hold-1");
    assertEquals(event, readUnder("dk.library.circulation.patron.Patron$HoldReleased", event));
    PatronState state =
        PatronState.empty().apply(new PatronEvent.HoldReserved("hold-1", "title-1"));
    assertNotEquals(PatronState.empty(), state);
    assertEquals(state, readUnder("dk.library.circulation.patron.Patron$State", state));
  }

  @Test
  void anItemEventAndSnapshotUnderTheirNestedNamesAreReadAsTheSame() {
    ItemEvent event = new ItemEvent.LendCancelled("checkout-1");
    assertEquals(event, readUnder("dk.library.circulation.item.Item$LendCancelled", event));
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

  @Test
  void aTitleEventAndSnapshotUnderTheirNestedNamesAreReadAsTheSame() {
    TitleEvent event = new TitleEvent.CopyOffered("hold-1", "barcode-1");
    assertEquals(event, readUnder("dk.library.circulation.title.Title$CopyOffered", event));
    TitleState state =
        TitleState.empty()
            .apply(
                new TitleEvent.CopyAdded(
                    "agency-1", "title-1", "A title", new Copy("barcode-1", "book", true, null)))
            .apply(new TitleEvent.ReleaseRequired("hold-1", "barcode-1"));
    assertEquals(List.of(new TitleState.Release("hold-1", "barcode-1")), state.releases());
    assertEquals(state, readUnder("dk.library.circulation.title.Title$State", state));
  }

  @Test
  void anInterlibraryRequestEventAndSnapshotUnderTheirNestedNamesAreReadAsTheSame() {
    InterlibraryRequestEvent event = new InterlibraryRequestEvent.PassedOn(2);
    assertEquals(
        event, readUnder("dk.library.circulation.ill.InterlibraryRequest$PassedOn", event));
    InterlibraryRequestState state =
        InterlibraryRequestState.empty()
            .apply(new InterlibraryRequestEvent.FromPartnerSeen("message-1"));
    assertNotEquals(InterlibraryRequestState.empty(), state);
    assertEquals(state, readUnder("dk.library.circulation.ill.InterlibraryRequest$State", state));
  }
}
