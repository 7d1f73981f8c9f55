package dk.library.circulation.audit;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.retention.WholeErasure;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The audit trail of one day (in the library's time zone): an append-only list of staff and
 * operator actions, in the order they were recorded. One entity per day keeps each trail small
 * enough to read whole, and the journal makes it as durable as the loans it describes. R40: a day's
 * trail is erased whole {@link #KEPT_DAYS} days after the day ({@link AuditLog} indexes the
 * deadline with the day's first record).
 */
public final class AuditTrail
    extends MeasuredEntity<AuditTrail.Command, AuditTrail.Event, AuditTrail.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "AuditTrail");

  /**
   * How long staff actions are kept as evidence of who did what: six months. The records are masked
   * (a card's last four digits, ids of fees and payments, never a name or a PIN) for all of it.
   */
  public static final int KEPT_DAYS = 180;

  public sealed interface Command extends CborSerializable {}

  /** Replies once the record is in the journal. */
  public record Append(AuditRecord record, ActorRef<Appended> replyTo) implements Command {}

  public record Get(ActorRef<Records> replyTo) implements Command {}

  /** R40: erases the day's trail, journal and snapshots; answers once they are gone. */
  public record Erase(ActorRef<Erased> replyTo) implements Command {}

  record DayErased(ActorRef<Erased> replyTo, Throwable failure) implements Command {}

  public record Erased() implements CborSerializable {}

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
  private final ActorContext<Command> context;
  private final JournalEraser eraser;

  private AuditTrail(LocalDate day, ActorContext<Command> context, JournalEraser eraser) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), day.toString()), ENTITY_TYPE_KEY.name());
    this.day = day;
    this.context = context;
    this.eraser = eraser;
  }

  /** {@code entityId} is the day, as yyyy-MM-dd. */
  public static Behavior<Command> create(String entityId, JournalEraser eraser) {
    return Behaviors.setup(ctx -> new AuditTrail(LocalDate.parse(entityId), ctx, eraser));
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
        .onCommand(
            Erase.class,
            (state, cmd) ->
                WholeErasure.begin(Effect(), context, eraser, this, cmd.replyTo(), DayErased::new))
        .onCommand(
            DayErased.class,
            (state, cmd) ->
                WholeErasure.ended(Effect(), context, cmd.replyTo(), cmd.failure(), new Erased()))
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
