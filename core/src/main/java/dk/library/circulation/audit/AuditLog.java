package dk.library.circulation.audit;

import dk.library.circulation.Asks;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/** Appends staff and operator actions to the day's {@link AuditTrail} and reads a day back. */
public final class AuditLog {

  private final ClusterSharding sharding;
  private final ZoneId zone;
  private final Duration askTimeout;

  private AuditLog(ClusterSharding sharding, ZoneId zone, Duration askTimeout) {
    this.sharding = sharding;
    this.zone = zone;
    this.askTimeout = askTimeout;
  }

  public static AuditLog start(ActorSystem<?> system, ZoneId zone, Duration askTimeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(AuditTrail.ENTITY_TYPE_KEY, ctx -> AuditTrail.create(ctx.getEntityId())));
    return new AuditLog(sharding, zone, askTimeout);
  }

  /** Completes once the record is durable. */
  public CompletionStage<AuditTrail.Appended> append(AuditRecord record) {
    LocalDate day = LocalDate.ofInstant(record.at(), zone);
    return Asks.ask(
        sharding.entityRefFor(AuditTrail.ENTITY_TYPE_KEY, day.toString()),
        r -> new AuditTrail.Append(record, r),
        askTimeout);
  }

  public CompletionStage<AuditTrail.Records> day(LocalDate day) {
    return Asks.ask(
        sharding.entityRefFor(AuditTrail.ENTITY_TYPE_KEY, day.toString()),
        AuditTrail.Get::new,
        askTimeout);
  }

  public LocalDate today(Clock clock) {
    return LocalDate.ofInstant(clock.instant(), zone);
  }
}
