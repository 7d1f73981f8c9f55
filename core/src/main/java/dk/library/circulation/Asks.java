package dk.library.circulation;

import dk.library.circulation.metrics.EntityMetrics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** Asking sharded entities from outside an actor; every ask is measured ({@link EntityMetrics}). */
public final class Asks {

  private Asks() {}

  /**
   * Asks an entity. Pekko answers with Scala's CompletionStage, which runs every following stage on
   * the default executor; with one free core (2-core machines) that executor starts a thread per
   * stage. The answer is moved into a plain CompletableFuture, completed on the replying thread, so
   * the caller's continuations run where the answer arrives.
   */
  public static <M, R> CompletionStage<R> ask(
      EntityRef<M> entity, Function<ActorRef<R>, M> command, Duration timeout) {
    CompletableFuture<R> answer = new CompletableFuture<>();
    long start = System.nanoTime();
    String[] name = {"?"};
    entity
        .ask(
            (ActorRef<R> replyTo) -> {
              M message = command.apply(replyTo);
              name[0] = message.getClass().getSimpleName();
              return message;
            },
            timeout)
        .whenCompleteAsync(
            (reply, failure) -> {
              String type = entity.getTypeKey().name();
              if (failure != null) {
                EntityMetrics.commandFailed(type, name[0]);
                answer.completeExceptionally(failure);
              } else {
                EntityMetrics.command(
                    type,
                    name[0],
                    reply instanceof Refusal refusal ? refusal.rejection().code().name() : null,
                    System.nanoTime() - start);
                answer.complete(reply);
              }
            },
            Runnable::run);
    return answer;
  }
}
