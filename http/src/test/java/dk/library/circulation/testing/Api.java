package dk.library.circulation.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/** A JSON client of the real server over a real socket. */
public final class Api {

  /** One answer: status, content type and parsed body. */
  public record Answer(int status, String contentType, JsonNode body) {
    public String code() {
      return body.path("code").asText();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;

  public Api(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
  }

  /** A plain-text GET, such as the Prometheus scrape at /metrics. */
  public String text(String path) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Answer post(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          body.isEmpty() ? JSON.nullNode() : JSON.readTree(body));
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

  public Answer createAgency(String agencyId, int maxLoans, int maxRenewals) {
    return post(
        "/api/v1/agencies",
        """
        {"agencyId":"%s","name":"Test Library %s",
         "branches":[{"branchId":"main","name":"Main"},{"branchId":"north","name":"North"}],
         "policy":{"loanPeriodDays":28,"maxLoans":%d,"maxRenewals":%d}}
        """
            .formatted(agencyId, agencyId, maxLoans, maxRenewals));
  }

  public Answer registerPatron(String card, String agencyId) {
    return post(
        "/api/v1/patrons",
        """
        {"cardNumber":"%s","pin":"1234","name":"Patron %s","homeAgencyId":"%s"}
        """
            .formatted(card, card, agencyId));
  }

  public Answer registerItem(String barcode, String agencyId) {
    return post(
        "/api/v1/items",
        """
        {"barcode":"%s","titleId":"T-%s","title":"Title %s","agencyId":"%s","materialType":"book"}
        """
            .formatted(barcode, barcode, barcode, agencyId));
  }

  public Answer checkout(String transactionId, String card, String barcode, String agencyId) {
    return post(
        "/api/v1/checkouts",
        """
{"transactionId":"%s","cardNumber":"%s","pin":"1234","barcode":"%s","agencyId":"%s","branchId":"main"}
"""
            .formatted(transactionId, card, barcode, agencyId));
  }

  public Answer returnItem(String transactionId, String barcode, String agencyId, String branchId) {
    return post(
        "/api/v1/returns",
        """
        {"transactionId":"%s","barcode":"%s","agencyId":"%s","branchId":"%s"}
        """
            .formatted(transactionId, barcode, agencyId, branchId));
  }
}
