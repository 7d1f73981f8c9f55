package dk.library.circulation.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.client.Role;
import dk.library.circulation.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PatronTokensTest {

  final TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
  final PatronTokens tokens =
      new PatronTokens(
          "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
          Duration.ofMinutes(15),
          clock,
          5);

  @Test
  void aTokenSpeaksForItsPatronUntilItExpires() {
    PatronTokens.Issued issued = tokens.issue("0102031234", "terminal-1");
    assertEquals(clock.instant().plus(Duration.ofMinutes(15)), issued.expiresAt());
    Caller caller = tokens.verify(issued.token()).orElseThrow();
    assertEquals(Role.PATRON, caller.role());
    assertEquals("0102031234", caller.cardNumber());
    clock.advance(Duration.ofMinutes(15));
    assertTrue(tokens.verify(issued.token()).isEmpty());
  }

  @Test
  void aTokenUnderAnotherKeyOrWithAChangedClaimOrWithoutSignatureIsRefused() {
    String token = tokens.issue("0102031234", "terminal-1").token();
    PatronTokens otherKey =
        new PatronTokens(
            "ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.UTF_8),
            Duration.ofMinutes(15),
            clock,
            5);
    assertTrue(otherKey.verify(token).isEmpty());
    String[] parts = token.split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                claims.replace("0102031234", "9999999999").getBytes(StandardCharsets.UTF_8));
    assertTrue(tokens.verify(parts[0] + "." + forged + "." + parts[2]).isEmpty());
    String none =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    assertTrue(tokens.verify(none + "." + parts[1] + ".").isEmpty());
    assertTrue(tokens.verify("not a token").isEmpty());
  }
}
