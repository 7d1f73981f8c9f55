package dk.library.circulation.ill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.deadline.MemoryDeadlineIndex;
import dk.library.circulation.retention.RecordingJournalEraser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A message to a partner system is recorded with the change that causes it, so a request that stops
 * (a crash, a passivation) before the partner confirmed it sends it again when it wakes.
 */
class PartnerDeliveryTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  static final Instant NOW = Instant.parse("2026-11-29T09:00:00Z");

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  /** A partner system that is down until told otherwise, and remembers what reached it. */
  static final class FlakyPartner implements Partners {
    final AtomicBoolean up = new AtomicBoolean(false);
    final Queue<String> received = new ConcurrentLinkedQueue<>();

    @Override
    public boolean isPartner(String agencyId) {
      return agencyId.equals("EXT");
    }

    @Override
    public CompletionStage<Confirmation> send(PartnerMessage message, RequestView request) {
      if (!up.get()) {
        return CompletableFuture.failedFuture(new IllegalStateException("partner unreachable"));
      }
      received.add(message.messageId());
      return CompletableFuture.completedFuture(new Confirmation(true, null));
    }
  }

  @Test
  void R29_aRequestStoppedBeforeThePartnerConfirmedSendsTheMessageAgainWhenItWakes() {
    FlakyPartner partner = new FlakyPartner();
    EventSourcedBehaviorTestKit<
            InterlibraryRequestCommand, InterlibraryRequestEvent, InterlibraryRequestState>
        request =
            EventSourcedBehaviorTestKit.create(
                testKit.system(),
                InterlibraryRequest.create(
                    "r-crash",
                    Clock.fixed(NOW, ZoneOffset.UTC),
                    dispatch -> CompletableFuture.completedFuture(Done.getInstance()),
                    new RecordingJournalEraser(),
                    new MemoryDeadlineIndex(),
                    partner,
                    Worklists.none()));
    InterlibraryRequestReply created =
        request
            .<InterlibraryRequestReply>runCommand(
                r ->
                    new InterlibraryRequestCommand.Create(
                        new InterlibraryRequest.Details("r-crash", "P1", "B", "main", "T1", NOW),
                        List.of("EXT"),
                        Set.of("EXT"),
                        r))
            .reply();
    PartnerMessage recorded =
        ((InterlibraryRequestReply.ViewReply) created).request().partnerMessages().get(0);
    assertTrue(recorded.pending(), "recorded before it is sent");

    request.restart();
    partner.up.set(true);
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              InterlibraryRequestReply.ViewReply view =
                  (InterlibraryRequestReply.ViewReply)
                      request
                          .<InterlibraryRequestReply>runCommand(InterlibraryRequestCommand.Get::new)
                          .reply();
              assertEquals(
                  PartnerMessage.CONFIRMED, view.request().partnerMessages().get(0).outcome());
              return null;
            });
    assertEquals(List.of("r-crash/1"), List.copyOf(partner.received), "sent once it could be");
  }
}
