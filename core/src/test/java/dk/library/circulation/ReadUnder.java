package dk.library.circulation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/** Serializes a value as the journal would and reads it back under an older class name. */
public final class ReadUnder {

  private ReadUnder() {}

  public static Object manifest(ActorSystem<?> system, String manifest, Object value) {
    Serialization serialization = SerializationExtension.get(system.classicSystem());
    Serializer serializer = serialization.findSerializerFor(value);
    assertEquals(value.getClass().getName(), Serializers.manifestFor(serializer, value));
    byte[] bytes = serializer.toBinary(value);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }
}
