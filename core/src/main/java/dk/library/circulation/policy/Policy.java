package dk.library.circulation.policy;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One agency's policy and every earlier version of it, keyed by agency id. Only the newest version
 * decides new transactions; the history says what applied when.
 */
public final class Policy extends MeasuredEntity<Policy.Command, Policy.Event, Policy.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Policy");

  public sealed interface Command extends CborSerializable {}

  public record Change(AgencyPolicy policy, String changedBy, ActorRef<Reply> replyTo)
      implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  public record GetVersions(ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Current(PolicyVersion version) implements Reply {}

  public record Versions(List<PolicyVersion> versions) implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  public sealed interface Event extends CborSerializable {}

  public record Changed(PolicyVersion version) implements Event {}

  /** One version: its number (from 1), the policy, when and by whom it was set. */
  public record PolicyVersion(int version, AgencyPolicy policy, Instant at, String changedBy)
      implements CborSerializable {}

  public record State(List<PolicyVersion> versions) implements CborSerializable {
    public PolicyVersion current() {
      return versions.isEmpty() ? null : versions.get(versions.size() - 1);
    }

    State with(PolicyVersion version) {
      List<PolicyVersion> next = new ArrayList<>(versions);
      next.add(version);
      return new State(List.copyOf(next));
    }
  }

  private final String agencyId;
  private final Clock clock;

  private Policy(String agencyId, Clock clock) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), agencyId), ENTITY_TYPE_KEY.name());
    this.agencyId = agencyId;
    this.clock = clock;
  }

  public static Behavior<Command> create(String agencyId, Clock clock) {
    return new Policy(agencyId, clock);
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Change.class,
            (state, cmd) ->
                Replies.decide(
                    Effect(),
                    PolicyRules.change(state, cmd, clock.instant()),
                    cmd.replyTo(),
                    s -> new Current(s.current()),
                    Rejected::new))
        .onCommand(
            Get.class,
            (state, cmd) ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        state.current() != null
                            ? new Current(state.current())
                            : new Rejected(notFound(agencyId))))
        .onCommand(
            GetVersions.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new Versions(state.versions())))
        .build();
  }

  public static Rejection notFound(String agencyId) {
    return Rejection.of(
        Rejection.Code.AGENCY_NOT_FOUND, "no agency with id " + agencyId + " is registered");
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Changed.class, (state, e) -> state.with(e.version()))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
