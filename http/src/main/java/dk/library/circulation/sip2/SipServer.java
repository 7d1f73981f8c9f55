package dk.library.circulation.sip2;

import com.typesafe.config.Config;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.desk.CirculationDesk;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP2 server (docs/sip2.md): Pekko Streams TCP, plain or TLS, one {@link SipSession} per
 * connection, no thread held by an idle machine. A request is a line ended by a carriage return;
 * one request is answered at a time per connection, in order, as the standard expects.
 */
public final class SipServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SipServer.class);

  /**
   * Longer than any message the standard describes. A longer line is answered 96 once its carriage
   * return arrives, its bytes not kept meanwhile.
   */
  static final int MAX_MESSAGE = 4096;

  private final Tcp.ServerBinding binding;
  private final boolean tls;

  private SipServer(Tcp.ServerBinding binding, boolean tls) {
    this.binding = binding;
    this.tls = tls;
  }

  /**
   * Binds {@code library.sip2.host:port} (port 0: any free port), with TLS when {@code tls} is
   * given, and serves until closed.
   */
  public static SipServer start(
      ActorSystem<?> system,
      Config sip,
      Optional<SSLContext> tls,
      CirculationDesk desk,
      AccessControl access,
      Clock clock,
      ZoneId zone)
      throws Exception {
    Charset charset = Charset.forName(sip.getString("charset"));
    SipTexts language = SipTexts.named(sip.getString("language"));
    SipServices services = new SipServices(desk, access, clock, zone, sip.getInt("block-days"));
    String host = sip.getString("host");
    int port = sip.getInt("port");
    Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> connections =
        tls.isPresent()
            ? Tcp.get(system).bindWithTls(host, port, () -> serverEngine(tls.get()))
            : Tcp.get(system).bind(host, port);
    CompletionStage<Tcp.ServerBinding> bound =
        connections
            .to(
                Sink.foreach(
                    connection ->
                        connection.handleWith(
                            session(new SipSession(services, language), charset), system)))
            .run(system);
    return new SipServer(bound.toCompletableFuture().get(30, TimeUnit.SECONDS), tls.isPresent());
  }

  private static SSLEngine serverEngine(SSLContext tls) {
    SSLEngine engine = tls.createSSLEngine();
    engine.setUseClientMode(false);
    return engine;
  }

  private static Flow<ByteString, ByteString, NotUsed> session(
      SipSession session, Charset charset) {
    return Flow.of(ByteString.class)
        .via(lines())
        // Some machines end a message with CR LF: the LF starts the next line.
        .map(line -> line.map(bytes -> bytes.decodeString(charset).replace("\n", "")))
        .filter(line -> line.isEmpty() || !line.get().isBlank())
        .mapAsync(1, line -> line.isPresent() ? session.handle(line.get()) : overlong())
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

  /**
   * Requests as lines ended by a carriage return; a line over {@link #MAX_MESSAGE} bytes comes out
   * empty, to be answered 96, and its bytes are dropped as they arrive.
   */
  static Flow<ByteString, Optional<ByteString>, NotUsed> lines() {
    return Flow.of(ByteString.class)
        .statefulMapConcat(
            () -> {
              Lines lines = new Lines();
              return lines::split;
            });
  }

  private static final class Lines {
    private static final byte CR = '\r';
    private ByteString pending = ByteString.emptyByteString();
    private boolean overlong;

    List<Optional<ByteString>> split(ByteString chunk) {
      List<Optional<ByteString>> out = new ArrayList<>();
      ByteString data = pending.concat(chunk);
      int end;
      while ((end = data.indexOf(CR)) >= 0) {
        ByteString line = data.take(end);
        data = data.drop(end + 1);
        if (overlong || line.size() > MAX_MESSAGE) {
          out.add(Optional.empty());
          overlong = false;
        } else {
          out.add(Optional.of(line));
        }
      }
      if (data.size() > MAX_MESSAGE) {
        overlong = true;
        data = ByteString.emptyByteString();
      }
      pending = data;
      return out;
    }
  }

  private static CompletionStage<String> overlong() {
    return CompletableFuture.completedFuture("96");
  }

  /** Whether the port speaks TLS. */
  public boolean tls() {
    return tls;
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
