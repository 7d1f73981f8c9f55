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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * After a fault, the entities' final state against what the machines were told: every acknowledged
 * transaction stands, no patron holds a copy twice, no copy is lent to two patrons, and patron and
 * item agree on every loan.
 */
record Verdict(
    int acknowledgedChecked,
    int lost,
    int duplicateLoans,
    int copiesLentTwice,
    int disagreements,
    List<String> findings) {

  boolean clean() {
    return lost == 0 && duplicateLoans == 0 && copiesLentTwice == 0 && disagreements == 0;
  }

  static Verdict of(URI node, String staffKey, List<Machines.Ledger> ledgers)
      throws IOException, InterruptedException {
    Reader reader = new Reader(node, staffKey);
    int checked = 0;
    int lost = 0;
    int duplicates = 0;
    int twice = 0;
    int disagree = 0;
    List<String> findings = new ArrayList<>();
    Map<String, String> lentTo = new HashMap<>();
    for (Machines.Ledger ledger : ledgers) {
      for (String card : ledger.cards) {
        JsonNode patron = reader.get("/api/v1/patrons/" + card);
        Set<String> seen = new HashSet<>();
        for (JsonNode loan : patron.path("loans")) {
          String barcode = loan.path("barcode").asText();
          if (!seen.add(barcode)) {
            duplicates++;
            findings.add("patron " + card + " holds " + barcode + " twice");
          }
          String other = lentTo.put(barcode, card);
          if (other != null && !other.equals(card)) {
            twice++;
            findings.add(barcode + " is lent to " + other + " and " + card);
          }
          String[] expected = ledger.lent.get(barcode);
          if (expected == null
              || !expected[0].equals(card)
              || !expected[1].equals(loan.path("checkoutId").asText())) {
            lost++;
            findings.add(
                "patron "
                    + card
                    + " has "
                    + barcode
                    + " by "
                    + loan.path("checkoutId").asText()
                    + "; the machine was told "
                    + (expected == null ? "it was returned or never lent" : expected[1]));
          }
          String renewed = ledger.renewedTo.get(barcode);
          if (renewed != null && loan.path("dueDate").asText().compareTo(renewed) < 0) {
            lost++;
            findings.add(barcode + " renewed to " + renewed + " is due " + loan.path("dueDate"));
          }
        }
        JsonNode holds = reader.get("/api/v1/patrons/" + card + "/holds");
        Map<String, JsonNode> byId = new HashMap<>();
        holds.forEach(h -> byId.put(h.path("holdId").asText(), h));
        for (Map.Entry<String, String[]> hold : ledger.holds.entrySet()) {
          if (!hold.getValue()[0].equals(card)) {
            continue;
          }
          checked++;
          JsonNode found = byId.get(hold.getKey());
          boolean active = found != null && !found.hasNonNull("outcome");
          if (ledger.holdCancelled.get(hold.getKey()) == active) {
            lost++;
            findings.add("hold " + hold.getKey() + " is " + (active ? "active" : "gone"));
          }
        }
      }
      for (String barcode : ledger.barcodes) {
        JsonNode item = reader.get("/api/v1/items/" + barcode);
        String[] expected = ledger.lent.get(barcode);
        String itemCheckout = item.path("loan").path("checkoutId").asText(null);
        if (expected != null) {
          checked++;
          if (!expected[1].equals(itemCheckout)) {
            lost++;
            findings.add(barcode + " should be lent by " + expected[1] + ", is " + itemCheckout);
          }
          if (!expected[0].equals(lentTo.get(barcode))) {
            disagree++;
            findings.add(barcode + ": the item's loan is not on patron " + expected[0]);
          }
        } else if (item.path("onLoan").asBoolean()) {
          lost++;
          findings.add(
              barcode + " is on loan (" + itemCheckout + ") after its acknowledged return");
        }
      }
    }
    return new Verdict(checked, lost, duplicates, twice, disagree, List.copyOf(findings));
  }

  /** Reads as staff, retrying while a recovering entity answers 503. */
  private record Reader(URI node, String staffKey) {
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();

    JsonNode get(String path) throws IOException, InterruptedException {
      for (int attempt = 0; ; attempt++) {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(node.resolve(path))
                    .timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + staffKey)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return json.readTree(answer.body());
        }
        if ((answer.statusCode() != 503 && answer.statusCode() != 429) || attempt == 20) {
          throw new IllegalStateException(
              path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        Thread.sleep(500); // the entity is recovering; Retry-After is 1 s
      }
    }
  }
}
