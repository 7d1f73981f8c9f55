package dk.library.circulation.agency;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/** One library authority (a municipality's libraries) and its branches. */
public final class Agency extends MeasuredEntity<Agency.Command, Agency.Event, Agency.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Agency");

  public sealed interface Command extends CborSerializable {}

  public record Create(String name, List<Branch> branches, ActorRef<Reply> replyTo)
      implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Found(Details agency) implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  public sealed interface Event extends CborSerializable {}

  public record Created(String agencyId, String name, List<Branch> branches) implements Event {}

  /** What an agency is, once created; its policy is the agency's {@code Policy} entity. */
  public record Details(String agencyId, String name, List<Branch> branches)
      implements CborSerializable {
    public boolean hasBranch(String branchId) {
      return branches.stream().anyMatch(b -> b.branchId().equals(branchId));
    }
  }

  /** {@code agency} is null until the agency is created. */
  public record State(Details agency) implements CborSerializable {
    public boolean exists() {
      return agency != null;
    }
  }

  private final String agencyId;

  private Agency(String agencyId) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), agencyId), ENTITY_TYPE_KEY.name());
    this.agencyId = agencyId;
  }

  public static Behavior<Command> create(String agencyId) {
    return new Agency(agencyId);
  }

  @Override
  public State emptyState() {
    return new State(null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Create.class,
            (state, cmd) ->
                Replies.decide(
                    Effect(),
                    AgencyRules.create(state, agencyId, cmd),
                    cmd.replyTo(),
                    s -> new Found(s.agency()),
                    Rejected::new))
        .onCommand(
            Get.class,
            (state, cmd) ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        state.exists()
                            ? new Found(state.agency())
                            : new Rejected(AgencyRules.notFound(agencyId))))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Created.class,
            (state, e) -> new State(new Details(e.agencyId(), e.name(), e.branches())))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
