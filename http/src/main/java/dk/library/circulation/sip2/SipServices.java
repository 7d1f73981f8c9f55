package dk.library.circulation.sip2;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.http.ApiMetrics;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What every connection's handlers share: the desk the HTTP API calls, its PIN-guessing limits, the
 * clock, the libraries' time zone, and how long a machine's block (01) lasts.
 */
record SipServices(
    CirculationDesk desk, AccessControl access, Clock clock, ZoneId zone, int blockDays) {

  ZonedDateTime now() {
    return ZonedDateTime.ofInstant(clock.instant(), zone);
  }

  LocalDate today() {
    return now().toLocalDate();
  }

  /** The standard's date of now. */
  String date() {
    return SipMessage.date(now());
  }

  /** A day as the standard's date, the end of that day in the libraries' zone. */
  String date(LocalDate day) {
    return SipMessage.date(day, zone);
  }

  /**
   * The HTTP terminal's PIN-guessing limits, per card and per client (R4): a card or machine past
   * its limit is refused before its PIN is looked at.
   */
  <T> CompletionStage<Result<T>> pinGuarded(
      String card, String clientId, Supplier<CompletionStage<Result<T>>> action) {
    if (access.pinWait(card, clientId) > 0) {
      return CompletableFuture.completedFuture(
          Result.refused(
              Rejection.of(
                  Rejection.Code.PIN_LOCKED,
                  "too many wrong PINs; wait a while, or ask the staff to help")));
    }
    return action.get().thenApply(result -> access.countPin(card, clientId, result));
  }

  /** A negative response to {@code m} on the machine's screen, dated now. */
  String refused(SipMessage m, SipTerminal t, Rejection refusal) {
    ApiMetrics.refused("sip2", refusal.code());
    return SipResponses.refused(m, t, date(), refusal);
  }

  String refused(SipMessage m, SipTerminal t, String text) {
    return SipResponses.refused(m, t, date(), text);
  }

  static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
