package dk.library.circulation.booking;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/** The bookable resources of one agency's branches (R44), as staff define them. */
public final class ResourceCatalogue
    extends MeasuredEntity<
        ResourceCatalogue.Command, ResourceCatalogue.Event, ResourceCatalogue.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "ResourceCatalogue");

  public sealed interface Command extends CborSerializable {}

  /** Creates the resource or changes its definition; the same definition again changes nothing. */
  public record Define(Resource resource, String definedBy, ActorRef<Reply> replyTo)
      implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  public record Catalogue(List<Resource> resources) implements Reply {}

  public sealed interface Reply extends CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record Defined(Resource resource, String definedBy, Instant at) implements Event {}

  public record State(Map<String, Resource> resources) implements CborSerializable {

    State apply(Event event) {
      Defined e = (Defined) event;
      Map<String, Resource> next = new LinkedHashMap<>(resources);
      next.put(e.resource().resourceId(), e.resource());
      return new State(next);
    }
  }

  private final Clock clock;

  private ResourceCatalogue(String agencyId, Clock clock) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), agencyId), ENTITY_TYPE_KEY.name());
    this.clock = clock;
  }

  public static Behavior<Command> create(String agencyId, Clock clock) {
    return new ResourceCatalogue(agencyId, clock);
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return this::handle;
  }

  private ReplyEffect<Event, State> handle(State state, Command command) {
    if (command instanceof Define cmd) {
      Decision<Event> decision =
          cmd.resource().equals(state.resources().get(cmd.resource().resourceId()))
              ? Decision.unchanged()
              : Decision.persist(new Defined(cmd.resource(), cmd.definedBy(), clock.instant()));
      return Replies.decide(
          Effect(),
          decision,
          cmd.replyTo(),
          s -> new Catalogue(List.copyOf(s.resources().values())),
          rejection -> {
            throw new IllegalStateException("defining a resource is never refused");
          });
    }
    Get cmd = (Get) command;
    return Effect().reply(cmd.replyTo(), new Catalogue(List.copyOf(state.resources().values())));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
