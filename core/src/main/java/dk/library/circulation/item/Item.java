package dk.library.circulation.item;

import dk.library.circulation.Decision;
import dk.library.circulation.Passivation;
import dk.library.circulation.Replies;
import dk.library.circulation.item.ItemCommand.Arrive;
import dk.library.circulation.item.ItemCommand.Erased;
import dk.library.circulation.item.ItemCommand.ForgetBorrower;
import dk.library.circulation.item.ItemCommand.GetStatus;
import dk.library.circulation.item.ItemCommand.HoldForHold;
import dk.library.circulation.item.ItemCommand.Lend;
import dk.library.circulation.item.ItemCommand.NoticeFailed;
import dk.library.circulation.item.ItemCommand.NotifyPatron;
import dk.library.circulation.item.ItemCommand.Register;
import dk.library.circulation.item.ItemCommand.ReleaseHold;
import dk.library.circulation.item.ItemCommand.Rest;
import dk.library.circulation.item.ItemCommand.Return;
import dk.library.circulation.item.ItemCommand.ReturnSettled;
import dk.library.circulation.item.ItemCommand.SettleLend;
import dk.library.circulation.item.ItemEvent.BorrowerForgotten;
import dk.library.circulation.item.ItemReply.Forgotten;
import dk.library.circulation.item.ItemReply.HoldAnswer;
import dk.library.circulation.item.ItemReply.LendSettlement;
import dk.library.circulation.item.ItemReply.Rejected;
import dk.library.circulation.item.ItemReply.ReleaseAnswer;
import dk.library.circulation.item.ItemReply.Returned;
import dk.library.circulation.item.ItemReply.StatusReply;
import dk.library.circulation.metrics.MeasuredEntity;
import dk.library.circulation.retention.ErasureWaiters;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.title.Title;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
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
public final class Item extends MeasuredEntity<ItemCommand, ItemEvent, ItemState> {

  public static final EntityTypeKey<ItemCommand> ENTITY_TYPE_KEY =
      EntityTypeKey.create(ItemCommand.class, "Item");

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

  private static final Duration NOTICE_RETRY = Duration.ofSeconds(5);

  private final String barcode;
  private final ActorContext<ItemCommand> context;
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
      ActorContext<ItemCommand> context,
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
  public static Behavior<ItemCommand> create(
      String barcode,
      Clock clock,
      ReturnNotice returnNotice,
      Passivation passivation,
      JournalEraser eraser) {
    return Behaviors.setup(ctx -> new Item(barcode, ctx, clock, returnNotice, passivation, eraser));
  }

  @Override
  public ItemState emptyState() {
    return ItemState.empty();
  }

  @Override
  public CommandHandlerWithReply<ItemCommand, ItemEvent, ItemState> commandHandler() {
    return this::handle;
  }

  private ReplyEffect<ItemEvent, ItemState> handle(ItemState state, ItemCommand command) {
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

  private ReplyEffect<ItemEvent, ItemState> onReturn(ItemState state, Return cmd) {
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

  private ReplyEffect<ItemEvent, ItemState> onNotifyPatron(ItemState state, NotifyPatron cmd) {
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
  private ReplyEffect<ItemEvent, ItemState> decideQuietly(Decision<ItemEvent> decision) {
    if (decision instanceof Decision.Persist<ItemEvent> persist) {
      return Effect().persist(persist.events()).thenNoReply();
    }
    return Effect().none().thenNoReply();
  }

  @Override
  public EventHandler<ItemState, ItemEvent> eventHandler() {
    return ItemState::apply;
  }

  @Override
  protected void recovered(ItemState state) {
    state.unsettledReturns().forEach(u -> context.getSelf().tell(new NotifyPatron(u)));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public boolean shouldSnapshot(ItemState state, ItemEvent event, long sequenceNr) {
    return event instanceof BorrowerForgotten;
  }

  /**
   * R40: with the forgetting's snapshot durable, the events it replaced go; the patrons waiting are
   * answered only then (without an answer they ask again).
   */
  @Override
  protected void snapshotSaved(ItemState state, long sequenceNr) {
    forgetting.snapshotSaved(context, eraser, persistenceId().id(), sequenceNr, Erased::new);
  }

  @Override
  protected void snapshotFailed(ItemState state, Throwable failure) {
    context.getSelf().tell(new Erased(Long.MAX_VALUE, false));
  }
}
