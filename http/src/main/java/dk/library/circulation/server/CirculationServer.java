package dk.library.circulation.server;

import com.typesafe.config.Config;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.access.PatronTokens;
import dk.library.circulation.card.CprIndex;
import dk.library.circulation.card.PersonRegistry;
import dk.library.circulation.cassandra.CassandraDeadlineIndex;
import dk.library.circulation.cassandra.CassandraDebtCollection;
import dk.library.circulation.cassandra.CassandraJournalEraser;
import dk.library.circulation.cassandra.CassandraRetiredCards;
import dk.library.circulation.cassandra.CassandraSeedJournal;
import dk.library.circulation.cassandra.CassandraStatistics;
import dk.library.circulation.cassandra.CassandraTransactionKeys;
import dk.library.circulation.cassandra.CassandraVisitLog;
import dk.library.circulation.cassandra.CassandraWorklists;
import dk.library.circulation.cassandra.JournalCassandra;
import dk.library.circulation.cassandra.RunningServers;
import dk.library.circulation.client.ClientRegistry;
import dk.library.circulation.console.OperatorConsole;
import dk.library.circulation.deadline.DeadlineKeeper;
import dk.library.circulation.deadline.ServingLoad;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.fbs.PersonRegistryFile;
import dk.library.circulation.http.ApiMetrics;
import dk.library.circulation.http.CirculationRoutes;
import dk.library.circulation.http.PaymentRoutes;
import dk.library.circulation.iso18626.PartnerDirectory;
import dk.library.circulation.load.InitialLoad;
import dk.library.circulation.notice.ChannelRouter;
import dk.library.circulation.notice.LogFileNoticeSender;
import dk.library.circulation.notice.NoticeSender;
import dk.library.circulation.notice.SmtpNoticeSender;
import dk.library.circulation.patron.PinKey;
import dk.library.circulation.sip2.SipServer;
import dk.library.circulation.transaction.TransactionKeys;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node of the circulation core: its journal's Cassandra, the actor system with sharded
 * entities, and the HTTP API. Used by {@link Main} and by the tests, which start real servers on
 * free ports.
 */
public final class CirculationServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CirculationServer.class);

  private final JournalCassandra cassandra;
  private final ActorSystem<Void> system;
  private final RunningServers running;
  private final ServerBinding binding;
  private final ApiMetrics metrics;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Null in initial-load mode, or when SIP2 is switched off. */
  private final SipServer sip;

  private CirculationServer(
      JournalCassandra cassandra,
      ActorSystem<Void> system,
      RunningServers running,
      ServerBinding binding,
      ApiMetrics metrics,
      SipServer sip) {
    this.cassandra = cassandra;
    this.system = system;
    this.running = running;
    this.binding = binding;
    this.metrics = metrics;
    this.sip = sip;
  }

  /** Starts Cassandra as configured, then the actor system and the HTTP server. */
  public static CirculationServer start(Config config, Clock clock) {
    boolean initialLoad = initialLoad(config);
    // Before any driver session (the schema's, the journal's), so their meters register with it.
    ApiMetrics metrics = new ApiMetrics();
    JournalCassandra cassandra = JournalCassandra.start(config);
    Config resolved =
        ClusterFormation.applyTo(
            EntityLimit.applyTo(cassandra.applyTo(config), Runtime.getRuntime().maxMemory()));
    RunningServers running;
    try {
      // For the whole life of the actor system: an initial load and serving never overlap.
      running =
          cassandra.announce(
              resolved,
              initialLoad ? "initial-load" : "serving",
              resolved.getDuration("library.running-servers-patience"));
    } catch (RuntimeException e) {
      metrics.close();
      cassandra.close();
      throw e;
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "circulation", resolved);
    try {
      ClusterFormation.join(system, resolved);
      ZoneId zone = ZoneId.of(resolved.getString("library.time-zone"));
      Duration askTimeout = resolved.getDuration("library.http.ask-timeout");
      CprIndex cprIndex =
          new CprIndex(Secrets.cprLookupKey(resolved.getConfig("library.security")));
      PartnerDirectory partners =
          PartnerDirectory.from(resolved.getConfig("library.iso18626"), system);
      CirculationDesk.Settings settings =
          new CirculationDesk.Settings(
              clock,
              zone,
              askTimeout,
              new PinKey(Secrets.pinKey(resolved.getConfig("library.security"))),
              resolved.getInt("library.pin-lockout-after"),
              cprIndex,
              CassandraDeadlineIndex.create(system),
              new DeadlineKeeper.Pace(
                  resolved.getDuration("library.deadlines.interval"),
                  resolved.getInt("library.deadlines.parallelism"),
                  resolved.getInt("library.deadlines.per-second"),
                  resolved.getInt("library.deadlines.floor-per-second"),
                  resolved.getDuration("library.deadlines.rescan-every")),
              new ServingLoad(
                  resolved.getDuration("library.deadlines.yield-when-serving-slower-than")),
              noticeSender(resolved.getConfig("library.notices"), system, clock, zone),
              resolved.getDuration("library.metrics.live-entities-interval"),
              CassandraVisitLog.create(system),
              CassandraDebtCollection.create(system),
              CassandraJournalEraser.create(system),
              CassandraRetiredCards.create(system),
              CassandraStatistics.start(
                  system, resolved.getDuration("library.statistics.flush-interval")),
              new TransactionKeys(
                  CassandraTransactionKeys.create(system),
                  CassandraDeadlineIndex.create(system),
                  cprIndex,
                  clock,
                  zone),
              partners,
              CassandraWorklists.create(system));
      CirculationDesk desk =
          initialLoad
              ? CirculationDesk.startForInitialLoad(system, settings)
              : CirculationDesk.start(system, settings);
      Config security = resolved.getConfig("library.security");
      AccessControl access =
          AccessControl.create(
              security,
              ClientRegistry.start(system, clock, askTimeout),
              patronTokens(security, clock),
              BootstrapOperator.keyHash(security),
              desk.audit(),
              clock);
      OperatorConsole console =
          OperatorConsole.start(
              system,
              resolved.getConfig("library.console"),
              metrics.registry(),
              desk.entityTypes(),
              askTimeout,
              clock);
      Config http = resolved.getConfig("library.http");
      Optional<HttpsConnectionContext> https = Transport.https(http);
      ServerBuilder server =
          Http.get(system).newServerAt(http.getString("host"), http.getInt("port"));
      ServerBinding binding =
          https
              .map(server::enableHttps)
              .orElse(server)
              .bind(
                  (initialLoad
                          ? CirculationRoutes.forInitialLoad(
                              desk,
                              access,
                              metrics,
                              console,
                              new InitialLoad(desk, settings, CassandraSeedJournal.create(system)))
                          : new CirculationRoutes(
                              desk,
                              access,
                              metrics,
                              console,
                              personRegistry(resolved),
                              payments(resolved.getConfig("library.payments")),
                              partners))
                      .routes())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      log.info(
          "Circulation API {}ready on {}://{}:{}/api/v1 (Ctrl-C or SIGTERM stops it)",
          initialLoad ? "(initial-load mode: agencies, clients and imports only) " : "",
          https.isPresent() ? "https" : "http",
          binding.localAddress().getHostString(),
          binding.localAddress().getPort());
      Config sipConfig = resolved.getConfig("library.sip2");
      boolean sipOn = !initialLoad && sipConfig.getBoolean("enabled");
      SipServer sip =
          sipOn
              ? SipServer.start(
                  system, sipConfig, Transport.sipTls(sipConfig, http), desk, access, clock, zone)
              : null;
      if (sip != null) {
        log.info(
            "SIP2 ready on {}:{}{}",
            sipConfig.getString("host"),
            sip.port(),
            sip.tls() ? " (TLS)" : "");
      }
      stopServingFirst(system, binding, sip);
      return new CirculationServer(cassandra, system, running, binding, metrics, sip);
    } catch (Exception e) {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        running.close();
      } catch (Exception stopping) {
        log.warn("Actor system did not stop within 30 s: {}", stopping.toString());
      }
      metrics.close();
      cassandra.close();
      throw new IllegalStateException("the server did not start: " + e.getMessage(), e);
    }
  }

  /**
   * However the node stops (SIGTERM, a leave, a downing by the split brain resolver), it first
   * reports not ready, then stops taking requests and lets those under way finish, and only then
   * leaves the cluster and hands its shards off (Coordinated Shutdown's phases in that order).
   */
  private static void stopServingFirst(
      ActorSystem<?> system, ServerBinding binding, SipServer sip) {
    ServingCheck.Serving.ready(system, true);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "not-ready",
        () -> {
          ServingCheck.Serving.ready(system, false);
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
    if (sip != null) {
      shutdown.addTask(
          CoordinatedShutdown.PhaseServiceUnbind(),
          "sip2-unbind",
          () -> CompletableFuture.runAsync(sip::close).thenApply(closed -> Done.getInstance()));
    }
  }

  /** library.mode: serving (the default) or initial-load (docs/architecture.md, "Initial load"). */
  private static boolean initialLoad(Config config) {
    String mode = config.getString("library.mode");
    return switch (mode) {
      case "serving" -> false;
      case "initial-load" -> true;
      default ->
          throw new IllegalArgumentException(
              "library.mode (LIBRARY_MODE) is '" + mode + "'; use serving or initial-load");
    };
  }

  /** Email by SMTP when a host is configured, else everything to the notice log file. */
  private static NoticeSender noticeSender(
      Config notices, ActorSystem<?> system, Clock clock, ZoneId zone) {
    NoticeSender logFile =
        new LogFileNoticeSender(Path.of(notices.getString("log-file")), clock, zone);
    Config smtp = notices.getConfig("smtp");
    if (smtp.getString("host").isEmpty()) {
      log.info("No SMTP host configured: notices go to {}", notices.getString("log-file"));
      return logFile;
    }
    NoticeSender email =
        new SmtpNoticeSender(
            smtp.getString("host"),
            smtp.getInt("port"),
            smtp.getString("from"),
            system.dispatchers().lookup(DispatcherSelector.blocking()));
    return new ChannelRouter(email, logFile);
  }

  /** Patron tokens under the configured key, or a random one that lives as long as the process. */
  private static PatronTokens patronTokens(Config security, Clock clock) {
    String configured = security.getString("patron-token-key");
    byte[] key;
    if (configured.isEmpty()) {
      key = new byte[32];
      new SecureRandom().nextBytes(key);
      log.info("No patron-token key configured: patron tokens end when this process does");
    } else {
      key = Base64.getDecoder().decode(configured);
    }
    return new PatronTokens(
        key,
        security.getDuration("patron-token-ttl"),
        clock,
        security.getInt("requests-per-second.patron"));
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** The SIP2 port, or -1 when SIP2 is not served. */
  public int sipPort() {
    return sip == null ? -1 : sip.port();
  }

  /** Completes when this node's actor system has stopped: closed, or downed by the cluster. */
  public CompletionStage<?> whenStopped() {
    return system.getWhenTerminated();
  }

  /**
   * Stops taking requests, lets those under way finish, leaves the cluster (handing shards off),
   * then stops the node and its Cassandra. Once; later calls wait for nothing.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    // Runs Coordinated Shutdown: not ready, unbind, requests done, shards handed off, leave.
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      running.close();
    } catch (Exception e) {
      // Then the entry expires by itself (RunningServers.TTL) rather than end while entities run.
      log.warn("Actor system did not stop within 60 s: {}", e.toString());
    }
    metrics.close();
    cassandra.close();
  }

  /** R36: the payment provider, or none when library.payments.provider-url is empty. */
  private static PaymentRoutes.Settings payments(Config payments) {
    String url = payments.getString("provider-url");
    if (url.isBlank()) {
      return PaymentRoutes.Settings.none();
    }
    byte[] key = Secrets.paymentCallbackKey(payments);
    if (key.length < 32) {
      throw new IllegalStateException("library.payments.callback-key must be at least 32 bytes");
    }
    return new PaymentRoutes.Settings(url, key);
  }

  /** The person registry file of library.fbs, or none when it is not configured. */
  private static PersonRegistry personRegistry(Config config) {
    String file = config.getString("library.fbs.person-registry-file");
    return file.isBlank() ? PersonRegistry.none() : new PersonRegistryFile(Path.of(file));
  }
}
