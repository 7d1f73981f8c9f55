package dk.library.circulation.item;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Decision;
import dk.library.circulation.Passivation;
import dk.library.circulation.Rejection;
import dk.library.circulation.Replies;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.ErasureWaiters;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.title.Title;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One physical copy, identified by barcode: the single writer of whether it is on loan and to whom.
 * Its {@code Lent} event is the commit point of a checkout. Decisions are in {@link ItemRules};
 * this class wires them to persistence and tells patrons of returns until they confirm.
 */
public final class Item extends MeasuredEntity<Item.Command, Item.Event, Item.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Item");

  /**
   * Tells the patron that a loan ended; completes once the patron has recorded it. Completes with a
   * value, never null: the item pipes it to itself, and a null there breaks Pekko's dead-letter
   * logging should the item have stopped meanwhile.
   */
  @FunctionalInterface
  public interface ReturnNotice {
    CompletionStage<Done> loanEnded(
        String cardNumber,
        String barcode,
        String checkoutId,
        Instant returnedAt,
        String titleEntityId,
        String holdId);
  }

  // Commands

  public sealed interface Command extends CborSerializable {}

  /**
   * Leave memory now instead of after the idle timeout: a bulk import is done with this entity and
   * is not coming back, so its registrations do not pile up in the heap (no reply).
   */
  public record Rest() implements Command {}

  /**
   * {@code loanPeriodDays} (R16) and {@code notForHomeLoan} (R23) are the item's own terms; {@code
   * branchId}, when given, is where the copy is shelved.
   */
  public record Register(
      String titleId,
      String title,
      String agencyId,
      String materialType,
      Integer loanPeriodDays,
      boolean notForHomeLoan,
      String branchId,
      ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * {@code damageNote}, when given, is damage seen at checkout (R24). {@code collectingHold}: the
   * hold this copy is kept for, when the title has confirmed that this patron may collect it (R28).
   */
  public record Lend(
      String checkoutId,
      String cardNumber,
      String agencyId,
      String branchId,
      String damageNote,
      String collectingHold,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** The title offers this copy to a hold: keep it for that hold if it is on the shelf and free. */
  public record HoldForHold(
      String holdId,
      String titleEntityId,
      String patronKey,
      String pickupBranchId,
      String pickupAgencyId,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** The hold ended without the copy being collected: free the copy for the next in line. */
  public record ReleaseHold(String holdId, ActorRef<Reply> replyTo) implements Command {}

  /** The copy was received at {@code branchId} (a copy in transit to its pickup branch, R27). */
  public record Arrive(String agencyId, String branchId, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * Settles a checkout whose outcome its coordinator did not learn: answers whether the item is
   * lent under it, and if not, makes sure it never will be.
   */
  public record SettleLend(String checkoutId, ActorRef<Reply> replyTo) implements Command {}

  public record Return(String returnId, String agencyId, String branchId, ActorRef<Reply> replyTo)
      implements Command {}

  public record GetStatus(ActorRef<Reply> replyTo) implements Command {}

  /**
   * R40: the window of the loan made under {@code checkoutId} has ended; answered with {@link
   * Forgotten} once the copy's journal no longer holds who borrowed it.
   */
  public record ForgetBorrower(String checkoutId, ActorRef<Reply> replyTo) implements Command {}

  /** The journal is erased under the snapshot at {@code sequenceNr}, or not ({@code erased}). */
  record Erased(long sequenceNr, boolean erased) implements Command {}

  /** The patron has recorded the end of the loan made under {@code checkoutId}. */
  public record ReturnSettled(String checkoutId) implements Command {}

  record NotifyPatron(UnsettledReturn unsettled) implements Command {}

  record NoticeFailed(String checkoutId) implements Command {}

  // Replies

  public sealed interface Reply extends CborSerializable {}

  public record StatusReply(Status status) implements Reply {}

  public record LendSettlement(String checkoutId, boolean lent) implements Reply {}

  /** {@code held}: the copy is kept for the hold; {@code location}: where the copy is now. */
  public record HoldAnswer(boolean held, String location) implements Reply {}

  /** {@code onShelf} false: the copy was collected under the hold, so there is nothing to free. */
  public record ReleaseAnswer(boolean onShelf) implements Reply {}

  /** {@code tellTitle}: the copy's title must hear of the return (a hold may wait for it). */
  /** {@code materialType}: what the statistics count the return under (R42). */
  public record Returned(ReturnReceipt receipt, boolean tellTitle, String materialType)
      implements Reply {}

  public record Rejected(Rejection rejection) implements Reply, dk.library.circulation.Refusal {}

  /** R40: the copy no longer knows who borrowed it under the checkout. */
  public record Forgotten(String checkoutId) implements Reply {}

  /**
   * {@code loan} is null while the item is on the shelf; {@code heldFor} is the hold it is kept
   * for, if any; {@code location} the branch it was last registered at, returned to or received at.
   */
  public record Status(
      ItemDetails item,
      CurrentLoan loan,
      List<DamageNote> damage,
      HeldCopy heldFor,
      String location,
      int timesLent)
      implements CborSerializable {}

  /**
   * The hold a copy is kept for (R26-R28): only its patron, or their proxy, may borrow it. {@code
   * pickupAgencyId}: for an interlibrary loan (R29) the borrowing agency, where the copy is
   * received, lent and returned; null for the owner's own holds.
   */
  public record HeldCopy(
      String holdId,
      String titleEntityId,
      String patronKey,
      String pickupBranchId,
      String pickupAgencyId)
      implements CborSerializable {}

  // Events

  public sealed interface Event extends CborSerializable {}

  public record ItemRegistered(ItemDetails details, String branchId) implements Event {}

  /**
   * {@code holdId}: the hold the copy was kept for and is now collected under, if any; {@code
   * agencyId}: where it was lent (null in events written before it was recorded: the owner).
   */
  /**
   * {@code holdWaiting} is false in every new loan (null in loans made before it was recorded: the
   * title is then told of the return, as it always was).
   */
  public record Lent(
      String checkoutId,
      String cardNumber,
      String branchId,
      Instant lentAt,
      String holdId,
      String agencyId,
      Boolean holdWaiting)
      implements Event {}

  /** A hold asked for this copy while it was lent: its title is told when it comes back. */
  public record HoldWaiting(String holdId) implements Event {}

  public record CopyHeld(HeldCopy heldFor) implements Event {}

  public record CopyFreed(String holdId) implements Event {}

  public record ItemArrived(String branchId) implements Event {}

  public record LendCancelled(String checkoutId) implements Event {}

  /** R24: damage recorded at a checkout, so that borrower is not charged for it. */
  public record DamageNoted(DamageNote note) implements Event {}

  public record ItemReturned(ReturnReceipt receipt) implements Event {}

  public record ReturnNoticeConfirmed(String checkoutId) implements Event {}

  /**
   * R40: who borrowed the copy under {@code checkoutId} is forgotten; the snapshot taken after this
   * event replaces every event before it. The copy's damage notes stay, without their checkout.
   */
  public record BorrowerForgotten(String checkoutId, Instant at) implements Event {}

  // State

  /**
   * {@code details} is null until registration. {@code cancelledCheckouts} are checkouts settled as
   * not lent (bounded), so a late {@code Lend} for them is refused.
   */
  public record State(
      ItemDetails details,
      CurrentLoan loan,
      List<String> cancelledCheckouts,
      ReturnReceipt lastReturn,
      List<UnsettledReturn> unsettledReturns,
      List<DamageNote> damage,
      HeldCopy heldFor,
      String location,
      int timesLent)
      implements CborSerializable {

    static final int REMEMBERED_CANCELLATIONS = 20;

    public static State empty() {
      return new State(null, null, List.of(), null, List.of(), List.of(), null, null, 0);
    }

    /** The state after one more event: the entity's event handler, and an initial load's fold. */
    public State apply(Event event) {
      if (event instanceof ItemRegistered e) {
        return registered(e.details()).arrived(e.branchId());
      } else if (event instanceof CopyHeld e) {
        return held(e.heldFor());
      } else if (event instanceof CopyFreed) {
        return freed();
      } else if (event instanceof ItemArrived e) {
        return arrived(e.branchId());
      } else if (event instanceof Lent e) {
        return lent(e);
      } else if (event instanceof HoldWaiting) {
        return new State(
            details,
            loan.withHoldWaiting(),
            cancelledCheckouts,
            lastReturn,
            unsettledReturns,
            damage,
            heldFor,
            location,
            timesLent);
      } else if (event instanceof LendCancelled e) {
        return cancelled(e.checkoutId());
      } else if (event instanceof DamageNoted e) {
        return damaged(e.note());
      } else if (event instanceof ItemReturned e) {
        return returned(e.receipt());
      } else if (event instanceof ReturnNoticeConfirmed e) {
        return noticeConfirmed(e.checkoutId());
      } else if (event instanceof BorrowerForgotten e) {
        return borrowerForgotten(e.checkoutId());
      }
      throw new IllegalArgumentException("unknown item event " + event);
    }

    State copy(HeldCopy nextHeldFor, String nextLocation) {
      return new State(
          details,
          loan,
          cancelledCheckouts,
          lastReturn,
          unsettledReturns,
          damage,
          nextHeldFor,
          nextLocation,
          timesLent);
    }

    State held(HeldCopy h) {
      return copy(h, location);
    }

    State freed() {
      return copy(null, location);
    }

    State arrived(String branchId) {
      return copy(heldFor, branchId);
    }

    public boolean registered() {
      return details != null;
    }

    State registered(ItemDetails d) {
      return new State(
          d,
          loan,
          cancelledCheckouts,
          lastReturn,
          unsettledReturns,
          damage,
          heldFor,
          location,
          timesLent);
    }

    State lent(Lent e) {
      return new State(
          details,
          new CurrentLoan(
              e.checkoutId(),
              e.cardNumber(),
              e.branchId(),
              e.lentAt(),
              e.agencyId(),
              e.holdId(),
              e.holdWaiting()),
          cancelledCheckouts,
          lastReturn,
          unsettledReturns,
          damage,
          e.holdId() != null ? null : heldFor,
          location,
          timesLent + 1);
    }

    State cancelled(String checkoutId) {
      List<String> next = new ArrayList<>(cancelledCheckouts);
      next.add(checkoutId);
      while (next.size() > REMEMBERED_CANCELLATIONS) {
        next.remove(0);
      }
      return new State(
          details,
          loan,
          List.copyOf(next),
          lastReturn,
          unsettledReturns,
          damage,
          heldFor,
          location,
          timesLent);
    }

    State returned(ReturnReceipt receipt) {
      List<UnsettledReturn> next = new ArrayList<>(unsettledReturns);
      next.add(
          new UnsettledReturn(
              receipt.checkoutId(),
              receipt.cardNumber(),
              receipt.returnedAt(),
              receipt.holdId(),
              loan == null || loan.titleWantsReturn()));
      return new State(
          details,
          null,
          cancelledCheckouts,
          receipt,
          List.copyOf(next),
          damage,
          heldFor,
          receipt.branchId(),
          timesLent);
    }

    State noticeConfirmed(String checkoutId) {
      List<UnsettledReturn> next =
          unsettledReturns.stream().filter(u -> !u.checkoutId().equals(checkoutId)).toList();
      return new State(
          details,
          loan,
          cancelledCheckouts,
          lastReturn,
          next,
          damage,
          heldFor,
          location,
          timesLent);
    }

    State borrowerForgotten(String checkoutId) {
      ReturnReceipt last =
          lastReturn != null && checkoutId.equals(lastReturn.checkoutId()) ? null : lastReturn;
      List<DamageNote> notes =
          damage.stream()
              .map(
                  d ->
                      checkoutId.equals(d.checkoutId())
                          ? new DamageNote(d.note(), null, d.recordedAt())
                          : d)
              .toList();
      return new State(
          details,
          loan,
          cancelledCheckouts,
          last,
          unsettledReturns.stream().filter(u -> !u.checkoutId().equals(checkoutId)).toList(),
          notes,
          heldFor,
          location,
          timesLent);
    }

    State damaged(DamageNote note) {
      List<DamageNote> next = new ArrayList<>(damage);
      next.add(note);
      return new State(
          details,
          loan,
          cancelledCheckouts,
          lastReturn,
          unsettledReturns,
          List.copyOf(next),
          heldFor,
          location,
          timesLent);
    }

    public Status status() {
      return new Status(details, loan, damage, heldFor, location, timesLent);
    }
  }

  private static final Duration NOTICE_RETRY = Duration.ofSeconds(5);

  private final String barcode;
  private final ActorContext<Command> context;
  private final Passivation passivation;
  private final Clock clock;
  private final ReturnNotice returnNotice;
  private final JournalEraser eraser;

  /** R40: patrons waiting for this copy to forget them, answered once its journal is erased. */
  private final ErasureWaiters<ForgetBorrower> forgetting = new ErasureWaiters<>();

  /** Return notices under way, so a second trigger does not send twice. */
  private final Set<String> notifying = new HashSet<>();

  private Item(
      String barcode,
      ActorContext<Command> context,
      Clock clock,
      ReturnNotice returnNotice,
      Passivation passivation,
      JournalEraser eraser) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), barcode), ENTITY_TYPE_KEY.name());
    this.eraser = eraser;
    this.barcode = barcode;
    this.context = context;
    this.clock = clock;
    this.returnNotice = returnNotice;
    this.passivation = passivation;
  }

  /** {@code eraser}: removes the events a forgetting's snapshot replaced (R40). */
  public static Behavior<Command> create(
      String barcode,
      Clock clock,
      ReturnNotice returnNotice,
      Passivation passivation,
      JournalEraser eraser) {
    return Behaviors.setup(ctx -> new Item(barcode, ctx, clock, returnNotice, passivation, eraser));
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return this::handle;
  }

  private ReplyEffect<Event, State> handle(State state, Command command) {
    if (command instanceof Rest) {
      return passivation.rest(Effect(), context.getSelf());
    }
    if (command instanceof Register cmd) {
      return Replies.decide(
          Effect(),
          ItemRules.register(state, barcode, cmd),
          cmd.replyTo(),
          s -> new StatusReply(s.status()),
          Rejected::new);
    }
    if (command instanceof Lend cmd) {
      return Replies.decide(
          Effect(),
          ItemRules.lend(state, barcode, cmd, clock.instant()),
          cmd.replyTo(),
          s -> new StatusReply(s.status()),
          Rejected::new);
    }
    if (command instanceof SettleLend cmd) {
      return Replies.decide(
          Effect(),
          ItemRules.settleLend(state, cmd.checkoutId()),
          cmd.replyTo(),
          s -> new LendSettlement(cmd.checkoutId(), ItemRules.isLentUnder(s, cmd.checkoutId())),
          Rejected::new);
    }
    if (command instanceof Return cmd) {
      return onReturn(state, cmd);
    }
    if (command instanceof HoldForHold cmd) {
      return Replies.decide(
          Effect(),
          ItemRules.holdFor(state, cmd),
          cmd.replyTo(),
          s ->
              new HoldAnswer(
                  s.heldFor() != null && s.heldFor().holdId().equals(cmd.holdId()), s.location()),
          Rejected::new);
    }
    if (command instanceof ReleaseHold cmd) {
      return Replies.decide(
          Effect(),
          ItemRules.release(state, cmd.holdId()),
          cmd.replyTo(),
          s -> new ReleaseAnswer(s.loan() == null && s.heldFor() == null),
          Rejected::new);
    }
    if (command instanceof Arrive cmd) {
      return Replies.decide(
          Effect(),
          ItemRules.arrive(state, barcode, cmd),
          cmd.replyTo(),
          s -> new StatusReply(s.status()),
          Rejected::new);
    }
    if (command instanceof GetStatus cmd) {
      return Effect()
          .reply(
              cmd.replyTo(),
              state.registered()
                  ? new StatusReply(state.status())
                  : new Rejected(ItemRules.notFound(barcode)));
    }
    if (command instanceof ReturnSettled cmd) {
      notifying.remove(cmd.checkoutId());
      return decideQuietly(ItemRules.confirmNotice(state, cmd.checkoutId()));
    }
    if (command instanceof NotifyPatron cmd) {
      return onNotifyPatron(state, cmd);
    }
    if (command instanceof ForgetBorrower cmd) {
      // Always a new snapshot: the events before it may name the borrower even when the state no
      // longer does.
      forgetting.add(cmd, lastSequenceNumber(context) + 1);
      return Effect()
          .persist(new BorrowerForgotten(cmd.checkoutId(), clock.instant()))
          .thenNoReply();
    }
    if (command instanceof Erased cmd) {
      forgetting
          .settled(cmd.sequenceNr(), cmd.erased())
          .forEach(ask -> ask.replyTo().tell(new Forgotten(ask.checkoutId())));
      return Effect().none().thenNoReply();
    }
    if (command instanceof NoticeFailed cmd) {
      notifying.remove(cmd.checkoutId());
      state.unsettledReturns().stream()
          .filter(u -> u.checkoutId().equals(cmd.checkoutId()))
          .findFirst()
          .ifPresent(
              u -> context.scheduleOnce(NOTICE_RETRY, context.getSelf(), new NotifyPatron(u)));
      return Effect().none().thenNoReply();
    }
    throw new IllegalArgumentException("no handler for " + command.getClass().getName());
  }

  private ReplyEffect<Event, State> onReturn(State state, Return cmd) {
    return Replies.decide(
        Effect(),
        ItemRules.returnItem(state, barcode, cmd, clock.instant()),
        cmd.replyTo(),
        s ->
            new Returned(
                s.lastReturn(),
                s.unsettledReturns().stream()
                    .filter(u -> u.checkoutId().equals(s.lastReturn().checkoutId()))
                    .findFirst()
                    .map(UnsettledReturn::titleToBeTold)
                    .orElse(false),
                s.details() == null ? null : s.details().materialType()),
        Rejected::new);
  }

  private ReplyEffect<Event, State> onNotifyPatron(State state, NotifyPatron cmd) {
    UnsettledReturn u = cmd.unsettled();
    boolean stillUnsettled = state.unsettledReturns().contains(u);
    if (stillUnsettled && notifying.add(u.checkoutId())) {
      context.pipeToSelf(
          returnNotice.loanEnded(
              u.cardNumber(),
              barcode,
              u.checkoutId(),
              u.returnedAt(),
              u.titleToBeTold()
                  ? Title.entityId(state.details().agencyId(), state.details().titleId())
                  : null,
              u.holdId()),
          (done, failure) ->
              failure == null
                  ? new ReturnSettled(u.checkoutId())
                  : new NoticeFailed(u.checkoutId()));
    }
    return Effect().none().thenNoReply();
  }

  /** For commands that nobody waits on: persist what the rule decided, reply to no one. */
  private ReplyEffect<Event, State> decideQuietly(Decision<Event> decision) {
    if (decision instanceof Decision.Persist<Event> persist) {
      return Effect().persist(persist.events()).thenNoReply();
    }
    return Effect().none().thenNoReply();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return State::apply;
  }

  @Override
  protected void recovered(State state) {
    state.unsettledReturns().forEach(u -> context.getSelf().tell(new NotifyPatron(u)));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public boolean shouldSnapshot(State state, Event event, long sequenceNr) {
    return event instanceof BorrowerForgotten;
  }

  /**
   * R40: with the forgetting's snapshot durable, the events it replaced go; the patrons waiting are
   * answered only then (without an answer they ask again).
   */
  @Override
  protected void snapshotSaved(State state, long sequenceNr) {
    forgetting.snapshotSaved(context, eraser, persistenceId().id(), sequenceNr, Erased::new);
  }

  @Override
  protected void snapshotFailed(State state, Throwable failure) {
    context.getSelf().tell(new Erased(Long.MAX_VALUE, false));
  }
}
