package dk.library.circulation.deadline;

import dk.library.circulation.metrics.EntityMetrics;
import java.time.Clock;
import java.time.Duration;
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

/**
 * Works the deadline index: one per cluster (a cluster singleton, so it moves to another node when
 * its node leaves). Every {@code interval} it reads what is due by the injected clock, wakes each
 * target and removes a deadline only after its target has handled it, so a deadline is handed out
 * at least once, also when this node stopped across it.
 */
public final class DeadlineKeeper {

  /** Deadlines read per round; the next round follows at once when a round was full. */
  static final int BATCH = 200;

  sealed interface Message {}

  private record Tick() implements Message {}

  private record RoundDone(int handled) implements Message {}

  private DeadlineKeeper() {}

  public static void start(
      ActorSystem<?> system,
      DeadlineIndex index,
      DeadlineTargets targets,
      Clock clock,
      Duration interval) {
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(behavior(index, targets, clock, interval))
                    .onFailure(SupervisorStrategy.restart()),
                "deadline-keeper"));
  }

  static Behavior<Message> behavior(
      DeadlineIndex index, DeadlineTargets targets, Clock clock, Duration interval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.getSelf().tell(new Tick());
                  return idle(ctx, timers, index, targets, clock, interval);
                }));
  }

  private static Behavior<Message> idle(
      ActorContext<Message> ctx,
      TimerScheduler<Message> timers,
      DeadlineIndex index,
      DeadlineTargets targets,
      Clock clock,
      Duration interval) {
    return Behaviors.receive(Message.class)
        .onMessage(
            Tick.class,
            tick -> {
              ctx.pipeToSelf(
                  round(index, targets, clock),
                  (handled, failure) -> {
                    if (failure != null) {
                      ctx.getLog().warn("Deadline round failed, retrying: {}", failure.toString());
                    }
                    return new RoundDone(failure == null ? handled : 0);
                  });
              return working(ctx, timers, index, targets, clock, interval);
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
      Duration interval) {
    return Behaviors.receive(Message.class)
        .onMessage(Tick.class, tick -> Behaviors.same())
        .onMessage(
            RoundDone.class,
            done -> {
              if (done.handled() >= BATCH) {
                ctx.getSelf().tell(new Tick());
              } else {
                timers.startSingleTimer(new Tick(), interval);
              }
              return idle(ctx, timers, index, targets, clock, interval);
            })
        .build();
  }

  /** Wakes every target due now, one after another; counts the deadlines handled. */
  private static CompletionStage<Integer> round(
      DeadlineIndex index, DeadlineTargets targets, Clock clock) {
    return index
        .dueBy(clock.instant(), BATCH)
        .thenCompose(
            due -> {
              EntityMetrics.deadlinesDue(
                  due.size(),
                  due.isEmpty()
                      ? Duration.ZERO
                      : Duration.between(due.get(0).due(), clock.instant()));
              CompletionStage<Integer> chain = CompletableFuture.completedFuture(0);
              for (DeadlineIndex.Deadline deadline : List.copyOf(due)) {
                // A target that cannot be woken now keeps its deadline for the next round.
                chain =
                    chain.thenCompose(
                        n ->
                            targets
                                .wake(deadline.target(), deadline.due())
                                .thenCompose(done -> index.remove(deadline))
                                .handle((done, failure) -> failure == null ? n + 1 : n));
              }
              return chain.thenApply(
                  handled -> {
                    EntityMetrics.deadlinesHandled(handled);
                    return handled;
                  });
            });
  }
}
