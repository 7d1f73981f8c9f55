package dk.library.circulation.patron;

import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.notice.Notice;
import dk.library.circulation.notice.NoticeSender;
import dk.library.circulation.patron.PatronCommand.NoticeDelivered;
import dk.library.circulation.patron.PatronCommand.NoticeFailed;
import dk.library.circulation.patron.PatronCommand.NoticeSentIndexed;
import dk.library.circulation.patron.PatronCommand.NoticeSentNotIndexed;
import dk.library.circulation.patron.PatronCommand.Notify;
import dk.library.circulation.patron.PatronCommand.ResendNotices;
import dk.library.circulation.patron.PatronEvent.NoticeRecorded;
import dk.library.circulation.patron.PatronEvent.NoticeSent;
import dk.library.circulation.patron.PatronReply.NoticesReply;
import dk.library.circulation.patron.PatronReply.Rejected;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A patron's notice outbox (R30-R34 notices, pickup notices): a notice is recorded, then handed to
 * the sender once; it is recorded as sent only when the end of its 30 days is in the deadline index
 * (R40), and one the sender failed on is tried again. Part of the {@link Patron} entity, which
 * dispatches the notice commands here.
 */
final class PatronNotices {

  private static final Duration RETRY = Duration.ofSeconds(5);

  private final String cardNumber;
  private final ActorContext<PatronCommand> context;
  private final EffectFactories<PatronEvent, PatronState> effect;
  private final Clock clock;
  private final ZoneId zone;
  private final NoticeSender sender;
  private final DeadlineIndex deadlines;

  /** Notices handed to the sender and not yet confirmed. */
  private final Set<String> sending = new HashSet<>();

  PatronNotices(
      String cardNumber,
      ActorContext<PatronCommand> context,
      EffectFactories<PatronEvent, PatronState> effect,
      Clock clock,
      ZoneId zone,
      NoticeSender sender,
      DeadlineIndex deadlines) {
    this.cardNumber = cardNumber;
    this.context = context;
    this.effect = effect;
    this.clock = clock;
    this.zone = zone;
    this.sender = sender;
    this.deadlines = deadlines;
  }

  /** A repeat of a recorded notice changes nothing; a new one is recorded, then sent. */
  ReplyEffect<PatronEvent, PatronState> notify(PatronState state, Notify cmd) {
    if (!state.registered()) {
      return effect.reply(cmd.replyTo(), new Rejected(PatronRules.notFound(cardNumber)));
    }
    if (state.notice(cmd.noticeId()).isPresent()) {
      return effect.reply(cmd.replyTo(), new NoticesReply(state.notices()));
    }
    Notice notice =
        state.profile().notice(cmd.noticeId(), cmd.templateKey(), cmd.data(), clock.instant());
    return effect
        .persist(new NoticeRecorded(notice))
        .thenRun(this::sendUnsent)
        .thenReply(cmd.replyTo(), s -> new NoticesReply(s.notices()));
  }

  /**
   * R40: a sent notice is recorded only once the end of its 30 days is in the deadline index,
   * unless an earlier deadline of the patron covers it.
   */
  ReplyEffect<PatronEvent, PatronState> delivered(PatronState state, NoticeDelivered cmd) {
    Instant now = clock.instant();
    String noticeId = cmd.noticeId();
    Optional<Instant> deadline =
        unsent(state, noticeId)
            ? ReminderRules.deadlineFor(state, state.apply(new NoticeSent(noticeId, now)), zone)
            : Optional.empty();
    if (deadline.isEmpty()) {
      return recordSent(state, new NoticeSentIndexed(noticeId, now));
    }
    context.pipeToSelf(
        deadlines.schedule(
            new DeadlineIndex.Deadline(Patron.deadlineTarget(cardNumber), deadline.get())),
        (indexed, failure) ->
            failure == null
                ? new NoticeSentIndexed(noticeId, now)
                : new NoticeSentNotIndexed(noticeId, failure.toString()));
    return effect.none().thenNoReply();
  }

  ReplyEffect<PatronEvent, PatronState> recordSent(PatronState state, NoticeSentIndexed cmd) {
    sending.remove(cmd.noticeId());
    return unsent(state, cmd.noticeId())
        ? effect.persist(new NoticeSent(cmd.noticeId(), cmd.at())).thenNoReply()
        : effect.none().thenNoReply();
  }

  /** Still counted as sending, so not sent twice; recorded once its deadline is indexed. */
  ReplyEffect<PatronEvent, PatronState> notIndexed(NoticeSentNotIndexed cmd) {
    context.getLog().warn("Sent notice's retention deadline not indexed: {}", cmd.why());
    context.scheduleOnce(RETRY, context.getSelf(), new NoticeDelivered(cmd.noticeId()));
    return effect.none().thenNoReply();
  }

  ReplyEffect<PatronEvent, PatronState> failed(NoticeFailed cmd) {
    sending.remove(cmd.noticeId());
    context.scheduleOnce(RETRY, context.getSelf(), new ResendNotices());
    return effect.none().thenNoReply();
  }

  ReplyEffect<PatronEvent, PatronState> resend() {
    return effect.none().thenRun(this::sendUnsent).thenNoReply();
  }

  /** Hands every unsent notice to the sender once; failures are tried again later. */
  void sendUnsent(PatronState state) {
    for (Notice notice : state.notices()) {
      if (notice.sentAt() == null && sending.add(notice.noticeId())) {
        context.pipeToSelf(
            sender.send(cardNumber, notice),
            (done, failure) ->
                failure == null
                    ? new NoticeDelivered(notice.noticeId())
                    : new NoticeFailed(notice.noticeId()));
      }
    }
  }

  private static boolean unsent(PatronState state, String noticeId) {
    return state.notice(noticeId).map(n -> n.sentAt() == null).orElse(false);
  }
}
