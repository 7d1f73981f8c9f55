package dk.library.circulation.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Cassandra 5.0 started from Maven Central artifacts as a child JVM.
 *
 * <p>It is the embedded default of the server and the one shared node of a test run. The node runs
 * on 127.0.0.1 only, on ports given by the caller, with everything it writes under {@code
 * directory} so a user can see and delete it.
 */
public final class LocalCassandra implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalCassandra.class);

  /** From Cassandra's conf/jvm17-server.options: the JPMS openings the node needs on Java 17. */
  private static final List<String> JAVA17_OPTIONS =
      List.of(
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports",
          "java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports",
          "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports",
          "java.sql/java.sql=ALL-UNNAMED",
          "--add-exports",
          "java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports",
          "jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports",
          "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports",
          "jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.io=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens",
          "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.util=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-XX:+UseG1GC");

  /**
   * Where and how to run the node: on {@code address} (a loopback address; several nodes of one
   * cluster on one host take 127.0.0.1, 127.0.0.2, ...), joining the cluster of {@code seed}
   * (host:storage port; the node itself when it is the first).
   */
  public record Settings(
      Path directory,
      int nativePort,
      int storagePort,
      String heap,
      Duration startTimeout,
      String address,
      String seed) {

    public Settings {
      if (nativePort <= 0 || storagePort <= 0 || nativePort == storagePort) {
        throw new IllegalArgumentException(
            "native and storage ports must be two different positive ports");
      }
    }

    /** A node of its own on 127.0.0.1. */
    public Settings(
        Path directory, int nativePort, int storagePort, String heap, Duration startTimeout) {
      this(
          directory,
          nativePort,
          storagePort,
          heap,
          startTimeout,
          "127.0.0.1",
          "127.0.0.1:" + storagePort);
    }

    /** The same node on another address, joining {@code seed}'s cluster. */
    public Settings at(Path directory, String address, String seed) {
      return new Settings(directory, nativePort, storagePort, heap, startTimeout, address, seed);
    }

    /** Two free loopback ports, for a test node that must never collide with anything. */
    public static Settings onFreePorts(Path directory, String heap) {
      int nativePort = freePort();
      int storagePort = freePort();
      // The system may hand out a port it just freed again.
      while (storagePort == nativePort) {
        storagePort = freePort();
      }
      return new Settings(directory, nativePort, storagePort, heap, Duration.ofMinutes(3));
    }
  }

  /** Names the node a server started under its directory, so a later server can adopt it. */
  static final String PID_FILE = "cassandra.pid";

  private final Settings settings;
  private final ProcessHandle process;
  private final Duration startDuration;

  private LocalCassandra(Settings settings, ProcessHandle process, Duration took) {
    this.settings = settings;
    this.process = process;
    this.startDuration = took;
  }

  /**
   * The node an earlier server started under {@code settings.directory()} and left running (its JVM
   * was killed), if it still runs: the process its pid file names, recognised by the storage
   * directory on its command line. Adopted, it is stopped by {@link #close} like a node started
   * here; a node started by anything else is never adopted.
   */
  public static Optional<LocalCassandra> adopt(Settings settings) {
    Path dir = settings.directory().toAbsolutePath();
    try {
      Path pidFile = dir.resolve(PID_FILE);
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      String storage = storageDirOption(dir);
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> arguments(p).contains(storage))
          .map(p -> new LocalCassandra(settings, p, Duration.ZERO));
    } catch (IOException | NumberFormatException e) {
      log.warn("Ignoring the Cassandra pid file in {}: {}", dir, e.toString());
      return Optional.empty();
    }
  }

  /**
   * A process's arguments. The node's command line (its classpath alone is over 100 KB) is too long
   * for {@code ProcessHandle.Info} on Linux, so it is read from /proc where there is one.
   */
  private static List<String> arguments(ProcessHandle process) {
    Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
    try {
      if (Files.isReadable(cmdline)) {
        return Arrays.asList(Files.readString(cmdline, StandardCharsets.UTF_8).split("\0"));
      }
    } catch (IOException e) {
      return List.of(); // the process ended meanwhile
    }
    return process.info().arguments().map(Arrays::asList).orElse(List.of());
  }

  private static String storageDirOption(Path dir) {
    return "-Dcassandra.storagedir=" + dir.resolve("data");
  }

  /** Starts the node and returns once it answers CQL. */
  public static LocalCassandra start(Settings settings) {
    Instant begin = Instant.now();
    try {
      Path dir = settings.directory().toAbsolutePath();
      Path conf = dir.resolve("conf");
      Files.createDirectories(conf);
      Path yaml = conf.resolve("cassandra.yaml");
      Files.writeString(yaml, yaml(dir, settings));
      Path logback = conf.resolve("logback.xml");
      Files.writeString(logback, logback(dir));
      List<String> classpath = NodeClasspath.locate();
      String jamm =
          classpath.stream()
              .filter(p -> Path.of(p).getFileName().toString().startsWith("jamm-"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no jamm jar on Cassandra's classpath"));

      List<String> command = new ArrayList<>();
      command.add(javaExecutable());
      command.add("-Xms" + settings.heap());
      command.add("-Xmx" + settings.heap());
      command.add("-XX:MaxDirectMemorySize=512m");
      command.addAll(JAVA17_OPTIONS);
      command.add("-javaagent:" + jamm);
      command.add("-Dcassandra.config=" + yaml.toUri());
      command.add(storageDirOption(dir));
      command.add("-Dcassandra-foreground=yes");
      // A node of its own starts at once; one joining a seed must wait for the seed's gossip.
      boolean founding = settings.seed().equals(settings.address() + ":" + settings.storagePort());
      command.add("-Dcassandra.ring_delay_ms=" + (founding ? 0 : 5_000));
      if (founding) {
        command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
      }
      command.add("-Dcassandra.superuser_setup_delay_ms=0");
      command.add("-Dlogback.configurationFile=" + logback.toUri());
      command.add("-cp");
      command.add(String.join(File.pathSeparator, classpath));
      command.add("org.apache.cassandra.service.CassandraDaemon");

      Files.createDirectories(dir.resolve("logs"));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("logs").resolve("stdout.log").toFile())
              .start();
      Files.writeString(dir.resolve(PID_FILE), process.pid() + "\n");
      log.info(
          "Starting Cassandra (pid {}) on {}:{}, data in {}",
          process.pid(),
          settings.address(),
          settings.nativePort(),
          dir);
      awaitCql(settings, process, begin);
      Duration took = Duration.between(begin, Instant.now());
      log.info(
          "Cassandra answers CQL on {}:{} after {} ms",
          settings.address(),
          settings.nativePort(),
          took.toMillis());
      return new LocalCassandra(settings, process.toHandle(), took);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the local Cassandra node", e);
    }
  }

  /** True when something already answers CQL on 127.0.0.1:port (a node left running). */
  public static boolean answersCql(int port) {
    return answersCql("127.0.0.1", port);
  }

  private static boolean answersCql(String host, int port) {
    if (!portOpen(host, port)) {
      return false;
    }
    try (CqlSession session = session(host, port, Duration.ofSeconds(2))) {
      session.execute("SELECT release_version FROM system.local");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public int nativePort() {
    return settings.nativePort();
  }

  public String contactPoint() {
    return settings.address() + ":" + settings.nativePort();
  }

  public Duration startDuration() {
    return startDuration;
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Stops the node when this JVM exits. Only for owners that have nothing else to stop first: the
   * server stops its node itself, after its actor system, so no write is cut off.
   */
  public LocalCassandra stopOnExit() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-local-cassandra"));
    return this;
  }

  /** Stops the node with SIGTERM, as Cassandra expects, and waits for it to go. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      process.onExit().get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn("Cassandra did not stop within 60 s; killing it");
      process.destroyForcibly();
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for Cassandra to stop", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static void awaitCql(Settings settings, Process process, Instant begin) {
    Instant deadline = begin.plus(settings.startTimeout());
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Cassandra exited with code "
                + process.exitValue()
                + " while starting; see "
                + settings.directory().resolve("logs"));
      }
      if (answersCql(settings.address(), settings.nativePort())) {
        return;
      }
      try {
        Thread.sleep(250); // polling a child process's port: there is no event to await
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Cassandra", e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "Cassandra did not answer CQL within "
            + settings.startTimeout()
            + "; see "
            + settings.directory().resolve("logs"));
  }

  private static boolean portOpen(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static CqlSession session(String host, int port, Duration timeout) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(host, port))
        .withLocalDatacenter("datacenter1")
        .withConfigLoader(
            DriverConfigLoader.programmaticBuilder()
                // A probe: one attempt, whatever the application's driver settings say.
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, timeout)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
                .build())
        .build();
  }

  private static String javaExecutable() {
    Optional<String> current = ProcessHandle.current().info().command();
    return current.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String yaml(Path dir, Settings settings) {
    Path data = dir.resolve("data");
    return String.join(
        "\n",
        "cluster_name: library-local",
        "num_tokens: 1",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + settings.seed() + "\"",
        "listen_address: " + settings.address(),
        "rpc_address: " + settings.address(),
        "storage_port: " + settings.storagePort(),
        "native_transport_port: " + settings.nativePort(),
        "start_native_transport: true",
        "authenticator: AllowAllAuthenticator",
        "authorizer: AllowAllAuthorizer",
        "role_manager: CassandraRoleManager",
        "data_file_directories:",
        "  - " + data.resolve("data"),
        "commitlog_directory: " + data.resolve("commitlog"),
        "hints_directory: " + data.resolve("hints"),
        "saved_caches_directory: " + data.resolve("saved_caches"),
        "cdc_raw_directory: " + data.resolve("cdc_raw"),
        // Batch commit: a write is acknowledged only after its commit log segment is on disk. The
        // sync starts as soon as a write waits, and the writes arriving meanwhile share the next
        // one, so a quiet node does not hold each write for a group window (docs/benchmarks.md).
        "commitlog_sync: batch",
        "commitlog_segment_size: 32MiB",
        "disk_failure_policy: stop",
        "commit_failure_policy: stop",
        "key_cache_size: 16MiB",
        "memtable_heap_space: 128MiB",
        "memtable_offheap_space: 128MiB",
        "concurrent_reads: 16",
        "concurrent_writes: 128",
        "concurrent_counter_writes: 8",
        "compaction_throughput: 64MiB/s",
        "read_request_timeout: 5000ms",
        "write_request_timeout: 5000ms",
        "request_timeout: 10000ms",
        "auto_snapshot: false",
        // An initial load writes many entities' first events in one unlogged batch (each entity's
        // events one partition's mutation): not worth a warning per batch on a single node.
        "batch_size_warn_threshold: 48KiB",
        "unlogged_batch_across_partitions_warn_threshold: 100",
        "dynamic_snitch: false",
        "");
  }

  private static String logback(Path dir) {
    return """
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>%s</file>
    <encoder><pattern>%%d{ISO8601} %%-5level [%%thread] %%logger{20} - %%msg%%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
"""
        .formatted(dir.resolve("logs").resolve("system.log"));
  }

  /** The classpath written by the cassandra-node module's build. */
  static final class NodeClasspath {
    static final String PROPERTY = "library.cassandra.classpath-file";

    static List<String> locate() throws IOException {
      Path file =
          Optional.ofNullable(System.getProperty(PROPERTY))
              .map(Path::of)
              .orElseGet(NodeClasspath::search);
      String text = Files.readString(file).trim();
      List<String> entries = Arrays.asList(text.split(File.pathSeparator));
      for (String entry : entries) {
        if (!Files.exists(Path.of(entry))) {
          throw new IllegalStateException(
              "Cassandra jar " + entry + " is missing; run 'mvn -B install -DskipTests' first");
        }
      }
      return entries;
    }

    private static Path search() {
      Path dir = Path.of("").toAbsolutePath();
      while (dir != null) {
        Path candidate = dir.resolve("cassandra-node/target/cassandra.classpath");
        if (Files.exists(candidate)) {
          return candidate;
        }
        dir = dir.getParent();
      }
      throw new IllegalStateException(
          "cassandra-node/target/cassandra.classpath not found above "
              + Path.of("").toAbsolutePath()
              + "; build the project first ('mvn -B install -DskipTests') or set -D"
              + PROPERTY);
    }
  }
}
