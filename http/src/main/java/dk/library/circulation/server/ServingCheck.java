package dk.library.circulation.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * The readiness check of the management port (pekko.management.health-checks): ready once this
 * node's API is bound, not ready from the moment it starts to stop, so a load balancer sends no new
 * request to a node that is handing its entities off.
 */
public final class ServingCheck implements Supplier<CompletionStage<Boolean>> {

  private final Serving serving;

  /** Made by pekko-management, by reflection, with the node's actor system. */
  public ServingCheck(ActorSystem system) {
    this.serving = Serving.ID.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(serving.ready.get());
  }

  /** Whether this node's API takes requests; one per actor system. */
  public static final class Serving implements Extension {

    static final Id ID = new Id();

    private final AtomicBoolean ready = new AtomicBoolean();

    static void ready(org.apache.pekko.actor.typed.ActorSystem<?> system, boolean ready) {
      ID.get(system.classicSystem()).ready.set(ready);
    }

    static final class Id extends AbstractExtensionId<Serving> {
      @Override
      public Serving createExtension(ExtendedActorSystem system) {
        return new Serving();
      }
    }
  }
}
