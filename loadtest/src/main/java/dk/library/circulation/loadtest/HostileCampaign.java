package dk.library.circulation.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code bin/benchmark --hostile}: a black-box campaign of generated hostile requests over every
 * documented route of a running server (docs/security.md, "Hostile input campaign"). Two agencies
 * with patrons, a loan and a hold are set up first; then every request is one that must fail or
 * only reads: mutated, malformed or unparseable bodies (each carrying an unknown field, so no lucky
 * value is ever accepted), hostile path segments, other agencies' ids, missing, forged and
 * wrong-role credentials, unknown methods and too many headers. It counts, as findings: a 5xx other
 * than 501/505, a 4xx that is not problem+json with a code, a mutating request answered 2xx, and an
 * answer naming a patron the caller may not see. Afterwards each agency's staff read the fixtures
 * again: they must be exactly as before; and the server's log must name no card, patron or key of
 * the fixtures and hold no ERROR line.
 */
final class HostileCampaign {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern API_KEY = Pattern.compile("\"apiKey\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
  private static final int IN_FLIGHT = 32;

  /** One documented route: its method, path template and, for a body, a valid example. */
  record Endpoint(String method, String template, boolean mutating, Map<String, Object> body) {}

  /** An agency's records and credentials; the patrons' names are what must not leak. */
  record Fixture(
      String agencyId,
      String staffKey,
      String terminalKey,
      String networkKey,
      String card,
      String otherCard,
      String name,
      String otherName,
      String lentBarcode,
      String shelfBarcode,
      String titleId,
      String holdId) {}

  /** A caller: its header value (null: none) and the patron names it may see. */
  record Caller(String label, String authorization, Set<String> mayRead) {}

  record Figures(
      long requests,
      Duration took,
      Map<String, Long> byStatus,
      Map<String, Long> findings,
      List<String> examples,
      boolean fixturesUnchanged,
      int routes) {

    String report() {
      return String.format(
          "Hostile campaign: %,d requests over %d routes in %d s (%.0f/s); answers by status %s;"
              + " findings %s; fixtures unchanged: %s%n%s",
          requests,
          routes,
          took.toSeconds(),
          requests / Math.max(0.001, took.toMillis() / 1000.0),
          byStatus,
          findings.isEmpty() ? "none" : findings,
          fixturesUnchanged ? "yes" : "NO",
          examples.isEmpty() ? "" : "first findings:\n  " + String.join("\n  ", examples) + "\n");
    }
  }

  private final Harness h;
  private final Random random;
  private final Map<String, Long> byStatus = new ConcurrentHashMap<>();
  private final Map<String, Long> findings = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();

  /** Every fixture patron's name: an answer may name only those its caller may read. */
  private final Set<String> patronNames = ConcurrentHashMap.newKeySet();

  HostileCampaign(Harness h, long seed) {
    this.h = h;
    this.random = new Random(seed);
  }

  /** The server options the campaign needs: rate limits out of the way of the routes' checks. */
  static List<String> serverOptions() {
    return List.of(
        "-Dlibrary.security.requests-per-second.patron=100000",
        "-Dlibrary.security.requests-per-second.operator=100000",
        "-Dlibrary.security.failed-logins.per-address=100000000");
  }

  /** Sends {@code requests} hostile requests, then checks the fixtures and the server's log. */
  Figures run(long requests, Path serverLog) throws Exception {
    String run = Long.toString(System.currentTimeMillis(), 36);
    Fixture a = fixture("DK-HA" + run, run);
    Fixture b = fixture("DK-HB" + run, run);
    String patronToken = patronToken(a);
    List<Caller> callers = callers(a, b, patronToken);
    Map<String, String> before = snapshot(a, b);
    for (Fixture f : List.of(a, b)) {
      patronNames.add(f.name());
      patronNames.add(f.otherName());
    }
    List<Endpoint> endpoints = endpoints(a);

    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    AtomicLong sent = new AtomicLong();
    Instant begin = Instant.now();
    List<CompletableFuture<?>> tail = new ArrayList<>();
    for (long n = 0; n < requests; n++) {
      Endpoint endpoint = endpoints.get(random.nextInt(endpoints.size()));
      Fixture scope = random.nextBoolean() ? a : b;
      Caller caller = callers.get(random.nextInt(callers.size()));
      HttpRequest request = request(endpoint, scope, caller, n);
      inFlight.acquire();
      sent.incrementAndGet();
      CompletableFuture<?> answered =
          h.http
              .sendAsync(request, HttpResponse.BodyHandlers.ofString())
              // A pooled connection the server closed after its previous answer (a 431 or 413
              // closes it) fails before any byte arrives: sent once more, as any client would.
              .handle(
                  (response, failure) ->
                      failure == null
                          ? CompletableFuture.completedFuture(response)
                          : h.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
              .thenCompose(again -> again)
              .handle(
                  (response, failure) -> {
                    inFlight.release();
                    check(endpoint, caller, request, response, failure);
                    return null;
                  });
      if (requests - n <= IN_FLIGHT) {
        tail.add(answered);
      }
    }
    inFlight.acquire(IN_FLIGHT);
    CompletableFuture.allOf(tail.toArray(CompletableFuture[]::new)).join();
    Duration took = Duration.between(begin, Instant.now());
    Map<String, String> after = snapshot(a, b);
    for (Map.Entry<String, String> record : before.entrySet()) {
      if (!record.getValue().equals(after.get(record.getKey()))) {
        finding("fixture changed", record.getKey() + ": " + after.get(record.getKey()));
      }
    }
    checkLog(serverLog, a, b);
    return new Figures(
        sent.get(),
        took,
        new TreeMap<>(byStatus),
        new TreeMap<>(findings),
        List.copyOf(examples),
        before.equals(after),
        endpoints.size());
  }

  // Setting up

  private Fixture fixture(String agencyId, String run) {
    expect(
        201,
        post(
            h.operatorKey,
            "/api/v1/agencies",
            "{\"agencyId\":\""
                + agencyId
                + "\",\"name\":\"Hostile\",\"branches\":[{\"branchId\":\"main\",\"name\":\"Main\"}],"
                + "\"policy\":{\"loanPeriodDays\":28,\"maxLoans\":10,\"maxRenewals\":2}}"));
    String staff = client(agencyId, "staff", run);
    String terminal = client(agencyId, "terminal", run);
    String network = client(agencyId, "network", run);
    String card = "H" + agencyId.substring(3) + "1";
    String otherCard = "H" + agencyId.substring(3) + "2";
    String name = "Secret Patron " + agencyId;
    String otherName = "Secret Other " + agencyId;
    for (String[] patron :
        List.of(new String[] {card, name}, new String[] {otherCard, otherName})) {
      expect(
          201,
          post(
              staff,
              "/api/v1/patrons",
              "{\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"%s\",\"homeAgencyId\":\"%s\"}"
                  .formatted(patron[0], patron[1], agencyId)));
    }
    String titleId = "T-" + agencyId;
    String lent = "L" + agencyId.substring(3);
    String shelf = "S" + agencyId.substring(3);
    for (String barcode : List.of(lent, shelf)) {
      expect(
          201,
          post(
              staff,
              "/api/v1/items",
              ("{\"barcode\":\"%s\",\"titleId\":\"%s\",\"title\":\"Hostile\",\"agencyId\":\"%s\","
                      + "\"materialType\":\"book\"}")
                  .formatted(barcode, titleId, agencyId)));
    }
    expect(
        201,
        post(
            terminal,
            "/api/v1/checkouts",
            ("{\"transactionId\":\"h-%s\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"barcode\":\"%s\","
                 + "\"agencyId\":\"%s\",\"branchId\":\"main\"}")
                .formatted(agencyId, card, lent, agencyId)));
    String holdId = "hold-" + agencyId;
    expect(
        201,
        post(
            staff,
            "/api/v1/holds",
            ("{\"holdId\":\"%s\",\"cardNumber\":\"%s\",\"agencyId\":\"%s\",\"titleId\":\"%s\","
                    + "\"pickupBranchId\":\"main\"}")
                .formatted(holdId, otherCard, agencyId, titleId)));
    return new Fixture(
        agencyId, staff, terminal, network, card, otherCard, name, otherName, lent, shelf, titleId,
        holdId);
  }

  private String client(String agencyId, String role, String run) {
    HttpResponse<String> registered =
        post(
            h.operatorKey,
            "/api/v1/clients",
            ("{\"clientId\":\"hostile-%s-%s-%s\",\"name\":\"Hostile\",\"role\":\"%s\","
                    + "\"agencies\":[\"%s\"],\"requestsPerSecond\":100000}")
                .formatted(role, agencyId.toLowerCase(), run, role, agencyId));
    expect(201, registered);
    return match(API_KEY, registered.body());
  }

  private String patronToken(Fixture a) {
    HttpResponse<String> session =
        post(
            a.terminalKey(),
            "/api/v1/patron-sessions",
            "{\"cardNumber\":\"" + a.card() + "\",\"pin\":\"1234\"}");
    expect(201, session);
    return match(TOKEN, session.body());
  }

  private List<Caller> callers(Fixture a, Fixture b, String patronToken) {
    List<Caller> callers = new ArrayList<>();
    callers.add(new Caller("none", null, Set.of()));
    callers.add(new Caller("forged", "Bearer lck_hostile_" + "x".repeat(43), Set.of()));
    callers.add(new Caller("garbage", "Basic Zm9vOmJhcg==", Set.of()));
    callers.add(new Caller("operator", "Bearer " + h.operatorKey, Set.of()));
    for (Fixture f : List.of(a, b)) {
      Set<String> own = Set.of(f.name(), f.otherName());
      callers.add(new Caller("staff " + f.agencyId(), "Bearer " + f.staffKey(), own));
      callers.add(new Caller("terminal " + f.agencyId(), "Bearer " + f.terminalKey(), Set.of()));
      callers.add(new Caller("network " + f.agencyId(), "Bearer " + f.networkKey(), Set.of()));
    }
    callers.add(new Caller("patron " + a.card(), "Bearer " + patronToken, Set.of(a.name())));
    return callers;
  }

  /** What each agency's staff read of their fixtures, for the comparison after the campaign. */
  private Map<String, String> snapshot(Fixture... fixtures) {
    Map<String, String> records = new LinkedHashMap<>();
    for (Fixture f : fixtures) {
      for (String path :
          List.of(
              "/api/v1/agencies/" + f.agencyId(),
              "/api/v1/agencies/" + f.agencyId() + "/policy/versions",
              "/api/v1/patrons/" + f.card(),
              "/api/v1/patrons/" + f.otherCard(),
              "/api/v1/patrons/" + f.otherCard() + "/holds",
              "/api/v1/patrons/" + f.card() + "/notices",
              "/api/v1/items/" + f.lentBarcode(),
              "/api/v1/items/" + f.shelfBarcode(),
              "/api/v1/agencies/" + f.agencyId() + "/titles/" + f.titleId() + "/holds")) {
        HttpResponse<String> answer = get(f.staffKey(), path);
        records.put(f.agencyId() + " " + path, answer.statusCode() + " " + answer.body());
      }
    }
    return records;
  }

  // The routes (docs/api.md), with a valid body where they take one

  private static List<Endpoint> endpoints(Fixture f) {
    Map<String, Object> checkout =
        Map.of(
            "transactionId", "t-hostile",
            "cardNumber", "{cardNumber}",
            "pin", "1234",
            "barcode", "{barcode}",
            "agencyId", "{agencyId}",
            "branchId", "main");
    Map<String, Object> cardAndPin = Map.of("cardNumber", "{cardNumber}", "pin", "1234");
    List<Endpoint> e = new ArrayList<>();
    e.add(
        post(
            "/api/v1/agencies",
            Map.of(
                "agencyId",
                "{agencyId}",
                "name",
                "X",
                "branches",
                List.of(),
                "policy",
                Map.of("loanPeriodDays", 28, "maxLoans", 5, "maxRenewals", 1))));
    e.add(read("/api/v1/agencies/{agencyId}"));
    e.add(read("/api/v1/agencies/{agencyId}/policy"));
    e.add(
        new Endpoint(
            "PUT",
            "/api/v1/agencies/{agencyId}/policy",
            true,
            Map.of("loanPeriodDays", 14, "maxLoans", 1, "maxRenewals", 0)));
    e.add(read("/api/v1/agencies/{agencyId}/policy/versions"));
    e.add(
        post(
            "/api/v1/patrons",
            Map.of(
                "cardNumber",
                "{cardNumber}",
                "pin",
                "1234",
                "name",
                "X",
                "homeAgencyId",
                "{agencyId}")));
    e.add(read("/api/v1/patrons/{cardNumber}"));
    e.add(
        post(
            "/api/v1/items",
            Map.of(
                "barcode",
                "{barcode}",
                "titleId",
                "{titleId}",
                "title",
                "X",
                "agencyId",
                "{agencyId}",
                "materialType",
                "book")));
    e.add(read("/api/v1/items/{barcode}"));
    e.add(post("/api/v1/checkouts", checkout));
    e.add(
        post(
            "/api/v1/returns",
            Map.of(
                "transactionId",
                "r-hostile",
                "barcode",
                "{barcode}",
                "agencyId",
                "{agencyId}",
                "branchId",
                "main")));
    e.add(
        post(
            "/api/v1/renewals",
            Map.of("cardNumber", "{cardNumber}", "pin", "1234", "barcodes", List.of("{barcode}"))));
    e.add(
        post(
            "/api/v1/holds",
            Map.of(
                "holdId",
                "{holdId}",
                "cardNumber",
                "{cardNumber}",
                "agencyId",
                "{agencyId}",
                "titleId",
                "{titleId}",
                "pickupBranchId",
                "main")));
    e.add(read("/api/v1/agencies/{agencyId}/titles/{titleId}/holds"));
    e.add(read("/api/v1/agencies/{agencyId}/titles/{titleId}/holds/{holdId}"));
    e.add(
        new Endpoint(
            "DELETE", "/api/v1/agencies/{agencyId}/titles/{titleId}/holds/{holdId}", true, null));
    e.add(
        post(
            "/api/v1/agencies/{agencyId}/titles/{titleId}/holds/{holdId}/proxies",
            Map.of("cardNumber", "{cardNumber}", "proxyCardNumber", "{cardNumber}")));
    e.add(
        post(
            "/api/v1/items/{barcode}/arrival",
            Map.of("agencyId", "{agencyId}", "branchId", "main")));
    e.add(read("/api/v1/patrons/{cardNumber}/holds"));
    e.add(read("/api/v1/patrons/{cardNumber}/notices"));
    e.add(
        post(
            "/api/v1/interlibrary-requests",
            Map.of(
                "requestId",
                "{holdId}",
                "cardNumber",
                "{cardNumber}",
                "agencyId",
                "{agencyId}",
                "titleId",
                "{titleId}",
                "pickupBranchId",
                "main",
                "lenders",
                List.of("{agencyId}"))));
    e.add(read("/api/v1/interlibrary-requests/{holdId}"));
    e.add(
        post(
            "/api/v1/interlibrary-requests/{holdId}/answers",
            Map.of("lenderAgencyId", "{agencyId}", "status", "WillSupply")));
    e.add(new Endpoint("POST", "/api/v1/interlibrary-requests/{holdId}/recall", true, null));
    e.add(new Endpoint("DELETE", "/api/v1/interlibrary-requests/{holdId}", true, null));
    e.add(post("/api/v1/imports", Map.of("importId", "{holdId}", "kind", "patrons")));
    e.add(
        post(
            "/api/v1/patrons/{cardNumber}/fees",
            Map.of(
                "feeId", "f-hostile", "amountDkk", 25, "reason", "X", "agencyId", "{agencyId}")));
    e.add(
        post(
            "/api/v1/patrons/{cardNumber}/lost-items",
            Map.of("barcode", "{barcode}", "condition", "lost")));
    e.add(post("/api/v1/patrons/{cardNumber}/deposits", Map.of("amountDkk", 100)));
    e.add(
        post(
            "/api/v1/patrons/{cardNumber}/payments",
            Map.of("paymentId", "p-hostile", "amountDkk", 25)));
    e.add(
        post(
            "/api/v1/patrons/{cardNumber}/identity-verification",
            Map.of("method", "passport seen")));
    e.add(post("/api/v1/patrons/{cardNumber}/cards", Map.of("cardNumber", "{cardNumber}")));
    e.add(
        post(
            "/api/v1/patrons/{cardNumber}/lost-card-report",
            Map.of("replacementCardNumber", "{cardNumber}")));
    e.add(
        new Endpoint(
            "PUT", "/api/v1/patrons/{cardNumber}/contact", true, Map.of("email", "x@example.dk")));
    e.add(
        new Endpoint(
            "PUT",
            "/api/v1/patrons/{cardNumber}/pin",
            true,
            Map.of("pin", "4321", "identityCheck", "passport seen")));
    e.add(new Endpoint("POST", "/api/v1/patrons/{cardNumber}/pin-unlock", true, null));
    e.add(post("/api/v1/patrons/{cardNumber}/guardian-consent", Map.of("guardian", "Mother")));
    e.add(
        new Endpoint(
            "PUT",
            "/api/v1/patrons/{cardNumber}/suspension",
            true,
            Map.of("until", "2027-01-01", "reason", "X")));
    e.add(new Endpoint("DELETE", "/api/v1/patrons/{cardNumber}/suspension", true, null));
    e.add(post("/api/v1/patron-status", cardAndPin));
    e.add(post("/api/v1/patron-sessions", cardAndPin));
    e.add(
        post(
            "/api/v1/clients",
            Map.of(
                "clientId",
                "hostile-new",
                "name",
                "X",
                "role",
                "staff",
                "agencies",
                List.of("{agencyId}"))));
    e.add(read("/api/v1/clients/{clientId}"));
    e.add(new Endpoint("POST", "/api/v1/clients/{clientId}/key", true, null));
    e.add(new Endpoint("DELETE", "/api/v1/clients/{clientId}", true, null));
    e.add(read("/api/v1/audit/{day}"));
    e.add(read("/health"));
    e.add(read("/metrics"));
    return e;
  }

  private static Endpoint post(String template, Map<String, Object> body) {
    return new Endpoint("POST", template, true, body);
  }

  private static Endpoint read(String template) {
    return new Endpoint("GET", template, false, null);
  }

  // One hostile request

  private HttpRequest request(Endpoint endpoint, Fixture scope, Caller caller, long n) {
    // A mutating route without a body names nothing that exists, so no variant of it can succeed.
    boolean nothingReal = endpoint.mutating() && endpoint.body() == null;
    String path = fill(endpoint.template(), scope, nothingReal, n, true);
    String method = endpoint.method();
    int twist = random.nextInt(100);
    if (twist < 3) {
      method = List.of("PATCH", "FOO", "TRACE", "OPTIONS").get(random.nextInt(4));
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(h.base + path)).timeout(Duration.ofSeconds(30));
    if (caller.authorization() != null) {
      builder.header("Authorization", caller.authorization());
    }
    if (twist >= 3 && twist < 5) {
      for (int i = 0; i < 41; i++) {
        builder.header("X-Hostile-" + i, "x");
      }
    }
    if (twist >= 5 && twist < 7) {
      builder.header("X-Hostile", "y".repeat(20_000));
    }
    String body = endpoint.body() == null ? null : body(endpoint, scope, n);
    if (body == null && random.nextInt(10) == 0 && endpoint.mutating()) {
      body = "{\"unexpected\":1}";
    }
    if (body != null) {
      builder.header("Content-Type", random.nextInt(20) == 0 ? "text/plain" : "application/json");
      builder.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return builder.build();
  }

  /** A body that must be refused: every variant carries an unknown field or is not JSON. */
  private String body(Endpoint endpoint, Fixture scope, long n) {
    ObjectNode valid = JSON.valueToTree(endpoint.body());
    ObjectNode filled = (ObjectNode) fillTree(valid, scope, n);
    int variant = random.nextInt(8);
    try {
      switch (variant) {
        case 0, 1, 2 -> {
          List<String> fields = new ArrayList<>();
          filled.fieldNames().forEachRemaining(fields::add);
          filled.set(fields.get(random.nextInt(fields.size())), JSON.valueToTree(hostileValue()));
          filled.put("unexpectedField", 1);
          return JSON.writeValueAsString(filled);
        }
        case 3 -> {
          filled.put("unexpectedField", 1);
          return JSON.writeValueAsString(filled);
        }
        case 4 -> {
          String text = JSON.writeValueAsString(filled);
          return text.substring(0, random.nextInt(text.length()));
        }
        case 5 -> {
          String text = JSON.writeValueAsString(filled);
          return text + (random.nextBoolean() ? " xyz" : text);
        }
        case 6 -> {
          String text = JSON.writeValueAsString(filled);
          String first = filled.fieldNames().next();
          return "{\"" + first + "\":null," + text.substring(1);
        }
        default -> {
          return hostileText(random.nextInt(300));
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode fillTree(JsonNode node, Fixture scope, long n) {
    if (node.isTextual()) {
      return JSON.getNodeFactory().textNode(fill(node.asText(), scope, false, n, false));
    }
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      node.fields().forEachRemaining(f -> copy.set(f.getKey(), fillTree(f.getValue(), scope, n)));
      return copy;
    }
    if (node.isArray()) {
      var copy = JSON.createArrayNode();
      node.forEach(item -> copy.add(fillTree(item, scope, n)));
      return copy;
    }
    return node;
  }

  /**
   * The template's ids: the scope's records, a record that does not exist, or a hostile segment.
   */
  private String fill(String template, Fixture scope, boolean nothingReal, long n, boolean inPath) {
    String text = template;
    Map<String, String> ids =
        Map.of(
            "{agencyId}",
            scope.agencyId(),
            "{cardNumber}",
            random.nextBoolean() ? scope.card() : scope.otherCard(),
            "{barcode}",
            random.nextBoolean() ? scope.lentBarcode() : scope.shelfBarcode(),
            "{titleId}",
            scope.titleId(),
            "{holdId}",
            scope.holdId(),
            "{clientId}",
            "hostile-none-" + n,
            "{day}",
            random.nextBoolean() ? "2026-11-28" : "9999-99-99");
    for (Map.Entry<String, String> id : ids.entrySet()) {
      if (!text.contains(id.getKey())) {
        continue;
      }
      String value = id.getValue();
      int choice = random.nextInt(10);
      if (nothingReal || choice == 0) {
        value = "nx" + n;
      } else if (choice == 1 && inPath) {
        value = URLEncoder.encode(hostileText(1 + random.nextInt(60)), StandardCharsets.UTF_8);
      }
      text = text.replace(id.getKey(), value);
    }
    return text;
  }

  private Object hostileValue() {
    return switch (random.nextInt(9)) {
      case 0 -> random.nextInt();
      case 1 -> random.nextDouble() * 1e300;
      case 2 -> random.nextBoolean();
      case 3 -> List.of();
      case 4 -> Map.of();
      case 5 -> "x".repeat(1000 + random.nextInt(20_000));
      case 6 -> "\ud800" + hostileText(10);
      case 7 -> List.of(List.of(List.of(List.of(hostileText(5)))));
      default -> hostileText(random.nextInt(80));
    };
  }

  private String hostileText(int length) {
    String alphabet = "\u0000\u202e\ud83d\ude00'\"<>%\\;{}[]:,./ æøåÆØÅ0123456789abcXYZ\t\n";
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  // Judging one answer

  private void check(
      Endpoint endpoint,
      Caller caller,
      HttpRequest request,
      HttpResponse<String> response,
      Throwable failure) {
    String what = request.method() + " " + request.uri().getRawPath() + " as " + caller.label();
    if (failure != null) {
      count(byStatus, "no answer");
      finding("no answer", what + ": " + failure);
      return;
    }
    int status = response.statusCode();
    count(byStatus, status >= 500 ? Integer.toString(status) : status / 100 + "xx");
    if (status >= 500 && status != 501 && status != 505) {
      finding("5xx", what + " -> " + status + " " + abbreviated(response.body()));
    }
    if (status >= 400 && status < 500) {
      boolean problem =
          response
                  .headers()
                  .firstValue("Content-Type")
                  .orElse("")
                  .startsWith("application/problem+json")
              && response.body().contains("\"code\"");
      if (!problem) {
        finding("4xx without problem+json", what + " -> " + status);
      }
    }
    // An import answers 200 with a problem per line it could not take: it must have taken none.
    boolean importedNothing =
        endpoint.template().endsWith("/imports") && response.body().contains("\"imported\":0");
    if (status < 300 && endpoint.mutating() && !importedNothing) {
      finding("mutating request accepted", what + " -> " + status);
    }
    for (String name : patronNames) {
      if (response.body().contains(name) && !caller.mayRead().contains(name)) {
        finding("patron data outside the caller's scope", what + " -> " + status);
      }
    }
  }

  /** The server's log names no fixture's card, patron or key, and has no ERROR line. */
  private void checkLog(Path serverLog, Fixture... fixtures) throws IOException {
    List<String> secrets = new ArrayList<>();
    for (Fixture f : fixtures) {
      secrets.addAll(
          List.of(
              f.card(),
              f.otherCard(),
              f.name(),
              f.otherName(),
              f.staffKey(),
              f.terminalKey(),
              f.networkKey()));
    }
    secrets.add(h.operatorKey);
    try (Stream<String> lines = Files.lines(serverLog)) {
      lines.forEach(
          line -> {
            if (line.contains(" ERROR ")) {
              finding("ERROR in the server's log", abbreviated(line));
            }
            for (String secret : secrets) {
              if (line.contains(secret)) {
                finding("card, patron or key in the server's log", abbreviated(line));
              }
            }
          });
    }
  }

  private void finding(String kind, String example) {
    count(findings, kind);
    if (examples.size() < 20) {
      examples.add(kind + ": " + example);
    }
  }

  private static void count(Map<String, Long> counts, String key) {
    counts.merge(key, 1L, Long::sum);
  }

  private static String abbreviated(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  // HTTP

  private HttpResponse<String> post(String key, String path, String json) {
    return h.post(key, path, json);
  }

  private HttpResponse<String> get(String key, String path) {
    try {
      return h.http.send(
          HttpRequest.newBuilder(URI.create(h.base + path))
              .header("Authorization", "Bearer " + key)
              .timeout(Duration.ofSeconds(30))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(path + ": " + e, e);
    }
  }

  private static void expect(int status, HttpResponse<String> response) {
    Harness.expect(status, response);
  }

  private static String match(Pattern pattern, String body) {
    Matcher m = pattern.matcher(body);
    if (!m.find()) {
      throw new IllegalStateException("not found in " + body);
    }
    return m.group(1);
  }
}
