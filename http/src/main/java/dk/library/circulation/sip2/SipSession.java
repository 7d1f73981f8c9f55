package dk.library.circulation.sip2;

import static dk.library.circulation.sip2.SipMessage.field;
import static dk.library.circulation.sip2.SipMessage.yesNo;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.Caller;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CheckoutRequest;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.ReturnRequest;
import dk.library.circulation.desk.ReturnSlip;
import dk.library.circulation.http.Forms;
import dk.library.circulation.patron.CheckoutReceipt;
import dk.library.circulation.patron.PatronReply;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One machine's connection: nothing is served before a 93 login names a registered terminal client
 * (CN its client id, CO its API key, CP the branch); then checkouts, checkins, renewals and patron
 * status go to the same desk as the HTTP API, under the same rules and PIN limits. A request
 * repeated with the sequence number of the previous one gets the previous response (the machine
 * lost it), and 97 resends it.
 */
final class SipSession {

  static final Map<String, Integer> FIXED_LENGTH =
      Map.of("93", 2, "99", 8, "23", 21, "11", 38, "09", 37, "29", 38, "97", 0);

  private final CirculationDesk desk;
  private final AccessControl access;
  private final Clock clock;
  private final ZoneId zone;

  private Caller caller;
  private String agencyId;
  private String branchId;
  private String lastRequest;
  private String lastResponse = "96";

  SipSession(CirculationDesk desk, AccessControl access, Clock clock, ZoneId zone) {
    this.desk = desk;
    this.access = access;
    this.clock = clock;
    this.zone = zone;
  }

  /** The response to one request line; never fails, a request it cannot read is answered 96. */
  CompletionStage<String> handle(String line) {
    SipMessage message;
    try {
      message = SipMessage.parse(line, FIXED_LENGTH);
    } catch (SipMessage.Unreadable e) {
      return CompletableFuture.completedFuture("96");
    }
    if (message.command().equals("97")) {
      return CompletableFuture.completedFuture(lastResponse);
    }
    if (message.sequence() != null && line.strip().equals(lastRequest)) {
      return CompletableFuture.completedFuture(lastResponse);
    }
    Optional<String> sequence = Optional.ofNullable(message.sequence());
    CompletionStage<String> answer;
    try {
      answer = answer(message);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    // A failure is answered too: the connection outlives any one request.
    return answer
        .exceptionally(failure -> unavailable(message))
        .thenApply(
            body -> {
              String response = SipMessage.respond(body, sequence);
              lastRequest = line.strip();
              lastResponse = response;
              return response;
            });
  }

  private CompletionStage<String> answer(SipMessage m) {
    if (m.command().equals("93")) {
      return login(m);
    }
    if (m.command().equals("99")) {
      return done(status());
    }
    if (caller == null) {
      return done(refusal(m, "Log in first (SIP 93)"));
    }
    String invalid = invalidField(m);
    if (invalid != null) {
      return done(refusal(m, invalid));
    }
    return switch (m.command()) {
      case "23" -> patronStatus(m);
      case "11" -> checkout(m);
      case "09" -> checkin(m);
      case "29" -> renew(m);
      default -> done("96");
    };
  }

  // 93/94 login

  private CompletionStage<String> login(SipMessage m) {
    String clientId = m.field("CN");
    String key = m.field("CO");
    return access
        .authenticator()
        .authenticate(key)
        .thenApply(
            found -> {
              Optional<Caller> terminal =
                  found.filter(c -> c.role() == Role.TERMINAL && c.clientId().equals(clientId));
              if (terminal.isEmpty() || terminal.get().agencies().size() != 1) {
                return "940";
              }
              caller = terminal.get();
              agencyId = caller.agencies().iterator().next();
              branchId = m.field("CP");
              return "941";
            });
  }

  // 99/98 status

  private String status() {
    boolean online = caller != null;
    return "98"
        + yesNo(online)
        + yesNo(online)
        + yesNo(online)
        + yesNo(online)
        + "N"
        + "N"
        + "030"
        + "003"
        + SipMessage.date(now())
        + "2.00"
        + field("AO", agencyId == null ? "" : agencyId)
        + field("AM", "Circulation core")
        + field("BX", "YYYNYNNNYNNNNNNN")
        + field("AN", branchId == null ? "" : branchId);
  }

  // 23/24 patron status

  private CompletionStage<String> patronStatus(SipMessage m) {
    String card = m.field("AA");
    String pin = m.field("AD");
    return pinGuarded(card, () -> desk.checkPin(card, pin))
        .thenApply(
            result -> {
              String language = m.fixed().substring(0, 3);
              if (result instanceof Result.Ok<PatronReply.Status> ok) {
                PatronReply.Status s = ok.value();
                boolean blocked = !s.blocks().isEmpty();
                return "24"
                    + (blocked ? "YY" : "  ")
                    + " ".repeat(12)
                    + language
                    + SipMessage.date(now())
                    + field("AO", agencyId)
                    + field("AA", card)
                    + field("AE", s.name())
                    + field("BL", "Y")
                    + field("CQ", "Y")
                    + field("BH", "DKK")
                    + field("BV", Integer.toString(s.balanceDkk()))
                    + (blocked ? field("AF", s.blocks().get(0).detail()) : "");
              }
              Rejection refusal = ((Result.Refused<PatronReply.Status>) result).rejection();
              boolean unknown = refusal.code() == Rejection.Code.PATRON_NOT_FOUND;
              return "24"
                  + "YYYY"
                  + " ".repeat(10)
                  + language
                  + SipMessage.date(now())
                  + field("AO", agencyId)
                  + field("AA", card)
                  + field("AE", "")
                  + field("BL", yesNo(!unknown))
                  + field("CQ", "N")
                  + screen(refusal);
            });
  }

  // 11/12 checkout

  private CompletionStage<String> checkout(SipMessage m) {
    String card = m.field("AA");
    String item = m.field("AB");
    CheckoutRequest request =
        new CheckoutRequest(
            caller.clientId(),
            transactionId("out", m.fixed().substring(2, 20), item),
            card,
            m.field("AD"),
            item,
            agencyId,
            branchId,
            null,
            null);
    return pinGuarded(card, () -> desk.checkout(request))
        .thenApply(
            result -> {
              String date = SipMessage.date(now());
              if (result instanceof Result.Ok<CheckoutReceipt> ok) {
                return "121NNY"
                    + date
                    + field("AO", agencyId)
                    + field("AA", card)
                    + field("AB", item)
                    + field("AJ", "")
                    + field("AH", SipMessage.date(ok.value().dueDate(), zone));
              }
              return negative(
                  "11", card, item, screen(((Result.Refused<CheckoutReceipt>) result).rejection()));
            });
  }

  // 09/10 checkin

  private CompletionStage<String> checkin(SipMessage m) {
    String item = m.field("AB");
    ReturnRequest request =
        new ReturnRequest(
            transactionId("in", m.fixed().substring(1, 19), item), item, agencyId, branchId);
    return desk.returnItem(request)
        .thenApply(
            result -> {
              String date = SipMessage.date(now());
              if (result instanceof Result.Ok<ReturnSlip> ok) {
                return "101YNN"
                    + date
                    + field("AO", agencyId)
                    + field("AB", item)
                    + field("AQ", ok.value().ownerAgencyId())
                    + field("AJ", ok.value().title());
              }
              return negative(
                  "09", "", item, screen(((Result.Refused<ReturnSlip>) result).rejection()));
            });
  }

  // 29/30 renew

  private CompletionStage<String> renew(SipMessage m) {
    String card = m.field("AA");
    String item = m.field("AB");
    return pinGuarded(card, () -> desk.renew(card, m.field("AD"), List.of(item)))
        .thenApply(
            result -> {
              String date = SipMessage.date(now());
              if (result instanceof Result.Ok<List<PatronReply.RenewalResult>> ok
                  && !ok.value().isEmpty()
                  && ok.value().get(0).renewed()) {
                return "301YNN"
                    + date
                    + field("AO", agencyId)
                    + field("AA", card)
                    + field("AB", item)
                    + field("AJ", "")
                    + field("AH", SipMessage.date(ok.value().get(0).dueDate(), zone));
              }
              Rejection refusal =
                  result instanceof Result.Refused<List<PatronReply.RenewalResult>> refused
                      ? refused.rejection()
                      : ((Result.Ok<List<PatronReply.RenewalResult>>) result)
                          .value()
                          .get(0)
                          .refusal();
              return negative("29", card, item, screen(refusal));
            });
  }

  // Shared

  /**
   * The HTTP terminal's PIN-guessing limits, per card and per client (R4): a card or machine past
   * its limit is refused before its PIN is looked at.
   */
  private <T> CompletionStage<Result<T>> pinGuarded(
      String card, Supplier<CompletionStage<Result<T>>> action) {
    if (access.pinWait(card, caller.clientId()) > 0) {
      return CompletableFuture.completedFuture(
          Result.refused(
              Rejection.of(
                  Rejection.Code.PIN_LOCKED,
                  "too many wrong PINs; wait a while, or ask the staff to help")));
    }
    return action.get().thenApply(result -> access.countPin(card, caller.clientId(), result));
  }

  /** The API's forms hold here too: a field that is not one is refused before anything is asked. */
  private static String invalidField(SipMessage m) {
    if (m.fields().containsKey("AA") && !Forms.CARD_NUMBER.matcher(m.field("AA")).matches()) {
      return "The patron identifier (AA) must be " + Forms.CARD_NUMBER_TEXT;
    }
    if (m.fields().containsKey("AB") && !Forms.BARCODE.matcher(m.field("AB")).matches()) {
      return "The item identifier (AB) must be " + Forms.BARCODE_TEXT;
    }
    if (m.fields().containsKey("AD") && !Forms.PIN.matcher(m.field("AD")).matches()) {
      return "The patron password (AD) must be " + Forms.PIN_TEXT;
    }
    return null;
  }

  /**
   * A machine sends no transaction id; its transaction date and the item name the transaction, so a
   * machine that sends the same request again after losing the answer gets the same receipt.
   */
  private static String transactionId(String kind, String transactionDate, String item) {
    String id = "sip-" + kind + "-" + transactionDate.replaceAll("[^0-9]", "") + "-" + item;
    return id.replaceAll("[^A-Za-z0-9._:-]", "_").substring(0, Math.min(64, id.length()));
  }

  /** Screen message naming the rule that refused (AF) and the rule code for the print line (AG). */
  private static String screen(Rejection refusal) {
    return field("AF", refusal.message()) + field("AG", refusal.code().name());
  }

  /** The right response to a message that cannot be served, with the reason on screen. */
  private String refusal(SipMessage m, String why) {
    return negative(m.command(), m.field("AA"), m.field("AB"), field("AF", why));
  }

  /** The negative response to a command about a card and an item, with its screen fields. */
  private String negative(String command, String card, String item, String screen) {
    String head = SipMessage.date(now()) + field("AO", agencyId == null ? "" : agencyId);
    return switch (command) {
      case "11" ->
          "120NNN" + head + field("AA", card) + field("AB", item) + field("AJ", "") + screen;
      case "09" -> "100NNN" + head + field("AB", item) + field("AQ", "") + screen;
      case "29" ->
          "300NNN" + head + field("AA", card) + field("AB", item) + field("AJ", "") + screen;
      case "23" ->
          "24YYYY"
              + " ".repeat(10)
              + "000"
              + head
              + field("AA", card)
              + field("AE", "")
              + field("BL", "N")
              + field("CQ", "N")
              + screen;
      default -> "96";
    };
  }

  /** An entity did not answer in time: the refusal says to try again. */
  private String unavailable(SipMessage m) {
    return refusal(m, "The library system is busy; please try again");
  }

  private ZonedDateTime now() {
    return ZonedDateTime.ofInstant(clock.instant(), zone);
  }

  private static CompletionStage<String> done(String response) {
    return CompletableFuture.completedFuture(response);
  }
}
