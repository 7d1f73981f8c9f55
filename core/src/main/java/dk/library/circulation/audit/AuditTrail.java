package dk.library.circulation.audit;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.metrics.MeasuredEntity;
import java.time.LocalDate;
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
 * The audit trail of one day (in the library's time zone): an append-only list of staff and
 * operator actions, in the order they were recorded. One entity per day keeps each trail small
 * enough to read whole, and the journal makes it as durable as the loans it describes.
 */
public final class AuditTrail
    extends MeasuredEntity<AuditTrail.Command, AuditTrail.Event, AuditTrail.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "AuditTrail");

  public sealed interface Command extends CborSerializable {}

  /** Replies once the record is in the journal. */
  public record Append(AuditRecord record, ActorRef<Appended> replyTo) implements Command {}

  public record Get(ActorRef<Records> replyTo) implements Command {}

  public record Appended(long sequenceNr) implements CborSerializable {}

  public record Records(LocalDate day, List<AuditRecord> records) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record Recorded(AuditRecord record) implements Event {}

  public record State(List<AuditRecord> records) implements CborSerializable {
    State append(AuditRecord record) {
      List<AuditRecord> all = new ArrayList<>(records.size() + 1);
      all.addAll(records);
      all.add(record);
      return new State(List.copyOf(all));
    }
  }

  private final LocalDate day;

  private AuditTrail(LocalDate day) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), day.toString()), ENTITY_TYPE_KEY.name());
    this.day = day;
  }

  /** {@code entityId} is the day, as yyyy-MM-dd. */
  public static Behavior<Command> create(String entityId) {
    return new AuditTrail(LocalDate.parse(entityId));
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
            Append.class,
            (state, cmd) ->
                Effect()
                    .persist(new Recorded(cmd.record()))
                    .thenReply(cmd.replyTo(), s -> new Appended(s.records().size())))
        .onCommand(
            Get.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new Records(day, state.records())))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Recorded.class, (state, e) -> state.append(e.record()))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }
}
