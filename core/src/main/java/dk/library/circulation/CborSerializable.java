package dk.library.circulation;

/**
 * Marker for every command, reply, event and snapshot: bound to jackson-cbor in serialization.conf,
 * so nothing ever falls back to Java serialization.
 */
public interface CborSerializable {}
