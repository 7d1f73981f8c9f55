package dk.library.circulation.ill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
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
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(value);
    assertEquals(value.getClass().getName(), Serializers.manifestFor(serializer, value));
    byte[] bytes = serializer.toBinary(value);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
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
