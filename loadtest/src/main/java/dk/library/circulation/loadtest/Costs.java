package dk.library.circulation.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What a window of the run cost, per transaction: server and Cassandra CPU (from /proc), and from
 * the server's {@code /metrics} the Cassandra requests its driver sent, the entities it woke from
 * the journal and the requests their wakes took, the events it persisted and the write requests
 * that carried them. A transaction is one API request or SIP2 request other than a login (the mix's
 * requests, not {@code /metrics} or {@code /health}).
 */
record Costs(
    double transactions,
    double serverCpuMs,
    double cassandraCpuMs,
    double cassandraRequests,
    double wakes,
    double wakeRequests,
    double events,
    double writeRequests,
    double serverMajorFaults,
    double cassandraMajorFaults) {

  double serverCpuMsPerTransaction() {
    return serverCpuMs / transactions;
  }

  double cassandraCpuMsPerTransaction() {
    return cassandraCpuMs / transactions;
  }

  double cassandraRequestsPerTransaction() {
    return cassandraRequests / transactions;
  }

  double wakesPerTransaction() {
    return wakes / transactions;
  }

  double eventsPerTransaction() {
    return events / transactions;
  }

  /** The journal's and snapshot store's reads per entity woken. */
  double requestsPerWake() {
    return wakes == 0 ? 0 : wakeRequests / wakes;
  }

  double writeRequestsPerTransaction() {
    return writeRequests / transactions;
  }

  /**
   * Pages a process had to read back from disk, per transaction: memory the machine paged out (a
   * node's SSTables, the JVM's own code) costs a disk read on the request that touches it next.
   */
  double serverMajorFaultsPerTransaction() {
    return serverMajorFaults / transactions;
  }

  double cassandraMajorFaultsPerTransaction() {
    return cassandraMajorFaults / transactions;
  }

  /** The counters at one moment. */
  record Sample(
      long serverTicks,
      long cassandraTicks,
      double transactions,
      double cassandraRequests,
      double wakes,
      double wakeRequests,
      double events,
      double writeRequests,
      double heapUsedBytes,
      double liveEntities,
      long serverMajorFaults,
      long cassandraMajorFaults) {

    Costs until(Sample later) {
      return new Costs(
          later.transactions - transactions,
          (later.serverTicks - serverTicks) * 10.0,
          (later.cassandraTicks - cassandraTicks) * 10.0,
          later.cassandraRequests - cassandraRequests,
          later.wakes - wakes,
          later.wakeRequests - wakeRequests,
          later.events - events,
          later.writeRequests - writeRequests,
          later.serverMajorFaults - serverMajorFaults,
          later.cassandraMajorFaults - cassandraMajorFaults);
    }
  }

  static final String JOURNAL_REQUESTS = "circulation_journal_requests_total";

  /** Reads samples of one server (and its Cassandra) over HTTP and /proc. */
  record Meter(
      HttpClient http, String base, String operatorKey, long serverPid, long cassandraPid) {

    Sample sample() throws IOException, InterruptedException {
      String metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "/metrics"))
                      .header("Authorization", "Bearer " + operatorKey)
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return new Sample(
          Harness.cpuTicks(serverPid),
          Harness.cpuTicks(cassandraPid),
          sum(metrics, "http_server_requests_seconds_count", "route=\"/metrics\"", "/health")
              + sum(metrics, "circulation_sip2_requests_seconds_count", "command=\"93\""),
          sum(metrics, "cassandra_session_cql_requests_seconds_count"),
          sum(metrics, "circulation_entity_recovery_seconds_count"),
          sum(metrics, JOURNAL_REQUESTS + "{kind=\"wake\"")
              + sum(metrics, JOURNAL_REQUESTS + "{kind=\"replay\"")
              + sum(metrics, JOURNAL_REQUESTS + "{kind=\"snapshot-load\""),
          sum(metrics, "circulation_entity_events_total"),
          sum(metrics, JOURNAL_REQUESTS + "{kind=\"write\""),
          sum(metrics, "jvm_memory_used_bytes{area=\"heap\""),
          sum(metrics, "circulation_entity_live"),
          Harness.majorFaults(serverPid),
          Harness.majorFaults(cassandraPid));
    }

    /** The sum of every series of a metric, leaving out series that contain any of {@code not}. */
    static double sum(String metrics, String name, String... not) {
      double total = 0;
      lines:
      for (String line : metrics.split("\n")) {
        if (!line.startsWith(name) || line.startsWith("#")) {
          continue;
        }
        char next = line.length() > name.length() ? line.charAt(name.length()) : ' ';
        if (next != '{' && next != ' ' && !name.endsWith("\"")) {
          continue;
        }
        for (String skip : not) {
          if (line.contains(skip)) {
            continue lines;
          }
        }
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
      return total;
    }
  }

  /** One row of the cost table. */
  String row(String window) {
    return String.format(
        "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f / %.2f |",
        window,
        transactions,
        serverCpuMsPerTransaction(),
        cassandraCpuMsPerTransaction(),
        cassandraRequestsPerTransaction(),
        wakesPerTransaction(),
        requestsPerWake(),
        eventsPerTransaction(),
        writeRequestsPerTransaction(),
        serverMajorFaultsPerTransaction(),
        cassandraMajorFaultsPerTransaction());
  }

  static String header() {
    return "| window | transactions | server CPU ms/tx | Cassandra CPU ms/tx | Cassandra"
        + " requests/tx | entity wakes/tx | Cassandra reads/wake | events persisted/tx |"
        + " journal writes/tx | pages read back from disk/tx (server / Cassandra) |\n"
        + "|---|---|---|---|---|---|---|---|---|---|";
  }
}
