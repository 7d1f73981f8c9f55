package dk.library.circulation.patron;

import dk.library.circulation.notice.Notice;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * R40 as pure functions: when a patron's returned loans and sent notices must be forgotten, and
 * what forgetting them removes. The windows come with each loan ({@link
 * LoanTerms#keptDaysAfterReturn}); sent notices are kept {@link #SENT_NOTICES_KEPT} [004].
 */
public final class RetentionRules {

  /** R40 [004]: the content of messages sent to the patron is deleted after 30 days. */
  public static final Duration SENT_NOTICES_KEPT = Duration.ofDays(30);

  private RetentionRules() {}

  /** The earliest moment a returned loan's window or a sent notice's 30 days end, if any. */
  public static Optional<Instant> next(PatronState state) {
    Optional<Instant> loans =
        state.history().returned().stream()
            .map(PatronHistory.Returned::keptUntil)
            .min(Instant::compareTo);
    Optional<Instant> notices =
        state.notices().stream()
            .map(Notice::sentAt)
            .filter(Objects::nonNull)
            .min(Instant::compareTo)
            .map(sent -> sent.plus(SENT_NOTICES_KEPT));
    return loans.isEmpty()
        ? notices
        : notices.filter(at -> at.isBefore(loans.get())).or(() -> loans);
  }

  /**
   * The deadline a notice sent at {@code sentAt} needs indexed before its sending is recorded: the
   * end of its 30 days, unless the patron already has a deadline at or before it.
   */
  public static Optional<Instant> deadlineForSentNotice(
      PatronState state, Instant sentAt, ZoneId zone) {
    Instant end = sentAt.plus(SENT_NOTICES_KEPT);
    Optional<Instant> existing = ReminderRules.nextDeadline(state, zone);
    return Optional.of(end).filter(at -> existing.isEmpty() || at.isBefore(existing.get()));
  }

  /**
   * What is forgotten at {@code now}: the returned loans whose window has ended, with the notices
   * sent more than {@link #SENT_NOTICES_KEPT} ago; empty when no window has ended and no erasure is
   * left undone (a forgetting whose journal was not yet erased is taken again, with its snapshot).
   */
  public static Optional<PatronEvent.HistoryForgotten> due(PatronState state, Instant now) {
    List<PatronHistory.Returned> ended = ending(state, now);
    Instant noticesSentBefore = now.minus(SENT_NOTICES_KEPT);
    boolean noticesEnded =
        state.notices().stream()
            .anyMatch(n -> n.sentAt() != null && !n.sentAt().isAfter(noticesSentBefore));
    if (ended.isEmpty() && !noticesEnded && !state.history().erasePending()) {
      return Optional.empty();
    }
    return Optional.of(
        new PatronEvent.HistoryForgotten(
            ended.stream().map(PatronHistory.Returned::checkoutId).toList(),
            noticesSentBefore,
            now));
  }

  /** The returned loans whose window has ended by {@code now}: their copies forget them first. */
  public static List<PatronHistory.Returned> ending(PatronState state, Instant now) {
    return state.history().returned().stream().filter(r -> !r.keptUntil().isAfter(now)).toList();
  }
}
