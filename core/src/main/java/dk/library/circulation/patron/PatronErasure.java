package dk.library.circulation.patron;

import dk.library.circulation.Decision;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.fee.DebtCollection;
import dk.library.circulation.patron.PatronReply.Rejected;
import dk.library.circulation.retention.JournalEraser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * What a patron forgets, and what is forgotten elsewhere first: the whole account on request or
 * after the agency's idle months (R38, R39), and the history whose window ended, under a snapshot
 * (R40). Every step outside the patron's journal is idempotent and comes before the journal records
 * it, so a crash between them is taken up again. Part of the {@link Patron} entity, which
 * dispatches the erasure commands here.
 */
final class PatronErasure {

  /** R39: when the keeper takes up an account's deletion that a crash interrupted. */
  private static final Duration TAKEN_UP_AFTER = Duration.ofMinutes(5);

  private final String cardNumber;
  private final String persistenceId;
  private final ActorContext<PatronCommand> context;
  private final EffectFactories<PatronEvent, PatronState> effect;
  private final Clock clock;
  private final ZoneId zone;
  private final DeadlineIndex deadlines;
  private final DebtCollection debtCollection;
  private final Patron.BorrowerForgetting copies;
  private final JournalEraser eraser;
  private final AccountRecords records;

  /** The deadline keeper's ask waiting for the journal's erasure (R40), if one is under way. */
  private ActorRef<PatronReply> waiting;

  private int waitingEvents;

  PatronErasure(
      String cardNumber,
      String persistenceId,
      ActorContext<PatronCommand> context,
      EffectFactories<PatronEvent, PatronState> effect,
      Clock clock,
      ZoneId zone,
      DeadlineIndex deadlines,
      DebtCollection debtCollection,
      Patron.BorrowerForgetting copies,
      JournalEraser eraser,
      AccountRecords records) {
    this.cardNumber = cardNumber;
    this.persistenceId = persistenceId;
    this.context = context;
    this.effect = effect;
    this.clock = clock;
    this.zone = zone;
    this.deadlines = deadlines;
    this.debtCollection = debtCollection;
    this.copies = copies;
    this.eraser = eraser;
    this.records = records;
  }

  // R38, R39: the account

  /**
   * R39: the erasure's deadline goes into the index and the cards are retired before the deletion
   * is recorded, so a crash after it is taken up again by the keeper and the numbers are never
   * issued again. A deletion already begun is taken again.
   */
  ReplyEffect<PatronEvent, PatronState> erase(
      PatronState state, PatronCommand.EraseAccount cmd, long highestSequenceNr) {
    AccountErasure underway = state.history().accountErasure();
    if (underway != null) {
      return takeUp(
          underway,
          highestSequenceNr,
          cmd.replyTo(),
          new PatronReply.AccountErased(underway.at()),
          null);
    }
    Decision<PatronEvent> decision = ErasureRules.erase(state, cardNumber, cmd, clock.instant());
    if (decision instanceof Decision.Refuse<PatronEvent> refused) {
      return effect.reply(cmd.replyTo(), new Rejected(refused.rejection()));
    }
    PatronEvent.AccountErasureBegun begun =
        (PatronEvent.AccountErasureBegun)
            ((Decision.Persist<PatronEvent>) decision).events().get(0);
    return begin(
        state,
        begun,
        cmd,
        cmd.replyTo(),
        new PatronReply.AccountErased(begun.erasure().at()),
        null);
  }

  /**
   * R38, R39: the deadline that takes the deletion up after a crash and the retired cards go first;
   * {@code decideAgain} is handled instead if the state moved on meanwhile.
   */
  ReplyEffect<PatronEvent, PatronState> begin(
      PatronState state,
      PatronEvent.AccountErasureBegun begun,
      PatronCommand decideAgain,
      ActorRef<PatronReply> replyTo,
      PatronReply done,
      PatronReply failed) {
    AccountErasure erasure = begun.erasure();
    Instant resume = erasure.at().plus(TAKEN_UP_AFTER);
    context.pipeToSelf(
        deadlines
            .schedule(new DeadlineIndex.Deadline(Patron.deadlineTarget(cardNumber), resume))
            .thenCompose(indexed -> claimsOutliving(state))
            .thenCompose(indexed -> records.retire(erasure.cardIds())),
        (indexed, failure) ->
            failure == null
                ? new PatronCommand.ErasureIndexed(state, begun, decideAgain, replyTo, done, failed)
                : new PatronCommand.DeadlineNotIndexed(failure.toString()));
    return effect.none().thenNoReply();
  }

  /** The deletion's prerequisites are written: it is recorded, and the erasure runs. */
  ReplyEffect<PatronEvent, PatronState> record(
      PatronCommand.ErasureIndexed cmd, long highestSequenceNr) {
    return effect
        .persist(cmd.begun())
        .thenRun(
            s ->
                start(
                    s.history().accountErasure(),
                    highestSequenceNr,
                    cmd.replyTo(),
                    cmd.done(),
                    cmd.failed()))
        .thenNoReply();
  }

  /** A deletion already recorded runs again from its start; every step is idempotent. */
  ReplyEffect<PatronEvent, PatronState> takeUp(
      AccountErasure erasure,
      long highestSequenceNr,
      ActorRef<PatronReply> replyTo,
      PatronReply done,
      PatronReply failed) {
    start(erasure, highestSequenceNr, replyTo, done, failed);
    return effect.none().thenNoReply();
  }

  ReplyEffect<PatronEvent, PatronState> gone(PatronCommand.AccountGone cmd) {
    cmd.replyTo().tell(cmd.answer());
    return effect.none().thenNoReply();
  }

  ReplyEffect<PatronEvent, PatronState> notFinished(PatronCommand.AccountErasureFailed cmd) {
    context.getLog().warn("Account erasure not finished, taken again: {}", cmd.why());
    if (cmd.answer() != null) {
      cmd.replyTo().tell(cmd.answer());
    }
    return effect.none().thenNoReply();
  }

  /**
   * R40, R39: the debt collection's entries of the settled claims are kept by accounting law after
   * the account is gone; each gets a deadline of its own that forgets them when their window ends.
   */
  private CompletionStage<Done> claimsOutliving(PatronState state) {
    int years = state.history().terms().paymentRecordYears();
    CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
    for (Fees.Claim c : state.ledger().claims()) {
      if (c.settledAt() == null) {
        continue;
      }
      DeadlineIndex.Deadline expiry =
          new DeadlineIndex.Deadline(
              DebtCollection.deadlineTarget(
                  c.agencyId(), c.claimId(), c.handedOverAt(), c.settledAt()),
              RetentionRules.paymentRecordKeptUntil(c.settledAt(), years, zone));
      all = all.thenCompose(done -> deadlines.schedule(expiry));
    }
    return all;
  }

  /**
   * The records elsewhere first, the patron's journal next (it holds what is left to do), its
   * deadlines last (one of them takes the erasure up again after a crash).
   */
  private void start(
      AccountErasure erasure,
      long highestSequenceNr,
      ActorRef<PatronReply> replyTo,
      PatronReply done,
      PatronReply failed) {
    context.pipeToSelf(
        records
            .erase(erasure)
            .thenCompose(erased -> eraser.eraseAll(persistenceId, highestSequenceNr))
            .thenCompose(erased -> deadlines.removeAll(Patron.deadlineTarget(cardNumber))),
        (erased, failure) ->
            failure == null
                ? new PatronCommand.AccountGone(replyTo, done)
                : new PatronCommand.AccountErasureFailed(replyTo, failure.toString(), failed));
  }

  // R40: the history whose window ended

  /**
   * What the ending windows name elsewhere goes first: every copy forgets its borrower, the titles
   * their ended holds, payment sessions their records, the debt-collection ledger its claims.
   */
  CompletionStage<Done> forgetElsewhere(PatronState reminded, Instant now) {
    return forgetAtCopies(RetentionRules.ending(reminded, now))
        .thenCompose(
            done -> records.forgetHolds(cardNumber, RetentionRules.endingHolds(reminded, now)))
        .thenCompose(
            done -> records.forgetElsewhere(RetentionRules.endingElsewhere(reminded, now, zone)))
        .thenCompose(done -> forgetClaims(RetentionRules.endingClaims(reminded, now, zone)));
  }

  private CompletionStage<Done> forgetAtCopies(List<PatronHistory.Returned> loans) {
    CompletableFuture<?>[] forgotten =
        loans.stream()
            .map(r -> copies.forget(r.barcode(), r.checkoutId()).toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(forgotten).thenApply(all -> Done.getInstance());
  }

  private CompletionStage<Done> forgetClaims(List<Fees.Claim> claims) {
    CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
    for (Fees.Claim c : claims) {
      all =
          all.thenCompose(
              done ->
                  debtCollection.forgetClaim(
                      c.agencyId(), c.claimId(), c.handedOverAt(), c.settledAt()));
    }
    return all;
  }

  /** The keeper is answered once the snapshot is saved and the journal erased under it. */
  void answerAfterJournalErased(ActorRef<PatronReply> replyTo, int events) {
    waiting = replyTo;
    waitingEvents = events;
  }

  /**
   * A snapshot is saved: the events a forgetting replaced can go. R39: a snapshot saved while the
   * account is being deleted would outlive the erasure that had already run: it is erased again.
   */
  void snapshotSaved(PatronState state, long sequenceNr) {
    if (state.history().accountErasure() != null) {
      start(
          state.history().accountErasure(),
          sequenceNr,
          context.getSystem().ignoreRef(),
          new PatronReply.Reminded(0, true),
          null);
      return;
    }
    if (!state.history().erasePending()) {
      return;
    }
    context.pipeToSelf(
        eraser.eraseBefore(persistenceId, sequenceNr),
        (done, failure) ->
            failure == null
                ? new PatronCommand.Erased(sequenceNr)
                : new PatronCommand.EraseFailed(failure.toString()));
  }

  void snapshotFailed(PatronState state, Throwable failure) {
    if (state.history().erasePending()) {
      context.getSelf().tell(new PatronCommand.EraseFailed(failure.toString()));
    }
  }

  ReplyEffect<PatronEvent, PatronState> journalErased(PatronCommand.Erased cmd) {
    return effect
        .persist(new PatronEvent.JournalErased(cmd.snapshotSequenceNr()))
        .thenRun(s -> answer(true))
        .thenNoReply();
  }

  ReplyEffect<PatronEvent, PatronState> journalNotErased(PatronCommand.EraseFailed cmd) {
    context
        .getLog()
        .warn("Journal not erased under the snapshot, tried again later: {}", cmd.why());
    answer(false);
    return effect.none().thenNoReply();
  }

  private void answer(boolean erased) {
    if (waiting != null) {
      waiting.tell(new PatronReply.Reminded(waitingEvents, erased));
      waiting = null;
    }
  }
}
