package dk.library.circulation.audit;

import dk.library.circulation.Asks;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.retention.JournalEraser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Appends staff and operator actions to the day's {@link AuditTrail} and reads a day back. The
 * first record a node appends for a day indexes the day's erasure first (R40), so no trail is
 * written without the deadline that ends it.
 */
public final class AuditLog {

  private static final String DEADLINE_PREFIX = "AuditTrail/";

  private final ClusterSharding sharding;
  private final ZoneId zone;
  private final Duration askTimeout;
  private final DeadlineIndex deadlines;

  /** The days whose erasure this node has indexed (or is indexing). */
  private final ConcurrentMap<LocalDate, CompletableFuture<Done>> indexed =
      new ConcurrentHashMap<>();

  private AuditLog(
      ClusterSharding sharding, ZoneId zone, Duration askTimeout, DeadlineIndex deadlines) {
    this.sharding = sharding;
    this.zone = zone;
    this.askTimeout = askTimeout;
    this.deadlines = deadlines;
  }

  public static AuditLog start(
      ActorSystem<?> system,
      ZoneId zone,
      Duration askTimeout,
      DeadlineIndex deadlines,
      JournalEraser eraser) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(AuditTrail.ENTITY_TYPE_KEY, ctx -> AuditTrail.create(ctx.getEntityId(), eraser)));
    return new AuditLog(sharding, zone, askTimeout, deadlines);
  }

  /** When the trail of {@code day} is erased: {@link AuditTrail#KEPT_DAYS} after the day. */
  public Instant keptUntil(LocalDate day) {
    return day.plusDays(AuditTrail.KEPT_DAYS + 1).atStartOfDay(zone).toInstant();
  }

  public static boolean isTarget(String target) {
    return target.startsWith(DEADLINE_PREFIX);
  }

  /** Completes once the record is durable. */
  public CompletionStage<AuditTrail.Appended> append(AuditRecord record) {
    LocalDate day = LocalDate.ofInstant(record.at(), zone);
    return erasureIndexed(day)
        .thenCompose(
            done ->
                Asks.ask(
                    trail(day),
                    (ActorRef<AuditTrail.Appended> r) -> new AuditTrail.Append(record, r),
                    askTimeout));
  }

  public CompletionStage<AuditTrail.Records> day(LocalDate day) {
    return Asks.ask(trail(day), AuditTrail.Get::new, askTimeout);
  }

  /** R40: erases the trail of the day an erasure deadline names. */
  public CompletionStage<Done> erase(String target) {
    LocalDate day = LocalDate.parse(target.substring(DEADLINE_PREFIX.length()));
    return Asks.ask(trail(day), AuditTrail.Erase::new, askTimeout)
        .thenApply(erased -> Done.getInstance());
  }

  public LocalDate today(Clock clock) {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  private EntityRef<AuditTrail.Command> trail(LocalDate day) {
    return sharding.entityRefFor(AuditTrail.ENTITY_TYPE_KEY, day.toString());
  }

  private CompletionStage<Done> erasureIndexed(LocalDate day) {
    CompletableFuture<Done> index =
        indexed.computeIfAbsent(
            day,
            d ->
                deadlines
                    .schedule(new DeadlineIndex.Deadline(DEADLINE_PREFIX + d, keptUntil(d)))
                    .toCompletableFuture());
    // Days long past leave the map; a failed index is tried again by the next record.
    indexed.keySet().removeIf(d -> d.isBefore(day.minusDays(1)));
    return index.whenComplete(
        (done, failure) -> {
          if (failure != null) {
            indexed.remove(day, index);
          }
        });
  }
}
