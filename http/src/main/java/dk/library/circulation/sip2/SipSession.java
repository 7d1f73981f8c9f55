package dk.library.circulation.sip2;

import static dk.library.circulation.sip2.SipMessage.field;
import static dk.library.circulation.sip2.SipMessage.yesNo;
import static java.util.Map.entry;

import dk.library.circulation.access.Caller;
import dk.library.circulation.client.Role;
import dk.library.circulation.http.Forms;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One machine's connection: nothing but 93, 99 and 97 is served before a 93 login names a
 * registered terminal client (CN its client id, CO its API key, CP the branch); then each request
 * goes to its handler, which calls the same desk as the HTTP API. A request repeated with the
 * sequence number of the previous one gets the previous response (the machine lost it), and 97
 * resends it.
 */
final class SipSession {

  /** The length of each request's fixed fields after its command, as the standard lays them out. */
  static final Map<String, Integer> FIXED_LENGTH =
      Map.ofEntries(
          entry("93", 2),
          entry("99", 8),
          entry("23", 21),
          entry("63", 31),
          entry("11", 38),
          entry("09", 37),
          entry("29", 38),
          entry("65", 18),
          entry("17", 18),
          entry("19", 18),
          entry("15", 19),
          entry("35", 18),
          entry("37", 25),
          entry("01", 19),
          entry("25", 18),
          entry("97", 0));

  private final SipServices services;
  private final SipCirculation circulation;
  private final SipPatrons patrons;
  private final SipItems items;

  /** The login's language until a 93 succeeds, then the terminal's. */
  private SipTexts texts;

  private SipTerminal terminal;
  private String lastRequest;
  private String lastResponse = "96";

  SipSession(SipServices services, SipTexts language) {
    this.services = services;
    this.circulation = new SipCirculation(services);
    this.patrons = new SipPatrons(services);
    this.items = new SipItems(services);
    this.texts = language;
  }

  /**
   * Requests answered, by command, with the time to answer: {@code circulation_sip2_requests}.
   * Built once per command; anything else is counted as {@code unreadable}.
   */
  private static final Map<String, Timer> TIMERS = new ConcurrentHashMap<>();

  static Timer timer(String command) {
    String tag = FIXED_LENGTH.containsKey(command) ? command : "unreadable";
    return TIMERS.computeIfAbsent(
        tag,
        c ->
            Timer.builder("circulation.sip2.requests")
                .description("SIP2 requests answered, by command")
                .tag("command", c)
                .register(Metrics.globalRegistry));
  }

  /** The response to one request line; never fails, a request it cannot read is answered 96. */
  CompletionStage<String> handle(String line) {
    long start = System.nanoTime();
    SipMessage message;
    try {
      message = SipMessage.parse(line, FIXED_LENGTH);
    } catch (SipMessage.Unreadable e) {
      timer("").record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
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
        .exceptionally(failure -> refusal(message, texts.busy()))
        .thenApply(
            body -> {
              String response = SipMessage.respond(body, sequence);
              lastRequest = line.strip();
              lastResponse = response;
              long nanos = System.nanoTime() - start;
              timer(message.command()).record(nanos, TimeUnit.NANOSECONDS);
              services.desk().serving().answered(nanos);
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
    if (!FIXED_LENGTH.containsKey(m.command())) {
      return done("96");
    }
    if (terminal == null) {
      return done(refusal(m, texts.logInFirst()));
    }
    if (m.command().equals("23") || m.command().equals("63")) {
      terminal = terminal.speaking(SipTexts.of(m.fixed().substring(0, 3), terminal.texts()));
      texts = terminal.texts();
    }
    String invalid = invalidField(m);
    if (invalid != null) {
      return done(refusal(m, invalid));
    }
    SipTerminal t = terminal;
    return switch (m.command()) {
      case "23" -> patrons.status(m, t);
      case "63" -> patrons.information(m, t);
      case "35" -> patrons.endSession(m, t);
      case "37" -> patrons.feePaid(m, t);
      case "01" -> patrons.block(m, t);
      case "25" -> patrons.enable(m, t);
      case "11" -> circulation.checkout(m, t);
      case "09" -> circulation.checkin(m, t);
      case "29" -> circulation.renew(m, t);
      case "65" -> circulation.renewAll(m, t);
      case "17" -> items.information(m, t);
      case "19" -> items.statusUpdate(m, t);
      case "15" -> items.hold(m, t);
      default -> done("96");
    };
  }

  // 93/94 login

  private CompletionStage<String> login(SipMessage m) {
    String clientId = m.field("CN");
    String key = m.field("CO");
    return services
        .access()
        .authenticator()
        .authenticate(key)
        .thenApply(
            found -> {
              Optional<Caller> client =
                  found.filter(c -> c.role() == Role.TERMINAL && c.clientId().equals(clientId));
              if (client.isEmpty() || client.get().agencies().size() != 1) {
                return "940";
              }
              String agency = client.get().agencies().iterator().next();
              terminal = new SipTerminal(client.get(), agency, m.field("CP"), texts);
              return "941";
            });
  }

  // 99/98 status

  private String status() {
    boolean online = terminal != null;
    return "98"
        + yesNo(online)
        + yesNo(online)
        + yesNo(online)
        + yesNo(online)
        + "N"
        + "N"
        + "030"
        + "003"
        + services.date()
        + "2.00"
        + field("AO", online ? terminal.agencyId() : "")
        + field("AM", "Circulation core")
        + field("BX", "YYYYYYYYYYYYYYYY")
        + field("AN", online ? terminal.branchId() : "");
  }

  // Shared

  /** The fields each request cannot be served without. */
  private static final Map<String, String> REQUIRED =
      Map.ofEntries(
          entry("23", "AA AD"),
          entry("63", "AA AD"),
          entry("11", "AA AB AD"),
          entry("09", "AB"),
          entry("29", "AA AB AD"),
          entry("65", "AA AD"),
          entry("17", "AB"),
          entry("19", "AB"),
          entry("15", "AA AD"),
          entry("35", "AA"),
          entry("37", "AA AD BV"),
          entry("01", "AA"),
          entry("25", "AA AD"));

  /**
   * The API's forms hold here too: a missing or malformed field is refused with its form on screen
   * before anything is asked.
   */
  private String invalidField(SipMessage m) {
    for (String code : REQUIRED.getOrDefault(m.command(), "").split(" ")) {
      if (m.field(code).isEmpty()) {
        return code.equals("AD") ? texts.pinRequired() : texts.field(code, "given");
      }
    }
    if (!m.field("AA").isEmpty() && !Forms.CARD_NUMBER.matcher(m.field("AA")).matches()) {
      return texts.field("AA", Forms.CARD_NUMBER_TEXT);
    }
    if (!m.field("AB").isEmpty() && !Forms.BARCODE.matcher(m.field("AB")).matches()) {
      return texts.field("AB", Forms.BARCODE_TEXT);
    }
    if (!m.field("AD").isEmpty() && !Forms.PIN.matcher(m.field("AD")).matches()) {
      return texts.field("AD", Forms.PIN_TEXT);
    }
    return null;
  }

  /** The negative response to {@code m} with {@code why} on screen. */
  private String refusal(SipMessage m, String why) {
    return SipResponses.negative(
        m,
        terminal == null ? "" : terminal.agencyId(),
        services.date(),
        texts.code(),
        false,
        SipResponses.screen(why));
  }

  private static CompletionStage<String> done(String response) {
    return CompletableFuture.completedFuture(response);
  }
}
