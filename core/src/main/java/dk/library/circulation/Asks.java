package dk.library.circulation;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** Asking sharded entities from outside an actor. */
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
    entity
        .ask(command::apply, timeout)
        .whenCompleteAsync(
            (reply, failure) -> {
              if (failure != null) {
                answer.completeExceptionally(failure);
              } else {
                answer.complete(reply);
              }
            },
            Runnable::run);
    return answer;
  }
}
