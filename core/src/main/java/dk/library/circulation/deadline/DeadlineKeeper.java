package dk.library.circulation.deadline;

import dk.library.circulation.metrics.EntityMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Works the deadline index: one per cluster (a cluster singleton, so it moves to another node when
 * its node leaves). Every {@code interval} it reads what is due by the injected clock, wakes each
 * target and removes a deadline only after its target has handled it, so a deadline is handed out
 * at least once, also when this node stopped across it. A round wakes at most {@code parallelism}
 * targets at a time, at a rate that yields to the serving path ({@link YieldingPace}: up to {@code
 * perSecond} while patrons' requests are quick, down to {@code floorPerSecond} while they are
 * slow), and the next round is read only when one is done: a burst (every loan due the same day) is
 * worked through without crowding out the patrons at the machines, and what is left when a node
 * stops is still in the index for the next.
 */
public final class DeadlineKeeper {

  /** Deadlines read per round; the next round follows at once when a round was full. */
  static final int BATCH = 200;

  /**
   * How often the index is read, how many targets are woken at a time, and how many in a second:
   * {@code perSecond} while the serving path is quick, never fewer than {@code floorPerSecond}.
   * Rounds read on from the last deadline read, and from the start again once {@code rescan} has
   * passed: that is when a deadline whose target failed, or one written already overdue behind the
   * rounds, is found.
   */
  public record Pace(
      Duration interval, int parallelism, int perSecond, int floorPerSecond, Duration rescan) {

    public Pace {
      if (parallelism < 1 || floorPerSecond < 1 || perSecond < floorPerSecond) {
        throw new IllegalArgumentException(
            "deadlines.parallelism and floor-per-second must be >= 1, per-second >= the floor");
      }
    }

    /** One target at a time, as fast as they answer, from the start every round: for tests. */
    public static Pace every(Duration interval) {
      return new Pace(interval, 1, 1_000_000, 1_000_000, interval);
    }
  }

  sealed interface Message {}

  private record Tick() implements Message {}

  /**
   * {@code last}: the last deadline the round read (null if none); {@code readAt}: the time it read
   * what was due by (null: the round failed, the next reads where it did).
   */
  private record RoundDone(int read, DeadlineIndex.Deadline last, Instant readAt)
      implements Message {}

  /**
   * Where the next round reads from, confined to the keeper's actor: after {@code after}, or from
   * the start at first and once {@code rescan} has passed since the last read from the start.
   */
  private static final class Sweep {
    private final long rescanNanos;
    private DeadlineIndex.Deadline after;
    private long lastFromStart;

    Sweep(Duration rescan) {
      this.rescanNanos = rescan.toNanos();
    }

    /** The deadline to read after in the round starting now; null: from the start. */
    DeadlineIndex.Deadline next(long nanoTime) {
      if (after == null || nanoTime - lastFromStart >= rescanNanos) {
        lastFromStart = nanoTime;
        return null;
      }
      return after;
    }

    /**
     * After a full round the next reads on after its last deadline; after one that read less,
     * everything due by its read time was seen, so the next reads on after that time (a day's
     * handled deadlines are not read again, also when nothing more is due).
     */
    void read(RoundDone done) {
      if (done.read() >= BATCH) {
        after = done.last();
        return;
      }
      DeadlineIndex.Deadline seen = new DeadlineIndex.Deadline("", done.readAt());
      after =
          done.last() != null && DeadlineIndex.Deadline.ORDER.compare(done.last(), seen) > 0
              ? done.last()
              : seen;
    }
  }

  private DeadlineKeeper() {}

  public static void start(
      ActorSystem<?> system,
      DeadlineIndex index,
      DeadlineTargets targets,
      Clock clock,
      Pace pace,
      ServingLoad serving) {
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(behavior(index, targets, clock, pace, serving))
                    .onFailure(SupervisorStrategy.restart()),
                "deadline-keeper"));
  }

  static Behavior<Message> behavior(
      DeadlineIndex index, DeadlineTargets targets, Clock clock, Pace pace, ServingLoad serving) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  // Operators (and the cluster test) see where the singleton runs and when it
                  // moved.
                  ctx.getLog()
                      .info("Deadline keeper running on this node, from the deadline index");
                  ctx.getSelf().tell(new Tick());
                  return idle(
                      ctx,
                      timers,
                      index,
                      targets,
                      clock,
                      pace,
                      new YieldingPace(pace, serving, System.nanoTime()),
                      new Sweep(pace.rescan()));
                }));
  }

  private static Behavior<Message> idle(
      ActorContext<Message> ctx,
      TimerScheduler<Message> timers,
      DeadlineIndex index,
      DeadlineTargets targets,
      Clock clock,
      Pace pace,
      YieldingPace rate,
      Sweep sweep) {
    return Behaviors.receive(Message.class)
        .onMessage(
            Tick.class,
            tick -> {
              ctx.pipeToSelf(
                  round(
                      ctx.getSystem(),
                      index,
                      targets,
                      clock,
                      pace,
                      rate,
                      sweep.next(System.nanoTime())),
                  (done, failure) -> {
                    if (failure != null) {
                      ctx.getLog().warn("Deadline round failed, retrying: {}", failure.toString());
                    }
                    return failure == null ? done : new RoundDone(0, null, null);
                  });
              return working(ctx, timers, index, targets, clock, pace, rate, sweep);
            })
        .onMessage(RoundDone.class, done -> Behaviors.same())
        .build();
  }

  private static Behavior<Message> working(
      ActorContext<Message> ctx,
      TimerScheduler<Message> timers,
      DeadlineIndex index,
      DeadlineTargets targets,
      Clock clock,
      Pace pace,
      YieldingPace rate,
      Sweep sweep) {
    return Behaviors.receive(Message.class)
        .onMessage(Tick.class, tick -> Behaviors.same())
        .onMessage(
            RoundDone.class,
            done -> {
              if (done.readAt() != null) {
                sweep.read(done);
              }
              if (done.read() >= BATCH) {
                ctx.getSelf().tell(new Tick());
              } else {
                timers.startSingleTimer(new Tick(), pace.interval());
              }
              return idle(ctx, timers, index, targets, clock, pace, rate, sweep);
            })
        .build();
  }

  /**
   * Wakes every target due now after {@code after} (null: from the start) at the pace set; counts
   * the deadlines read and handled.
   */
  private static CompletionStage<RoundDone> round(
      ActorSystem<?> system,
      DeadlineIndex index,
      DeadlineTargets targets,
      Clock clock,
      Pace pace,
      YieldingPace rate,
      DeadlineIndex.Deadline after) {
    Instant now = clock.instant();
    return index
        .dueBy(now, BATCH, after)
        .thenCompose(
            due -> {
              EntityMetrics.deadlinesDue(
                  due.size(),
                  due.isEmpty() ? Duration.ZERO : Duration.between(due.get(0).due(), now));
              // A target that cannot be woken now keeps its deadline for the next read from the
              // start.
              return Source.from(List.copyOf(due))
                  .mapAsync(1, deadline -> permit(system, rate, deadline))
                  .mapAsyncUnordered(
                      pace.parallelism(),
                      deadline ->
                          targets
                              .wake(deadline.target(), deadline.due())
                              .thenCompose(done -> index.remove(deadline))
                              .handle((done, failure) -> failure == null ? 1 : 0))
                  .runWith(Sink.fold(0, Integer::sum), system)
                  .thenApply(
                      handled -> {
                        EntityMetrics.deadlinesHandled(handled);
                        return new RoundDone(
                            due.size(), due.isEmpty() ? null : due.get(due.size() - 1), now);
                      });
            });
  }

  /** The deadline, once the yielding pace lets the next target be woken. */
  private static CompletionStage<DeadlineIndex.Deadline> permit(
      ActorSystem<?> system, YieldingPace rate, DeadlineIndex.Deadline deadline) {
    long wait = rate.delay(System.nanoTime());
    return wait <= 0
        ? CompletableFuture.completedFuture(deadline)
        : Patterns.after(
            Duration.ofNanos(wait), system, () -> CompletableFuture.completedFuture(deadline));
  }
}
