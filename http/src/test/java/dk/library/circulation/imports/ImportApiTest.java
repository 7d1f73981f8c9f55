package dk.library.circulation.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.library.circulation.patron.PinHash;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bulk import over HTTP: streamed NDJSON, per-line problems, progress, idempotent re-runs. */
class ImportApiTest {

  static final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static Api api() {
    return testServer.api();
  }

  @Test
  void theOperatorImportsAgenciesAndEachBadLineIsReportedWithoutStoppingTheRest() {
    String first = Api.unique("DK-");
    String second = Api.unique("DK-");
    List<JsonNode> answer =
        importLines(
            api(),
            agencyLine(first),
            "{\"type\":\"agency\",\"agencyId\":\"bad id!\",\"name\":\"X\"}",
            "not json at all",
            agencyLine(second));
    JsonNode done = last(answer);
    assertEquals(4, done.at("/done/lines").asInt(), answer.toString());
    assertEquals(2, done.at("/done/imported").asInt());
    assertEquals(2, done.at("/done/failed").asInt());
    assertEquals(List.of(2, 3), problems(answer).stream().map(p -> p.get("line").asInt()).toList());
    assertEquals("INVALID_REQUEST", problems(answer).get(0).at("/problem/code").asText());
    assertEquals(200, api().get("/api/v1/agencies/" + second).status());
  }

  @Test
  void staffImportPatronsAndItemsOfTheirAgency_andASecondRunChangesNothing() {
    String agency = Api.unique("DK-");
    assertEquals(201, api().createAgency(agency, 10, 2).status());
    String other = Api.unique("DK-");
    assertEquals(201, api().createAgency(other, 10, 2).status());
    List<String> lines = new ArrayList<>();
    List<String> cards = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String card = Api.unique("C");
      cards.add(card);
      lines.add(
          "{\"type\":\"patron\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"Imported %d\",\"homeAgencyId\":\"%s\"}"
              .formatted(card, i, agency));
    }
    for (int i = 0; i < 300; i++) {
      lines.add(
          ("{\"type\":\"item\",\"barcode\":\"%s\",\"titleId\":\"T-%d\",\"title\":\"A title long"
                  + " enough to make the import bigger than one request body may be %d\","
                  + "\"agencyId\":\"%s\",\"materialType\":\"book\",\"branchId\":\"main\"}")
              .formatted(Api.unique("B"), i % 50, i, agency));
    }
    lines.add(
        "{\"type\":\"item\",\"barcode\":\"%s\",\"titleId\":\"T\",\"title\":\"T\",\"agencyId\":\"%s\",\"materialType\":\"vinyl\"}"
            .formatted(Api.unique("B"), agency));
    lines.add(
        "{\"type\":\"patron\",\"cardNumber\":\"%s\",\"pin\":\"12\",\"name\":\"N\",\"homeAgencyId\":\"%s\"}"
            .formatted(Api.unique("C"), agency));
    lines.add(
        "{\"type\":\"item\",\"barcode\":\"%s\",\"titleId\":\"T\",\"title\":\"T\",\"agencyId\":\"%s\",\"materialType\":\"book\"}"
            .formatted(Api.unique("B"), other));
    assertTrue(String.join("\n", lines).length() > 64 * 1024, "larger than a request body");

    List<JsonNode> answer = importLines(api().staff(agency), lines.toArray(String[]::new));
    JsonNode done = last(answer).get("done");
    assertEquals(343, done.get("lines").asInt(), answer.toString());
    assertEquals(340, done.get("imported").asInt());
    assertEquals(3, done.get("failed").asInt());
    assertTrue(answer.stream().anyMatch(l -> l.has("progress")), "progress is reported");
    List<String> codes =
        problems(answer).stream().map(p -> p.at("/problem/code").asText()).sorted().toList();
    assertEquals(
        List.of("INVALID_REQUEST", "OUTSIDE_AGENCY_SCOPE", "UNKNOWN_MATERIAL_TYPE"), codes);
    assertEquals(200, api().staff(agency).get("/api/v1/patrons/" + cards.get(39)).status());
    assertEquals(
        201,
        api().checkout(Api.unique("t"), cards.get(0), barcodeOf(lines.get(40)), agency).status());
    for (int title : List.of(0, 17, 49)) {
      assertEquals(
          copiesOf(lines, title),
          copiesOnRecord(agency, title),
          "title T-" + title + " lists each of its six copies once, though added in batches");
    }

    JsonNode again =
        last(importLines(api().staff(agency), lines.toArray(String[]::new))).get("done");
    assertEquals(40, again.get("existing").asInt(), again.toString());
    assertEquals(300, again.get("imported").asInt(), "items registered again are unchanged");
    assertEquals(3, again.get("failed").asInt());
    assertEquals(copiesOf(lines, 0), copiesOnRecord(agency, 0), "no copy added twice");
    assertEquals(
        1,
        api().staff(agency).get("/api/v1/patrons/" + cards.get(0)).body().get("loans").size(),
        "the second run did not touch the patron's loan");
  }

  /** The barcodes of title {@code T-n} in the lines (items from line 40 on), sorted. */
  static List<String> copiesOf(List<String> lines, int title) {
    List<String> barcodes = new ArrayList<>();
    for (int i = title; i < 300; i += 50) {
      barcodes.add(barcodeOf(lines.get(40 + i)));
    }
    return barcodes.stream().sorted().toList();
  }

  static List<String> copiesOnRecord(String agency, int title) {
    return copiesOnRecord(api(), agency, title);
  }

  static List<String> copiesOnRecord(Api api, String agency, int title) {
    JsonNode copies =
        api.staff(agency)
            .get("/api/v1/agencies/" + agency + "/titles/T-" + title + "/holds")
            .body()
            .get("copies");
    List<String> barcodes = new ArrayList<>();
    copies.forEach(c -> barcodes.add(c.get("barcode").asText()));
    return barcodes.stream().sorted().toList();
  }

  @Test
  void theRecordsAnImportRegisteredLeaveMemoryAtOnce_andAnswerWhenNextAsked() {
    String agency = Api.unique("DK-");
    assertEquals(201, api().createAgency(agency, 10, 2).status());
    double itemsBefore = live("Item");
    double patronsBefore = live("Patron");
    List<String> lines = new ArrayList<>();
    List<String> cards = new ArrayList<>();
    List<String> barcodes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      cards.add(Api.unique("C"));
      lines.add(
          "{\"type\":\"patron\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"Imported %d\",\"homeAgencyId\":\"%s\"}"
              .formatted(cards.get(i), i, agency));
    }
    for (int i = 0; i < 200; i++) {
      barcodes.add(Api.unique("B"));
      lines.add(
          "{\"type\":\"item\",\"barcode\":\"%s\",\"titleId\":\"T-%d\",\"title\":\"T\",\"agencyId\":\"%s\",\"materialType\":\"book\"}"
              .formatted(barcodes.get(i), i / 5, agency));
    }
    JsonNode done =
        last(importLines(api().staff(agency), lines.toArray(String[]::new))).get("done");
    assertEquals(220, done.get("imported").asInt(), done.toString());

    // Left to the idle timeout (2 minutes) they would stay in memory far longer than this waits.
    Eventually.await(
        "the imported items and patrons are no longer in memory",
        Duration.ofSeconds(30),
        () -> live("Item") < itemsBefore + 20 && live("Patron") < patronsBefore + 5);
    assertEquals(
        201, api().checkout(Api.unique("t"), cards.get(7), barcodes.get(123), agency).status());
  }

  /** The live entities of a type as the metrics count them. */
  static double live(String entity) {
    String prefix = "circulation_entity_live{entity=\"" + entity + "\"} ";
    return api()
        .text("/metrics")
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst()
        .orElse(0);
  }

  @Test
  void R4_aPatronMigratedWithTheHashOfTheirPinKeepsThePin_andBadHashesAreRefusedPerLine() {
    String agency = Api.unique("DK-");
    assertEquals(201, api().createAgency(agency, 10, 2).status());
    String kept = Api.unique("C");
    String other = Api.unique("C");
    String barcode = Api.unique("B");
    assertEquals(201, api().registerItem(barcode, agency).status());
    PinHash hash = PinHash.of("1234", 2_000);
    List<JsonNode> answer =
        importLines(
            api().staff(agency),
            migrated(kept, agency, hashJson(hash)),
            migrated(other, agency, hashJson(PinHash.of("9876", 2_000))),
            migrated(Api.unique("C"), agency, hashJson(new PinHash(10, hash.salt(), hash.hash()))),
            migrated(
                Api.unique("C"), agency, hashJson(new PinHash(2_000, "c2hvcnQ=", hash.hash()))),
            migrated(Api.unique("C"), agency, hashJson(hash))
                .replace("{\"type\"", "{\"pin\":\"1234\",\"type\""),
            migrated(Api.unique("C"), agency, "{\"iterations\":2000,\"salt\":\"not base64!\"}"));
    JsonNode done = last(answer).get("done");
    assertEquals(2, done.get("imported").asInt(), answer.toString());
    assertEquals(4, done.get("failed").asInt());
    List<String> fields =
        problems(answer).stream()
            .map(p -> p.at("/problem/errors/0/field").asText())
            .sorted()
            .toList();
    assertEquals(List.of("pinHash", "pinHash.iterations", "pinHash.salt", "pinHash.salt"), fields);

    Api.Answer wrongPin = api().checkout(Api.unique("t"), other, barcode, agency);
    assertEquals("WRONG_PIN", wrongPin.body().get("code").asText(), "the other hash is of 9876");
    assertEquals(201, api().checkout(Api.unique("t"), kept, barcode, agency).status());
  }

  @Test
  void eachRoleImportsOnlyWhatItMayRegister() {
    String agency = Api.unique("DK-");
    assertEquals(201, api().createAgency(agency, 10, 2).status());
    List<JsonNode> byOperator =
        importLines(
            api(),
            "{\"type\":\"patron\",\"cardNumber\":\"%s\",\"pin\":\"1234\",\"name\":\"N\",\"homeAgencyId\":\"%s\"}"
                .formatted(Api.unique("C"), agency));
    assertEquals("ROLE_NOT_ALLOWED", problems(byOperator).get(0).at("/problem/code").asText());
    assertEquals(
        403, importRaw(api().terminal(agency), agencyLine(Api.unique("DK-"))).statusCode());
  }

  // Helpers

  private static String agencyLine(String agencyId) {
    return ("{\"type\":\"agency\",\"agencyId\":\"%s\",\"name\":\"Imported %s\","
            + "\"branches\":[{\"branchId\":\"main\",\"name\":\"Main\"}],"
            + "\"policy\":{\"loanPeriodDays\":28}}")
        .formatted(agencyId, agencyId);
  }

  private static String migrated(String card, String agency, String pinHash) {
    return "{\"type\":\"patron\",\"cardNumber\":\"%s\",\"pinHash\":%s,\"name\":\"M\",\"homeAgencyId\":\"%s\"}"
        .formatted(card, pinHash, agency);
  }

  private static String hashJson(PinHash hash) {
    return "{\"iterations\":%d,\"salt\":\"%s\",\"hash\":\"%s\"}"
        .formatted(hash.iterations(), hash.salt(), hash.hash());
  }

  private static String barcodeOf(String line) {
    try {
      return JSON.readTree(line).get("barcode").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpResponse<String> importRaw(Api caller, String... lines) {
    try {
      return HTTP.send(
          caller
              .request("/api/v1/imports")
              .header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The answer's lines (NDJSON), each parsed. */
  static List<JsonNode> importLines(Api caller, String... lines) {
    HttpResponse<String> answer = importRaw(caller, lines);
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("application/x-ndjson", answer.headers().firstValue("Content-Type").orElse(""));
    List<JsonNode> parsed = new ArrayList<>();
    for (String line : answer.body().split("\n")) {
      try {
        parsed.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return parsed;
  }

  static JsonNode last(List<JsonNode> lines) {
    return lines.get(lines.size() - 1);
  }

  static List<JsonNode> problems(List<JsonNode> lines) {
    return lines.stream().filter(l -> l.has("line")).toList();
  }
}
