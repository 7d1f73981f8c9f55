package dk.library.circulation.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.server.MaskedMessage;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Everything logged while a server starts, serves patrons and staff, refuses wrong PINs and stops,
 * at DEBUG, as the production layout writes it: no PIN, API key, patron token or card number.
 */
class LogHygieneTest {

  static final java.util.regex.Pattern PIN =
      java.util.regex.Pattern.compile("(?i)pin\\W{0,5}(8642|7531)|\"(8642|7531)\"");

  @Test
  void logsHoldNoPinsKeysTokensOrCardNumbers() {
    // Our code and Pekko at DEBUG into a list only, so the console stays quiet.
    List<Logger> loggers =
        List.of(
            (Logger) LoggerFactory.getLogger("dk.library.circulation"),
            (Logger) LoggerFactory.getLogger("org.apache.pekko"));
    List<Level> levels = loggers.stream().map(Logger::getLevel).toList();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    for (Logger logger : loggers) {
      logger.addAppender(captured);
      logger.setLevel(Level.DEBUG);
      logger.setAdditive(false);
    }
    String card = "0102" + String.valueOf(System.nanoTime()).substring(0, 6);
    String key;
    String token;
    try (CirculationServer server =
        TestServers.start(new TestClock(Instant.parse("2026-11-22T09:00:00Z")))) {
      Api api = new Api(server.port());
      String agency = Api.unique("DK-");
      api.createAgency(agency, 5, 1);
      key = api.registerClient("terminal", agency);
      assertEquals(
          201,
          api.staff(agency)
              .post(
                  "/api/v1/patrons",
                  "{\"cardNumber\":\"%s\",\"pin\":\"8642\",\"name\":\"Log Patron\",\"homeAgencyId\":\"%s\"}"
                      .formatted(card, agency))
              .status());
      Api terminal = api.as(key);
      assertEquals(
          401,
          terminal
              .post(
                  "/api/v1/patron-status",
                  "{\"cardNumber\":\"%s\",\"pin\":\"7531\"}".formatted(card))
              .status());
      Answer session =
          terminal.post(
              "/api/v1/patron-sessions",
              "{\"cardNumber\":\"%s\",\"pin\":\"8642\"}".formatted(card));
      token = session.body().get("token").asText();
      assertEquals(200, api.as(token).get("/api/v1/patrons/" + card).status());
      assertEquals(
          400,
          terminal
              .post(
                  "/api/v1/checkouts",
                  "{\"cardNumber\":\"%s\",\"pin\":\"8642\",\"oops\":".formatted(card))
              .status());
    } finally {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).detachAppender(captured);
        loggers.get(i).setLevel(levels.get(i));
        loggers.get(i).setAdditive(true);
      }
    }
    MaskedMessage layout = new MaskedMessage();
    List<String> lines = captured.list.stream().map(layout::convert).toList();
    assertTrue(lines.size() > 50, "the server logged too little to judge: " + lines.size());
    // The secret is all after "lck_<client id>_"; it may itself contain '_'.
    String secret = key.substring(key.indexOf('_', "lck_".length()) + 1);
    for (String line : lines) {
      assertFalse(line.contains(card), line);
      // Four digits also occur in ports and timings; a PIN would be quoted or named.
      assertFalse(PIN.matcher(line).find(), line);
      assertFalse(line.contains(secret), line);
      assertFalse(line.contains(token), line);
      assertFalse(line.contains(TestServers.OPERATOR_KEY), line);
    }
  }
}
