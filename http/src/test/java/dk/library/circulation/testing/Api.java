package dk.library.circulation.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JSON client of the real server over a real socket, calling with one credential. {@link
 * #createAgency} also registers a staff and a terminal client for the new agency, which {@link
 * #staff} and {@link #terminal} then call as.
 */
public final class Api {

  /** One answer: status, content type, headers and parsed body. */
  public record Answer(
      int status, String contentType, JsonNode body, java.net.http.HttpHeaders headers) {
    public String code() {
      return body.path("code").asText();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client;
  private final String base;
  private final String credential;
  private final Map<String, String> keys;

  /** Calls as the bootstrap operator of the test servers. */
  public Api(int port) {
    this(
        HttpClient.newHttpClient(),
        "http://127.0.0.1:" + port,
        TestServers.OPERATOR_KEY,
        new ConcurrentHashMap<>());
  }

  private Api(HttpClient client, String base, String credential, Map<String, String> keys) {
    this.client = client;
    this.base = base;
    this.credential = credential;
    this.keys = keys;
  }

  /** The same server, another credential (null: none). */
  public Api as(String credential) {
    return new Api(client, base, credential, keys);
  }

  public Api staff(String agencyId) {
    return as(keys.get("staff-" + agencyId));
  }

  public Api terminal(String agencyId) {
    return as(keys.get("terminal-" + agencyId));
  }

  public Answer get(String path) {
    return send(request(path).GET().build());
  }

  public Answer delete(String path) {
    return send(request(path).DELETE().build());
  }

  /** A plain-text GET, such as the Prometheus scrape at /metrics. */
  public String text(String path) {
    try {
      return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Answer post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        json);
  }

  public Answer put(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        json);
  }

  /** A request builder carrying this client's credential. */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
    return credential == null ? builder : builder.header("Authorization", "Bearer " + credential);
  }

  public Answer send(HttpRequest request) {
    return send(request, null);
  }

  /**
   * Sends and holds the exchange against the OpenAPI document ({@link OpenApiContract}); {@code
   * sent} is the JSON sent, when known, so an accepted request is checked as well.
   */
  private Answer send(HttpRequest request, String sent) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      JsonNode parsed =
          body.isEmpty()
              ? JSON.nullNode()
              : contentType.contains("json")
                  ? JSON.readTree(body)
                  : JSON.getNodeFactory().textNode(body);
      Answer answer = new Answer(response.statusCode(), contentType, parsed, response.headers());
      OpenApiContract.DOCUMENT.check(request.method(), request.uri().getRawPath(), sent, answer);
      return answer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A unique id, so tests sharing one Cassandra never meet each other's data. */
  public static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Creates the agency (as operator) and a staff and a terminal client for it. */
  public Answer createAgency(String agencyId, int maxLoans, int maxRenewals) {
    Answer created =
        post(
            "/api/v1/agencies",
            """
            {"agencyId":"%s","name":"Test Library %s",
             "branches":[{"branchId":"main","name":"Main"},{"branchId":"north","name":"North"}],
             "policy":{"loanPeriodDays":28,"maxLoans":%d,"maxRenewals":%d}}
            """
                .formatted(agencyId, agencyId, maxLoans, maxRenewals));
    if (created.status() == 201) {
      enrol(agencyId);
    }
    return created;
  }

  /** Registers a staff and a terminal client (as operator) for an existing agency. */
  public void enrol(String agencyId) {
    keys.put("staff-" + agencyId, registerClient("staff", agencyId));
    keys.put("terminal-" + agencyId, registerClient("terminal", agencyId));
  }

  /** The same credentials against another server (say, after a restart). */
  public Api at(int port) {
    return new Api(client, "http://127.0.0.1:" + port, credential, keys);
  }

  /** Registers a client (as operator) and returns its API key. */
  public String registerClient(String role, String agencyId) {
    Answer answer =
        post(
            "/api/v1/clients",
            """
            {"clientId":"%s","name":"Test %s","role":"%s","agencies":["%s"]}
            """
                .formatted(clientId(role), role, role, agencyId));
    if (answer.status() != 201) {
      throw new IllegalStateException("client not registered: " + answer.body());
    }
    return answer.body().get("apiKey").asText();
  }

  public static String clientId(String role) {
    return role + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  public Answer registerPatron(String card, String agencyId) {
    return staff(agencyId)
        .post(
            "/api/v1/patrons",
            """
            {"cardNumber":"%s","pin":"1234","name":"Patron %s","homeAgencyId":"%s"}
            """
                .formatted(card, card, agencyId));
  }

  public Answer registerItem(String barcode, String agencyId) {
    return registerItem(barcode, agencyId, "book");
  }

  public Answer registerItem(String barcode, String agencyId, String materialType) {
    return staff(agencyId)
        .post(
            "/api/v1/items",
            """
{"barcode":"%s","titleId":"T-%s","title":"Title %s","agencyId":"%s","materialType":"%s"}
"""
                .formatted(barcode, barcode, barcode, agencyId, materialType));
  }

  public Answer checkout(String transactionId, String card, String barcode, String agencyId) {
    return terminal(agencyId)
        .post(
            "/api/v1/checkouts",
            """
{"transactionId":"%s","cardNumber":"%s","pin":"1234","barcode":"%s","agencyId":"%s","branchId":"main"}
"""
                .formatted(transactionId, card, barcode, agencyId));
  }

  public Answer returnItem(String transactionId, String barcode, String agencyId, String branchId) {
    return terminal(agencyId)
        .post(
            "/api/v1/returns",
            """
            {"transactionId":"%s","barcode":"%s","agencyId":"%s","branchId":"%s"}
            """
                .formatted(transactionId, barcode, agencyId, branchId));
  }
}
