package dk.library.circulation.access;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sender that promises a body and stalls is cut off at the request timeout with a problem, not
 * left holding a connection until the idle timeout. The server here has a 2-second request timeout
 * (15 s by default) so the test does not wait long.
 */
class StalledBodyTest {

  static CirculationServer server;

  @BeforeAll
  static void start() {
    server =
        CirculationServer.start(
            ConfigFactory.parseString("pekko.http.server.request-timeout = 2 s")
                .withFallback(TestServers.config()),
            new TestClock(Instant.parse("2026-11-22T09:00:00Z")));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aBodyThatNeverEndsIsAnsweredAtTheRequestTimeout() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      // Long enough for the 2 s timeout, short enough to fail well before the 60 s idle timeout.
      socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/agencies HTTP/1.1\r\n"
                  + "Host: 127.0.0.1\r\n"
                  + "Authorization: Bearer "
                  + TestServers.OPERATOR_KEY
                  + "\r\n"
                  + "Content-Type: application/json\r\n"
                  + "Content-Length: 100\r\n\r\n"
                  + "{\"tr")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readAnswer(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
      assertTrue(answer.contains("application/problem+json"), answer);
      assertTrue(answer.contains("\"code\":\"REQUEST_TIMEOUT\""), answer);
    }
  }

  /** What the server sent until it closed the connection or stopped sending for a while. */
  private static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        read.write(buffer, 0, n);
        if (read.toString(StandardCharsets.UTF_8).contains("}")) {
          break;
        }
      }
    } catch (SocketTimeoutException | SocketException e) {
      // nothing (more) came, or the server closed the connection: judged by what did come
    }
    return read.toString(StandardCharsets.UTF_8);
  }
}
