package dk.library.circulation.loadtest.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A scenario's own library: an agency, a staff and a terminal client, and per machine its patrons
 * and copies (each copy a title of its own, so a hold waits only for that copy).
 */
record Fleet(String agency, String staffKey, String terminalKey, List<Machines.Ledger> ledgers) {

  static final int MACHINES = 8;
  static final int PATRONS_PER_MACHINE = 4;
  static final int COPIES_PER_MACHINE = 6;

  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  static Fleet enrol(URI node, String operatorKey) throws IOException, InterruptedException {
    String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String agency = "DK-CHAOS-" + tag;
    post(
        node,
        operatorKey,
        "/api/v1/agencies",
        """
        {"agencyId":"%s","name":"Fault campaign %s",
         "branches":[{"branchId":"main","name":"Main"}],
         "policy":{"loanPeriodDays":28,"maxLoans":100,"maxRenewals":1000}}
        """
            .formatted(agency, tag));
    String staff = client(node, operatorKey, "staff", agency);
    String terminal = client(node, operatorKey, "terminal", agency);
    List<Machines.Ledger> ledgers = new ArrayList<>();
    for (int m = 0; m < MACHINES; m++) {
      Machines.Ledger ledger = new Machines.Ledger();
      for (int p = 0; p < PATRONS_PER_MACHINE; p++) {
        String card = "CH" + tag + m + "P" + p;
        post(
            node,
            staff,
            "/api/v1/patrons",
            """
            {"cardNumber":"%s","pin":"%s","name":"Patron %s","homeAgencyId":"%s"}
            """
                .formatted(card, Machines.PIN, card, agency));
        ledger.cards.add(card);
      }
      for (int c = 0; c < COPIES_PER_MACHINE; c++) {
        String barcode = "CH" + tag + m + "X" + c;
        post(
            node,
            staff,
            "/api/v1/items",
            """
{"barcode":"%s","titleId":"T-%s","title":"Title %s","agencyId":"%s","materialType":"book"}
"""
                .formatted(barcode, barcode, barcode, agency));
        ledger.barcodes.add(barcode);
      }
      ledgers.add(ledger);
    }
    return new Fleet(agency, staff, terminal, ledgers);
  }

  private static String client(URI node, String operatorKey, String role, String agency)
      throws IOException, InterruptedException {
    JsonNode created =
        post(
            node,
            operatorKey,
            "/api/v1/clients",
            """
            {"clientId":"chaos-%s-%s","name":"Fault campaign %s","role":"%s","agencies":["%s"]}
            """
                .formatted(role, agency.toLowerCase(), role, role, agency));
    return created.get("apiKey").asText();
  }

  private static JsonNode post(URI node, String key, String path, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(node.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 201) {
      throw new IllegalStateException(
          path + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return json.readTree(answer.body());
  }
}
