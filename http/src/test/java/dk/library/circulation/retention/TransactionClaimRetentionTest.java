package dk.library.circulation.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.Eventually;
import dk.library.circulation.testing.KeyspaceScan;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * R40 for the claim of a transaction id, over HTTP with the real deadline keeper, read back from
 * Cassandra as an auditor holding the server's configured secret would: while the day's key is
 * stored, the claim's fingerprint is the keyed hash of the card number and barcode; from the
 * seventh day no table holds a key that makes it, though the claim still refuses its id. The node
 * restarts between the stages.
 */
class TransactionClaimRetentionTest {

  static final Pattern FINGERPRINT = Pattern.compile("\"fingerprint\":\"([^\"]+)\"");

  final TestClock clock = new TestClock(Instant.parse("2026-11-23T10:00:00Z"));
  final String agency = Api.unique("DK-");
  final String card = Api.unique("C");
  final String copy = Api.unique("X");
  final String transaction = Api.unique("t");

  private int day = 0;

  private void toDay(int days) {
    clock.advance(Duration.ofDays(days - day));
    day = days;
  }

  @Test
  void R40_aClaimNamesNoCardFromTheSeventhDayAndStillRefusesItsId() {
    Api api;
    Answer lent;
    try (CirculationServer server = TestServers.start(clock)) {
      api = new Api(server.port());
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      assertEquals(201, api.registerPatron(card, agency).status());
      assertEquals(201, api.registerItem(copy, agency).status());
      lent = api.checkout(transaction, card, copy, agency);
      assertEquals(201, lent.status(), lent.body().toString());
    }

    try (CirculationServer server = TestServers.start(clock);
        KeyspaceScan scan = new KeyspaceScan()) {
      Api here = api.at(server.port());
      String fingerprint = fingerprint(scan);
      toDay(6);
      assertEquals(
          Optional.of(fingerprint),
          auditorsHash(scan, "2026-11-23"),
          "on day 6 of 7 the stored key makes the claim's fingerprint from card and barcode");
      Answer retried = here.checkout(transaction, card, copy, agency);
      assertEquals(201, retried.status(), "a retry is still a retry: " + retried.body());
      assertEquals(lent.body(), retried.body());

      toDay(7);
      Eventually.await(
          "the day's key deleted",
          Duration.ofSeconds(30),
          () -> auditorsHash(scan, "2026-11-23").isEmpty());
      assertEquals(fingerprint, fingerprint(scan), "the claim itself stays");
      assertTrue(scan.linking(fingerprint, card, copy).isEmpty());

      Answer late = here.checkout(transaction, card, copy, agency);
      assertEquals(lent.body(), late.body(), "the patron still answers a retry of its checkout");
      String other = Api.unique("X");
      assertEquals(201, here.registerItem(other, agency).status());
      Answer reused = here.checkout(transaction, card, other, agency);
      assertEquals("TRANSACTION_ID_REUSED", reused.code(), reused.body().toString());
      assertEquals(
          1,
          here.staff(agency).get("/api/v1/patrons/" + card).body().get("loans").size(),
          "the loan stands");
    }
  }

  /** The fingerprint in the claim's event, read from the journal. */
  private String fingerprint(KeyspaceScan scan) {
    List<String> rows =
        scan.rows().stream()
            .filter(row -> row.startsWith("messages") && row.contains("/" + transaction + ","))
            .toList();
    assertEquals(1, rows.size(), rows.toString());
    Matcher found = FINGERPRINT.matcher(rows.get(0));
    assertTrue(found.find(), rows.get(0));
    return found.group(1);
  }

  /**
   * What an auditor with the configured secret makes of card and barcode under the stored key of
   * {@code day}, done here without the server's code: empty when no key of the day is stored.
   */
  private Optional<String> auditorsHash(KeyspaceScan scan, String day) {
    Optional<byte[]> wrapped = scan.wrappedTransactionKey(day);
    if (wrapped.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(hashUnder(wrapped.get()));
    } catch (GeneralSecurityException e) {
      throw new AssertionError("the stored key does not open under the configured secret", e);
    }
  }

  private String hashUnder(byte[] sealed) throws GeneralSecurityException {
    byte[] secret =
        Base64.getDecoder()
            .decode(TestServers.config().getString("library.security.cpr-lookup-key"));
    Mac derive = Mac.getInstance("HmacSHA256");
    derive.init(new SecretKeySpec(secret, "HmacSHA256"));
    byte[] wrappingKey =
        derive.doFinal("derived-key:transaction-keys".getBytes(StandardCharsets.UTF_8));
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(wrappingKey, "AES"),
        new GCMParameterSpec(128, sealed, 0, 12));
    byte[] key = cipher.doFinal(sealed, 12, sealed.length - 12);
    Mac hash = Mac.getInstance("HmacSHA256");
    hash.init(new SecretKeySpec(key, "HmacSHA256"));
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            hash.doFinal(("checkout|" + card + "|" + copy).getBytes(StandardCharsets.UTF_8)));
  }
}
