package dk.library.circulation.patron;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * R40 as pure functions: when a patron's returned loans must be forgotten, and what forgetting them
 * removes. The windows come with each loan ({@link LoanTerms#keptDaysAfterReturn}); sent notices
 * are kept {@link #SENT_NOTICES_KEPT} [004].
 */
public final class RetentionRules {

  /** R40 [004]: the content of messages sent to the patron is deleted after 30 days. */
  public static final Duration SENT_NOTICES_KEPT = Duration.ofDays(30);

  private RetentionRules() {}

  /** The earliest moment a returned loan's window ends, if any is kept. */
  public static Optional<Instant> next(PatronState state) {
    return state.history().returned().stream()
        .map(PatronHistory.Returned::keptUntil)
        .min(Instant::compareTo);
  }

  /**
   * What is forgotten at {@code now}: the returned loans whose window has ended, with the notices
   * sent more than {@link #SENT_NOTICES_KEPT} ago; empty when no window has ended and no erasure is
   * left undone (a forgetting whose journal was not yet erased is taken again, with its snapshot).
   */
  public static Optional<PatronEvent.HistoryForgotten> due(PatronState state, Instant now) {
    List<PatronHistory.Returned> ended = ending(state, now);
    if (ended.isEmpty() && !state.history().erasePending()) {
      return Optional.empty();
    }
    return Optional.of(
        new PatronEvent.HistoryForgotten(
            ended.stream().map(PatronHistory.Returned::checkoutId).toList(),
            now.minus(SENT_NOTICES_KEPT),
            now));
  }

  /** The returned loans whose window has ended by {@code now}: their copies forget them first. */
  public static List<PatronHistory.Returned> ending(PatronState state, Instant now) {
    return state.history().returned().stream().filter(r -> !r.keptUntil().isAfter(now)).toList();
  }
}
