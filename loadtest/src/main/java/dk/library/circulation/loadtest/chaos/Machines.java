package dk.library.circulation.loadtest.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The campaign's self-service machines: a steady loop of checkouts, returns, renewals, holds and
 * hold cancellations, each machine on patrons and copies of its own, so it knows exactly what every
 * acknowledged transaction left behind. A machine retries a transaction with the same transaction
 * id (hold id) until it gets a definitive answer, as a real machine does, moving to another node
 * when one does not answer; every attempt and answer goes to the request log with its id.
 */
final class Machines implements AutoCloseable {

  static final String PIN = "1234";

  /** Longer than the server's own request timeout (15 s), so a slow answer is still seen. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

  /** What one machine's acknowledged transactions left: the expectation the verdict checks. */
  static final class Ledger {
    final List<String> cards = new ArrayList<>();
    final List<String> barcodes = new ArrayList<>();

    /** barcode -> the acknowledged checkout still standing (card, checkout id). */
    final Map<String, String[]> lent = new HashMap<>();

    /** barcode -> the due date an acknowledged renewal gave. */
    final Map<String, String> renewedTo = new HashMap<>();

    /** hold id -> card, title; and whether its cancellation was acknowledged. */
    final Map<String, String[]> holds = new HashMap<>();

    final Map<String, Boolean> holdCancelled = new HashMap<>();
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicReference<List<URI>> nodes;
  private final String agency;
  private final String terminalKey;
  private final String staffKey;
  private final BufferedWriter log;
  private final List<Ledger> ledgers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  final AtomicLong acknowledged = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong attempts = new AtomicLong();
  final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();

  /** When a machine last had a transaction acknowledged (epoch ms): time to serve again. */
  final AtomicLong lastAcknowledged = new AtomicLong();

  Machines(
      List<URI> nodes,
      String agency,
      String terminalKey,
      String staffKey,
      List<Ledger> population,
      Path log)
      throws IOException {
    this.nodes = new AtomicReference<>(List.copyOf(nodes));
    this.agency = agency;
    this.terminalKey = terminalKey;
    this.staffKey = staffKey;
    this.log = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
    this.ledgers.addAll(population);
  }

  /** What the entities behind {@code node} say now, set against what these machines were told. */
  Verdict verdict(URI node) throws IOException, InterruptedException {
    return Verdict.of(node, staffKey, ledgers());
  }

  List<Ledger> ledgers() {
    return ledgers;
  }

  /** The nodes machines send to (a node that left is taken out, one that joined added). */
  void useNodes(List<URI> now) {
    nodes.set(List.copyOf(now));
  }

  void start() {
    for (int m = 0; m < ledgers.size(); m++) {
      int id = m;
      Thread thread = new Thread(() -> run(id, ledgers.get(id)), "machine-" + m);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Until an acknowledged transaction after {@code since} (epoch ms); the time it took. */
  Optional<Duration> awaitAcknowledgedAfter(long since, Duration within)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      long last = lastAcknowledged.get();
      if (last > since) {
        return Optional.of(Duration.ofMillis(last - since));
      }
      Thread.sleep(20); // machines' threads make it true
    }
    return Optional.empty();
  }

  /** No new transactions; each machine finishes the one under way (retrying as long as needed). */
  @Override
  public void close() throws IOException {
    running = false;
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofMinutes(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (log) {
      log.close();
    }
  }

  private void run(int machine, Ledger ledger) {
    Random random = new Random(machine * 7919L + System.nanoTime());
    String openHold = null;
    while (running || openHold != null) {
      if (openHold != null) {
        cancelHold(machine, ledger, openHold);
        openHold = null;
        continue;
      }
      List<String> free =
          ledger.barcodes.stream().filter(b -> !ledger.lent.containsKey(b)).toList();
      List<String> lent = new ArrayList<>(ledger.lent.keySet());
      double dice = random.nextDouble();
      if (!free.isEmpty() && (lent.isEmpty() || dice < 0.45)) {
        checkout(machine, ledger, free.get(random.nextInt(free.size())), random);
      } else if (dice < 0.75) {
        giveBack(machine, ledger, lent.get(random.nextInt(lent.size())));
      } else if (dice < 0.9) {
        renew(machine, ledger, lent.get(random.nextInt(lent.size())));
      } else {
        openHold = placeHold(machine, ledger, lent.get(random.nextInt(lent.size())), random);
      }
      pause(50);
    }
  }

  private void checkout(int machine, Ledger ledger, String barcode, Random random) {
    String card = ledger.cards.get(random.nextInt(ledger.cards.size()));
    String id = "chaos-co-" + UUID.randomUUID();
    String body =
        """
{"transactionId":"%s","cardNumber":"%s","pin":"%s","barcode":"%s","agencyId":"%s","branchId":"main"}
"""
            .formatted(id, card, PIN, barcode, agency);
    Answer answer =
        untilDefinitive(machine, "checkout", id, "POST", "/api/v1/checkouts", body, terminalKey);
    if (answer.status() == 201) {
      ledger.lent.put(barcode, new String[] {card, id});
      ledger.renewedTo.remove(barcode);
    }
  }

  private void giveBack(int machine, Ledger ledger, String barcode) {
    String id = "chaos-rt-" + UUID.randomUUID();
    String body =
        """
        {"transactionId":"%s","barcode":"%s","agencyId":"%s","branchId":"main"}
        """
            .formatted(id, barcode, agency);
    Answer answer =
        untilDefinitive(machine, "return", id, "POST", "/api/v1/returns", body, terminalKey);
    if (answer.status() == 200) {
      ledger.lent.remove(barcode);
      ledger.renewedTo.remove(barcode);
    }
  }

  /** A renewal has no transaction id: a retry may renew twice, which gives the same due date. */
  private void renew(int machine, Ledger ledger, String barcode) {
    String card = ledger.lent.get(barcode)[0];
    String body =
        """
        {"cardNumber":"%s","pin":"%s","barcodes":["%s"]}
        """
            .formatted(card, PIN, barcode);
    Answer answer =
        untilDefinitive(machine, "renewal", barcode, "POST", "/api/v1/renewals", body, terminalKey);
    if (answer.status() == 200) {
      JsonNode renewal = answer.body().path("renewals").path(0);
      if (renewal.hasNonNull("dueDate") && !renewal.hasNonNull("refusal")) {
        ledger.renewedTo.put(barcode, renewal.get("dueDate").asText());
      }
    }
  }

  private String placeHold(int machine, Ledger ledger, String barcode, Random random) {
    String card = ledger.cards.get(random.nextInt(ledger.cards.size()));
    String title = "T-" + barcode;
    String id = "chaos-hold-" + UUID.randomUUID();
    String body =
        """
        {"holdId":"%s","agencyId":"%s","cardNumber":"%s","titleId":"%s","pickupBranchId":"main"}
        """
            .formatted(id, agency, card, title);
    Answer answer = untilDefinitive(machine, "hold", id, "POST", "/api/v1/holds", body, staffKey);
    if (answer.status() == 201) {
      ledger.holds.put(id, new String[] {card, title});
      ledger.holdCancelled.put(id, false);
      return id;
    }
    return null;
  }

  private void cancelHold(int machine, Ledger ledger, String holdId) {
    String title = ledger.holds.get(holdId)[1];
    String path = "/api/v1/agencies/" + agency + "/titles/" + title + "/holds/" + holdId;
    Answer answer = untilDefinitive(machine, "hold-cancel", holdId, "DELETE", path, null, staffKey);
    // A retried cancellation finds the hold cancelled by the attempt whose answer was lost.
    if (answer.status() == 200
        || (answer.retried() && (answer.status() == 404 || answer.status() == 409))) {
      ledger.holdCancelled.put(holdId, true);
    }
  }

  record Answer(int status, JsonNode body, boolean retried) {}

  /**
   * Sends until a definitive answer: a 2xx or a refusal (4xx other than 429). A 5xx, a timeout or a
   * connection that fails is retried with the same id, after the Retry-After the server gave, on
   * the next node when the node did not answer.
   */
  private Answer untilDefinitive(
      int machine, String kind, String id, String method, String path, String body, String key) {
    int node = machine;
    boolean retried = false;
    while (true) {
      List<URI> targets = nodes.get();
      URI target = targets.get(Math.floorMod(node, targets.size())).resolve(path);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target)
              .timeout(REQUEST_TIMEOUT)
              .header("Authorization", "Bearer " + key)
              .header("Content-Type", "application/json");
      request.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body));
      long sent = System.currentTimeMillis();
      attempts.incrementAndGet();
      int status;
      JsonNode answer = null;
      long retryAfter = 200;
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        status = response.statusCode();
        answer = response.body().isEmpty() ? null : json.readTree(response.body());
        retryAfter = response.headers().firstValueAsLong("Retry-After").orElse(0) * 1000 + 200;
      } catch (IOException e) {
        status = -1; // no answer: refused, reset or timed out
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        status = -1;
      }
      String code = answer == null ? "" : answer.path("code").asText("");
      if (status == 503) {
        code += retryAfter > 200 ? " with Retry-After" : " without Retry-After";
      }
      write(machine, kind, id, target.getPort(), sent, status, code);
      answers
          .computeIfAbsent(status + (code.isEmpty() ? "" : " " + code), k -> new AtomicLong())
          .incrementAndGet();
      if (status >= 200 && status < 300) {
        acknowledged.incrementAndGet();
        lastAcknowledged.accumulateAndGet(System.currentTimeMillis(), Math::max);
        return new Answer(status, answer, retried);
      }
      if (status >= 400 && status < 500 && status != 429) {
        refused.incrementAndGet();
        return new Answer(status, answer, retried);
      }
      retried = true;
      if (status == -1 || status == 502 || status == 503) {
        node++;
      }
      pause(Math.min(retryAfter, 2_000));
    }
  }

  private void write(
      int machine, String kind, String id, int port, long sent, int status, String code) {
    String line =
        "{\"at\":%d,\"machine\":%d,\"kind\":\"%s\",\"id\":\"%s\",\"node\":%d,\"status\":%d,\"code\":\"%s\",\"ms\":%d}\n"
            .formatted(
                sent, machine, kind, id, port, status, code, System.currentTimeMillis() - sent);
    synchronized (log) {
      try {
        log.write(line);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // a machine's pace between transactions, or a retry's back-off
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
