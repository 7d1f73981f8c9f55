package dk.library.circulation.deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The keeper hands out what is due by the injected clock, at least once, and nothing early. */
class DeadlineKeeperTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void R26_dueDeadlinesWakeTheirTargetsAndLaterOnesWait() {
    MemoryDeadlineIndex index = new MemoryDeadlineIndex();
    index.schedule(new DeadlineIndex.Deadline("Title/a", NOW.minusSeconds(60)));
    index.schedule(new DeadlineIndex.Deadline("Title/b", NOW));
    index.schedule(new DeadlineIndex.Deadline("Title/c", NOW.plus(Duration.ofDays(7))));
    ConcurrentLinkedQueue<String> woken = new ConcurrentLinkedQueue<>();
    keeper(
        index,
        (target, due) -> {
          woken.add(target);
          return CompletableFuture.completedFuture(Done.getInstance());
        },
        DeadlineKeeper.Pace.every(Duration.ofMillis(50)));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(List.of("Title/a", "Title/b"), List.copyOf(woken));
              assertEquals(1, index.deadlines.size());
              return null;
            });
    assertTrue(index.deadlines.stream().allMatch(d -> d.target().equals("Title/c")));
  }

  @Test
  void aTargetThatCannotBeWokenKeepsItsDeadlineAndIsTriedAgain() {
    MemoryDeadlineIndex index = new MemoryDeadlineIndex();
    index.schedule(new DeadlineIndex.Deadline("Title/x", NOW));
    ConcurrentLinkedQueue<String> attempts = new ConcurrentLinkedQueue<>();
    keeper(
        index,
        (target, due) -> {
          attempts.add(target);
          return attempts.size() < 3
              ? CompletableFuture.failedFuture(new IllegalStateException("shard moving"))
              : CompletableFuture.completedFuture(Done.getInstance());
        },
        DeadlineKeeper.Pace.every(Duration.ofMillis(50)));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(3, attempts.size());
              assertTrue(index.deadlines.isEmpty());
              return null;
            });
  }

  @Test
  void R30_aBurstOfDeadlinesIsWorkedAtMostParallelismAtATimeUntilNoneIsLeft() {
    MemoryDeadlineIndex index = new MemoryDeadlineIndex();
    for (int i = 0; i < 450; i++) {
      index.schedule(new DeadlineIndex.Deadline("Patron/" + i, NOW.minusSeconds(i)));
    }
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ConcurrentLinkedQueue<String> woken = new ConcurrentLinkedQueue<>();
    keeper(
        index,
        (target, due) -> {
          most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          return CompletableFuture.supplyAsync(
              () -> {
                woken.add(target);
                inFlight.decrementAndGet();
                return Done.getInstance();
              },
              CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS));
        },
        new DeadlineKeeper.Pace(Duration.ofMillis(50), 3, 100_000, 100_000, Duration.ofMinutes(1)));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
              assertTrue(index.deadlines.isEmpty());
              return null;
            });
    assertEquals(450, woken.stream().distinct().count(), "each woken, over several rounds");
    assertTrue(most.get() <= 3, "at most 3 at a time, was " + most.get());
    assertTrue(most.get() >= 2, "and more than one: " + most.get());
    assertEquals(
        1,
        index.readsFromTheStart.get(),
        "rounds read on from the last deadline read, not again over the handled ones");
  }

  @Test
  void R30_roundsThatFindNothingDueReadOnFromTheirReadTimeNotFromTheStart() {
    MemoryDeadlineIndex index = new MemoryDeadlineIndex();
    keeper(
        index,
        (target, due) -> CompletableFuture.completedFuture(Done.getInstance()),
        new DeadlineKeeper.Pace(Duration.ofMillis(20), 1, 1_000, 1_000, Duration.ofMinutes(1)));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertTrue(index.reads.get() >= 5, "rounds: " + index.reads.get());
              return null;
            });
    assertEquals(
        1,
        index.readsFromTheStart.get(),
        "a day's handled deadlines are read over once a rescan, not every round");
  }

  @Test
  void R30_aDeadlineWrittenOverdueBehindTheRoundsIsFoundWhenTheyStartAgain() {
    MemoryDeadlineIndex index = new MemoryDeadlineIndex();
    index.schedule(new DeadlineIndex.Deadline("Patron/late", NOW));
    ConcurrentLinkedQueue<String> woken = new ConcurrentLinkedQueue<>();
    keeper(
        index,
        (target, due) -> {
          woken.add(target);
          return CompletableFuture.completedFuture(Done.getInstance());
        },
        new DeadlineKeeper.Pace(Duration.ofMillis(20), 1, 1_000, 1_000, Duration.ofMillis(300)));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(List.of("Patron/late"), List.copyOf(woken));
              return null;
            });
    int fromTheStart = index.readsFromTheStart.get();
    // Earlier than the last deadline read: rounds reading on after it do not see it.
    index.schedule(new DeadlineIndex.Deadline("Patron/earlier", NOW.minusSeconds(60)));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(List.of("Patron/late", "Patron/earlier"), List.copyOf(woken));
              assertTrue(index.deadlines.isEmpty());
              return null;
            });
    assertTrue(index.readsFromTheStart.get() > fromTheStart, "found by a read from the start");
  }

  /** A keeper on the index at the test's fixed clock, with a serving path it never hears from. */
  private void keeper(
      MemoryDeadlineIndex index, DeadlineTargets targets, DeadlineKeeper.Pace pace) {
    testKit.spawn(
        DeadlineKeeper.behavior(
            index,
            targets,
            Clock.fixed(NOW, ZoneOffset.UTC),
            pace,
            new ServingLoad(Duration.ofMillis(50))));
  }
}
