package dk.library.circulation.patron;

import dk.library.circulation.notice.Notice;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * R40 as pure functions: when a patron's returned loans, ended holds, sent notices, paid fees and
 * payment records must be forgotten, and what forgetting them removes. A returned loan's window
 * comes with the loan ({@link LoanTerms#keptDaysAfterReturn}); the fee and payment windows with the
 * patron's registration ({@link PatronHistory#terms}); sent notices are kept {@link
 * #SENT_NOTICES_KEPT} [004].
 */
public final class RetentionRules {

  /** R40 [004]: the content of messages sent to the patron is deleted after 30 days. */
  public static final Duration SENT_NOTICES_KEPT = Duration.ofDays(30);

  private RetentionRules() {}

  /**
   * The earliest moment a returned loan's, a sent notice's, a paid fee's or a payment record's
   * window ends.
   */
  public static Optional<Instant> next(PatronState state, ZoneId zone) {
    return Stream.of(
            state.history().returned().stream().map(PatronHistory.Returned::keptUntil),
            state.history().endedHolds().stream().map(PatronHistory.EndedHold::keptUntil),
            unpaidSessionsKeptUntil(state),
            sentNoticesKeptUntil(state),
            ledgerWindows(state, zone).map(Window::until))
        .flatMap(s -> s)
        .min(Instant::compareTo);
  }

  private static Stream<Instant> sentNoticesKeptUntil(PatronState state) {
    return state.notices().stream()
        .map(Notice::sentAt)
        .filter(Objects::nonNull)
        .map(sent -> sent.plus(SENT_NOTICES_KEPT));
  }

  /**
   * What is forgotten at {@code now}: the returned loans and the settled fees, payments and claims
   * whose window has ended, with the notices sent more than {@link #SENT_NOTICES_KEPT} ago; empty
   * when no window has ended and no erasure is left undone (a forgetting whose journal was not yet
   * erased is taken again, with its snapshot).
   */
  public static Optional<PatronEvent.HistoryForgotten> due(
      PatronState state, Instant now, ZoneId zone) {
    List<PatronHistory.Returned> ended = ending(state, now);
    boolean ledger = ledgerWindows(state, zone).anyMatch(w -> !w.until().isAfter(now));
    boolean notices = sentNoticesKeptUntil(state).anyMatch(until -> !until.isAfter(now));
    boolean holds = !endingHolds(state, now).isEmpty();
    boolean elsewhere = !endingElsewhere(state, now, zone).isEmpty();
    if (ended.isEmpty()
        && !ledger
        && !notices
        && !holds
        && !elsewhere
        && !state.history().erasePending()) {
      return Optional.empty();
    }
    AgencyPolicy.Retention terms = state.history().terms();
    return Optional.of(
        new PatronEvent.HistoryForgotten(
            ended.stream().map(PatronHistory.Returned::checkoutId).toList(),
            now.minus(SENT_NOTICES_KEPT),
            now,
            now.minus(Duration.ofDays(terms.paidFeesDays())),
            now.minus(Duration.ofDays(terms.paidCompensationDays())),
            paymentsSettledBefore(now, terms.paymentRecordYears(), zone)));
  }

  /** The returned loans whose window has ended by {@code now}: their copies forget them first. */
  public static List<PatronHistory.Returned> ending(PatronState state, Instant now) {
    return state.history().returned().stream().filter(r -> !r.keptUntil().isAfter(now)).toList();
  }

  /**
   * R40: the online payment sessions whose window has ended by {@code now}: a paid one with its
   * payment (a payment record), one never paid (cancelled or abandoned) as a paid fee is, from when
   * it was opened. The sessions forget themselves first.
   */
  public static List<PatronHistory.NamedIn> endingElsewhere(
      PatronState state, Instant now, ZoneId zone) {
    return state.history().namedIn().stream()
        .filter(n -> n.kind() == PatronHistory.NamedIn.Kind.PAYMENT_SESSION)
        .filter(n -> sessionKeptUntil(state, n, zone).map(at -> !at.isAfter(now)).orElse(false))
        .toList();
  }

  private static Stream<Instant> unpaidSessionsKeptUntil(PatronState state) {
    return state.history().namedIn().stream()
        .filter(n -> n.kind() == PatronHistory.NamedIn.Kind.PAYMENT_SESSION)
        .filter(n -> paymentOf(state, n).isEmpty() && n.recordedAt() != null)
        .map(n -> n.recordedAt().plus(Duration.ofDays(state.history().terms().paidFeesDays())));
  }

  private static Optional<Instant> sessionKeptUntil(
      PatronState state, PatronHistory.NamedIn session, ZoneId zone) {
    Optional<Fees.Payment> payment = paymentOf(state, session);
    if (payment.isPresent()) {
      return Optional.ofNullable(payment.get().settledAt())
          .map(
              settled ->
                  paymentRecordKeptUntil(
                      settled, state.history().terms().paymentRecordYears(), zone));
    }
    return Optional.ofNullable(session.recordedAt())
        .map(at -> at.plus(Duration.ofDays(state.history().terms().paidFeesDays())));
  }

  /** The payment an online session made, under the id the payment desk gives it. */
  private static Optional<Fees.Payment> paymentOf(
      PatronState state, PatronHistory.NamedIn session) {
    String paymentId = ONLINE_PAYMENT_PREFIX + session.id();
    return state.ledger().payments().stream()
        .filter(p -> p.paymentId().equals(paymentId))
        .findFirst();
  }

  /**
   * The sessions a forgetting takes, decided on the ledger before it forgets: those whose payment
   * it forgets, and those never paid opened by its cut-off for paid fees.
   */
  static List<PatronHistory.NamedIn> sessionsForgotten(
      PatronState state, PatronEvent.HistoryForgotten e) {
    return state.history().namedIn().stream()
        .filter(n -> n.kind() == PatronHistory.NamedIn.Kind.PAYMENT_SESSION)
        .filter(
            n ->
                paymentOf(state, n)
                    .map(
                        p ->
                            p.settledAt() != null
                                && e.paymentsSettledBefore() != null
                                && p.settledAt().isBefore(e.paymentsSettledBefore()))
                    .orElse(
                        n.recordedAt() != null
                            && e.feesSettledBy() != null
                            && !n.recordedAt().isAfter(e.feesSettledBy())))
        .toList();
  }

  /** The ledger's id of a payment made in an online session: this, then the session's id. */
  public static final String ONLINE_PAYMENT_PREFIX = "online-";

  /** The ended holds whose window has ended by {@code now}: their titles forget them first. */
  public static List<PatronHistory.EndedHold> endingHolds(PatronState state, Instant now) {
    return state.history().endedHolds().stream().filter(h -> !h.keptUntil().isAfter(now)).toList();
  }

  /**
   * The settled debt-collection claims whose window has ended by {@code now}: the collection's
   * ledger forgets their entries first.
   */
  public static List<Fees.Claim> endingClaims(PatronState state, Instant now, ZoneId zone) {
    int years = state.history().terms().paymentRecordYears();
    return state.ledger().claims().stream()
        .filter(c -> c.settledAt() != null)
        .filter(c -> !paymentRecordKeptUntil(c.settledAt(), years, zone).isAfter(now))
        .toList();
  }

  /**
   * The payment records whose window has ended by {@code now} are those settled before the start of
   * the financial year {@code years} before this one (the inverse of {@link
   * #paymentRecordKeptUntil}).
   */
  static Instant paymentsSettledBefore(Instant now, int years, ZoneId zone) {
    int year = LocalDate.ofInstant(now, zone).getYear();
    return LocalDate.of(year - years, 1, 1).atStartOfDay(zone).toInstant();
  }

  /**
   * When a payment record settled at {@code settledAt} is forgotten: {@code years} after the end of
   * the financial year (the calendar year, as for Danish municipalities) in which it was settled.
   */
  public static Instant paymentRecordKeptUntil(Instant settledAt, int years, ZoneId zone) {
    int year = LocalDate.ofInstant(settledAt, zone).getYear();
    return LocalDate.of(year + 1 + years, 1, 1).atStartOfDay(zone).toInstant();
  }

  /** A settled entry of the ledger and the end of its window. */
  record Window(Kind kind, String id, Instant until) {
    enum Kind {
      FEE,
      PAYMENT,
      CLAIM
    }
  }

  /**
   * Paid fees, paid compensation (a lost or damaged copy's charge and its reversal) and payment
   * records (payments, write-offs, claims handed to debt collection), once settled.
   */
  static Stream<Window> ledgerWindows(PatronState state, ZoneId zone) {
    Fees.Ledger ledger = state.ledger();
    AgencyPolicy.Retention terms = state.history().terms();
    Stream<Window> fees =
        ledger.fees().stream()
            .filter(f -> f.settledAt() != null)
            .map(f -> new Window(Window.Kind.FEE, f.feeId(), feeKeptUntil(f, terms, zone)));
    Stream<Window> payments =
        ledger.payments().stream()
            .filter(p -> p.settledAt() != null)
            .map(
                p ->
                    new Window(
                        Window.Kind.PAYMENT,
                        p.paymentId(),
                        paymentRecordKeptUntil(p.settledAt(), terms.paymentRecordYears(), zone)));
    Stream<Window> claims =
        ledger.claims().stream()
            .filter(c -> c.settledAt() != null)
            .map(
                c ->
                    new Window(
                        Window.Kind.CLAIM,
                        c.claimId(),
                        paymentRecordKeptUntil(c.settledAt(), terms.paymentRecordYears(), zone)));
    return Stream.of(fees, payments, claims).flatMap(s -> s);
  }

  private static Instant feeKeptUntil(Fees.Fee fee, AgencyPolicy.Retention terms, ZoneId zone) {
    return switch (fee.window()) {
      case COMPENSATION -> fee.settledAt().plus(Duration.ofDays(terms.paidCompensationDays()));
      case PAYMENT_RECORD ->
          paymentRecordKeptUntil(fee.settledAt(), terms.paymentRecordYears(), zone);
      case PAID_FEE -> fee.settledAt().plus(Duration.ofDays(terms.paidFeesDays()));
    };
  }
}
