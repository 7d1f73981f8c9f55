package dk.library.circulation.cache;

import dk.library.circulation.CborSerializable;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Tells every node of the cluster that a record kept by a {@link NodeCache} changed: one pub-sub
 * topic, one subscriber per node, which drops that node's copy. A node ignores its own
 * announcements (it already keeps the new value).
 */
public final class CacheInvalidations implements Extension {

  private static final class Id extends ExtensionId<CacheInvalidations> {
    @Override
    public CacheInvalidations createExtension(ActorSystem<?> system) {
      return start(system);
    }
  }

  private static final Id ID = new Id();

  /** This node's announcements, started on first use. */
  public static CacheInvalidations get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** A changed record: which cache, which key, and the node that changed it. */
  public record Changed(String cache, String key, String node) implements CborSerializable {}

  private final String node = UUID.randomUUID().toString();
  private final Map<String, Consumer<String>> caches = new ConcurrentHashMap<>();
  private final ActorRef<Topic.Command<Changed>> topic;

  private CacheInvalidations(ActorRef<Topic.Command<Changed>> topic) {
    this.topic = topic;
  }

  private static CacheInvalidations start(ActorSystem<?> system) {
    ActorRef<Topic.Command<Changed>> topic =
        system.systemActorOf(
            Topic.create(Changed.class, "node-cache-changes"),
            "node-cache-changes",
            Props.empty());
    CacheInvalidations invalidations = new CacheInvalidations(topic);
    ActorRef<Changed> subscriber =
        system.systemActorOf(
            Behaviors.receive(Changed.class)
                .onMessage(
                    Changed.class,
                    changed -> {
                      invalidations.received(changed);
                      return Behaviors.same();
                    })
                .build(),
            "node-cache-subscriber",
            Props.empty());
    topic.tell(Topic.subscribe(subscriber));
    return invalidations;
  }

  void register(String cache, Consumer<String> forget) {
    caches.put(cache, forget);
  }

  void announce(String cache, String key) {
    topic.tell(Topic.publish(new Changed(cache, key, node)));
  }

  private void received(Changed changed) {
    Consumer<String> forget = caches.get(changed.cache());
    if (forget != null && !changed.node().equals(node)) {
      forget.accept(changed.key());
    }
  }
}
