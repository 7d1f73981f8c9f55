package dk.library.circulation.sip2;

import com.typesafe.config.Config;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.desk.CirculationDesk;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.ZoneId;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP2 server (docs/sip2.md): Pekko Streams TCP, one {@link SipSession} per connection, no
 * thread held by an idle machine. A request is a line ended by a carriage return; one request is
 * answered at a time per connection, in order, as the standard expects.
 */
public final class SipServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SipServer.class);

  /** Longer than any message the standard describes; a longer line still ends the connection. */
  static final int MAX_MESSAGE = 4096;

  private final Tcp.ServerBinding binding;

  private SipServer(Tcp.ServerBinding binding) {
    this.binding = binding;
  }

  /** Binds {@code library.sip2.host:port} (port 0: any free port) and serves until closed. */
  public static SipServer start(
      ActorSystem<?> system,
      Config sip,
      CirculationDesk desk,
      AccessControl access,
      Clock clock,
      ZoneId zone)
      throws Exception {
    Charset charset = Charset.forName(sip.getString("charset"));
    CompletionStage<Tcp.ServerBinding> bound =
        Tcp.get(system)
            .bind(sip.getString("host"), sip.getInt("port"))
            .to(
                Sink.foreach(
                    connection ->
                        connection.handleWith(
                            session(new SipSession(desk, access, clock, zone), charset), system)))
            .run(system);
    return new SipServer(bound.toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  private static Flow<ByteString, ByteString, NotUsed> session(
      SipSession session, Charset charset) {
    return Flow.of(ByteString.class)
        .via(Framing.delimiter(ByteString.fromString("\r"), MAX_MESSAGE, FramingTruncation.ALLOW))
        .map(frame -> frame.decodeString(charset))
        // Some machines end a message with CR LF: the LF starts the next line.
        .map(line -> line.replace("\n", ""))
        .filter(line -> !line.isBlank())
        .mapAsync(1, session::handle)
        .map(response -> ByteString.fromString(response + "\r", charset))
        .watchTermination(
            (notUsed, done) -> {
              done.whenComplete(
                  (ok, failure) -> {
                    if (failure != null) {
                      log.warn("SIP2 connection ended: {}", failure.toString());
                    }
                  });
              return notUsed;
            });
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  @Override
  public void close() {
    try {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The actor system's shutdown closes it anyway.
    }
  }
}
