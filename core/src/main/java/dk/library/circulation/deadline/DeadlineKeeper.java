package dk.library.circulation.deadline;

import dk.library.circulation.metrics.EntityMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Works the deadline index: one per cluster (a cluster singleton, so it moves to another node when
 * its node leaves). Every {@code interval} it reads what is due by the injected clock, wakes each
 * target and removes a deadline only after its target has handled it, so a deadline is handed out
 * at least once, also when this node stopped across it. A round wakes at most {@code parallelism}
 * targets at a time and {@code perSecond} in a second, and the next round is read only when one is
 * done: a burst (every loan due the same day) is worked through at a steady pace, and what is left
 * when a node stops is still in the index for the next.
 */
public final class DeadlineKeeper {

  /** Deadlines read per round; the next round follows at once when a round was full. */
  static final int BATCH = 200;

  /** How often the index is read, and how many targets are woken at a time and per second. */
  public record Pace(Duration interval, int parallelism, int perSecond) {

    public Pace {
      if (parallelism < 1 || perSecond < 1) {
        throw new IllegalArgumentException("deadlines.parallelism and per-second must be >= 1");
      }
    }

    /** One target at a time, as fast as they answer: for tests. */
    public static Pace every(Duration interval) {
      return new Pace(interval, 1, 1_000_000);
    }
  }

  sealed interface Message {}

  private record Tick() implements Message {}

  private record RoundDone(int handled) implements Message {}

  private DeadlineKeeper() {}

  public static void start(
      ActorSystem<?> system, DeadlineIndex index, DeadlineTargets targets, Clock clock, Pace pace) {
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(behavior(index, targets, clock, pace))
                    .onFailure(SupervisorStrategy.restart()),
                "deadline-keeper"));
  }

  static Behavior<Message> behavior(
      DeadlineIndex index, DeadlineTargets targets, Clock clock, Pace pace) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.getSelf().tell(new Tick());
                  return idle(ctx, timers, index, targets, clock, pace);
                }));
  }

  private static Behavior<Message> idle(
      ActorContext<Message> ctx,
      TimerScheduler<Message> timers,
      DeadlineIndex index,
      DeadlineTargets targets,
      Clock clock,
      Pace pace) {
    return Behaviors.receive(Message.class)
        .onMessage(
            Tick.class,
            tick -> {
              ctx.pipeToSelf(
                  round(ctx.getSystem(), index, targets, clock, pace),
                  (handled, failure) -> {
                    if (failure != null) {
                      ctx.getLog().warn("Deadline round failed, retrying: {}", failure.toString());
                    }
                    return new RoundDone(failure == null ? handled : 0);
                  });
              return working(ctx, timers, index, targets, clock, pace);
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
      Pace pace) {
    return Behaviors.receive(Message.class)
        .onMessage(Tick.class, tick -> Behaviors.same())
        .onMessage(
            RoundDone.class,
            done -> {
              if (done.handled() >= BATCH) {
                ctx.getSelf().tell(new Tick());
              } else {
                timers.startSingleTimer(new Tick(), pace.interval());
              }
              return idle(ctx, timers, index, targets, clock, pace);
            })
        .build();
  }

  /** Wakes every target due now at the pace set; counts the deadlines handled. */
  private static CompletionStage<Integer> round(
      ActorSystem<?> system, DeadlineIndex index, DeadlineTargets targets, Clock clock, Pace pace) {
    return index
        .dueBy(clock.instant(), BATCH)
        .thenCompose(
            due -> {
              EntityMetrics.deadlinesDue(
                  due.size(),
                  due.isEmpty()
                      ? Duration.ZERO
                      : Duration.between(due.get(0).due(), clock.instant()));
              // A target that cannot be woken now keeps its deadline for the next round.
              return Source.from(List.copyOf(due))
                  .throttle(pace.perSecond(), Duration.ofSeconds(1))
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
                        return handled;
                      });
            });
  }
}
