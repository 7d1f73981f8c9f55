package dk.library.circulation.cassandra;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Pekko's Java API hands back Scala futures converted to {@code CompletableFuture}s whose non-async
 * methods ({@code thenCompose}, {@code thenApply}...) run their function asynchronously on the
 * default executor; with fewer than three cores that executor starts a new thread for every such
 * stage ({@code CompletableFuture.ThreadPerTaskExecutor}): in benchmark run 27, 94,000 threads in
 * one serving server, one per deadline written. A stage continued here runs on the thread that
 * completed the future instead, and what follows it is an ordinary {@code CompletableFuture}.
 */
final class Inline {

  private Inline() {}

  static <T> CompletionStage<T> of(CompletionStage<T> converted) {
    return converted.thenApplyAsync(Function.identity(), Runnable::run);
  }
}
