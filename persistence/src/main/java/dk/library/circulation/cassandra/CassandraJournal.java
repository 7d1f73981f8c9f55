package dk.library.circulation.cassandra;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * The event journal: pekko-persistence-cassandra 1.1's messages table (existing journals and the
 * initial load's rows stay readable), written and read with the fewest requests the layout allows.
 *
 * <ul>
 *   <li><b>Recovery in one request.</b> An entity of few events was read whole by the snapshot
 *       store's load ({@link CassandraSnapshotStore}, {@link Wakes}): its replay costs nothing
 *       more. Otherwise Pekko asks for the highest sequence number before it replays; that one read
 *       fetches the events themselves (the partition of the first wanted event and the next, {@link
 *       MessagesTable#eventsFrom}), and the replay that follows hands them over from memory. The
 *       plugin took five requests in series for the same (three highest-sequence reads, the
 *       deleted-to read, the event select) plus a stream per wake.
 *   <li><b>Writes of many entities in one request</b> ({@link WriteBatcher}): each entity's atomic
 *       write stays one partition's mutation, acknowledged only when durable.
 *   <li><b>Events are never deleted</b> (snapshots only thin out older snapshots): a delete is
 *       refused rather than pretended.
 * </ul>
 */
public final class CassandraJournal extends AsyncWriteJournal {

  private final CompletionStage<Tables> tables;

  /** Events read by the highest-sequence query, waiting for the replay that follows it. */
  private final Map<String, ReadAhead> readAhead = new ConcurrentHashMap<>();

  private final Wakes wakes = Wakes.of(context().system());

  private record Tables(MessagesTable messages, WriteBatcher batcher) {}

  private record ReadAhead(long from, List<MessagesTable.Stored> events) {}

  public CassandraJournal(Config config, String configPath) {
    this.tables =
        MessagesTable.of(context().system())
            .thenApply(
                messages ->
                    new Tables(
                        messages,
                        new WriteBatcher(
                            messages::execute,
                            config.getInt("batch.max-in-flight"),
                            config.getInt("batch.max-rows"),
                            (int) config.getBytes("batch.max-bytes").longValue())));
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> writes) {
    return FutureConverters.asScala(tables.thenCompose(t -> write(t, writes)));
  }

  private CompletionStage<Iterable<Optional<Exception>>> write(
      Tables tables, Iterable<AtomicWrite> writes) {
    List<CompletableFuture<Optional<Exception>>> results = new ArrayList<>();
    for (AtomicWrite write : writes) {
      List<MessagesTable.Encoded> rows;
      try {
        rows = encode(tables.messages(), write);
      } catch (RuntimeException e) {
        // Pekko's contract: an event that cannot be serialized rejects its write, not the batch.
        results.add(CompletableFuture.completedFuture(Optional.of(e)));
        continue;
      }
      CompletableFuture<Void> done = tables.batcher().write(rows).toCompletableFuture();
      wakes.writeStarted(write.persistenceId(), done);
      results.add(done.thenApply(ok -> Optional.empty()));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(all -> results.stream().map(CompletableFuture::join).toList());
  }

  private static List<MessagesTable.Encoded> encode(MessagesTable messages, AtomicWrite write) {
    List<PersistentRepr> events = CollectionConverters.asJava(write.payload());
    long first = events.get(0).sequenceNr();
    long partition = messages.partitionOf(events.get(events.size() - 1).sequenceNr());
    if (partition - messages.partitionOf(first) > 1) {
      throw new IllegalArgumentException(
          "an atomic write of " + events.size() + " events spans more than two partitions");
    }
    List<MessagesTable.Encoded> rows = new ArrayList<>(events.size());
    for (PersistentRepr event : events) {
      Object payload = event.payload();
      Set<String> tags = Set.of();
      if (payload instanceof Tagged tagged) {
        payload = tagged.payload();
        tags = CollectionConverters.asJava(tagged.tags());
      }
      rows.add(
          messages.encode(
              event.persistenceId(),
              partition,
              event.sequenceNr(),
              payload,
              event.manifest(),
              event.writerUuid(),
              tags,
              event.metadata().isDefined() ? event.metadata().get() : null));
    }
    return rows;
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    List<MessagesTable.Stored> whole = wakes.takeWholeHistory(persistenceId);
    if (whole != null && !wakes.writing(persistenceId)) {
      long highest = whole.isEmpty() ? 0 : whole.get(whole.size() - 1).sequenceNr();
      if (highest > fromSequenceNr) {
        readAhead.put(persistenceId, new ReadAhead(1, whole));
      } else {
        readAhead.remove(persistenceId);
      }
      return scala.concurrent.Future$.MODULE$.successful(Math.max(highest, fromSequenceNr));
    }
    return FutureConverters.asScala(
        wakes
            .afterWrites(persistenceId)
            .thenCompose(ready -> tables)
            .thenCompose(t -> t.messages().eventsFrom(persistenceId, fromSequenceNr + 1))
            .thenApply(
                events -> {
                  if (events.isEmpty()) {
                    readAhead.remove(persistenceId);
                    // Events are never deleted: with none after the hint, the hint is the highest.
                    return fromSequenceNr;
                  }
                  readAhead.put(persistenceId, new ReadAhead(fromSequenceNr + 1, events));
                  return events.get(events.size() - 1).sequenceNr();
                }));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> replay) {
    ReadAhead ahead = readAhead.remove(persistenceId);
    CompletionStage<List<MessagesTable.Stored>> events =
        ahead != null && ahead.from() <= fromSequenceNr
            ? CompletableFuture.completedFuture(ahead.events())
            : tables.thenCompose(t -> t.messages().eventsFrom(persistenceId, fromSequenceNr));
    return FutureConverters.asScala(
        events.thenApply(
            stored -> {
              long replayed = 0;
              for (MessagesTable.Stored event : stored) {
                if (replayed >= max || event.sequenceNr() > toSequenceNr) {
                  break;
                }
                if (event.sequenceNr() >= fromSequenceNr) {
                  replay.accept(repr(persistenceId, event));
                  replayed++;
                }
              }
              return null;
            }));
  }

  private static PersistentRepr repr(String persistenceId, MessagesTable.Stored event) {
    PersistentRepr repr =
        PersistentRepr$.MODULE$
            .apply(
                event.event(),
                event.sequenceNr(),
                persistenceId,
                event.eventManifest() == null ? "" : event.eventManifest(),
                false,
                ActorRef.noSender(),
                event.writerUuid())
            .withTimestamp(event.timestampMillis());
    return event.meta() == null ? repr : repr.withMetadata(event.meta());
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return scala.concurrent.Future$.MODULE$.failed(
        new UnsupportedOperationException(
            "events are never deleted from this journal (asked for "
                + persistenceId
                + " up to "
                + toSequenceNr
                + ")"));
  }
}
