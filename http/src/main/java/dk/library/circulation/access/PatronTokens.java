package dk.library.circulation.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dk.library.circulation.client.Role;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Short-lived patron tokens: JWTs signed with HMAC-SHA256 (Nimbus JOSE+JWT) under the configured
 * key, issued after card + PIN and read back on every request. Expiry is checked against the
 * injected clock.
 */
public final class PatronTokens {

  private static final String ISSUER = "library-circulation";
  private static final String AUDIENCE = "patron";

  /** A token and when it stops working. */
  public record Issued(String token, Instant expiresAt) {}

  private final MACSigner signer;
  private final MACVerifier verifier;
  private final Duration ttl;
  private final Clock clock;
  private final int requestsPerSecond;

  public PatronTokens(byte[] key, Duration ttl, Clock clock, int requestsPerSecond) {
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException(
          "the patron token key must be at least 32 bytes: " + e.getMessage(), e);
    }
    this.ttl = ttl;
    this.clock = clock;
    this.requestsPerSecond = requestsPerSecond;
  }

  public Issued issue(String cardNumber, String issuedBy) {
    Instant now = clock.instant();
    Instant expires = now.plus(ttl);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject(cardNumber)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .jwtID(UUID.randomUUID().toString())
            .claim("client", issuedBy)
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a patron token failed", e);
    }
    return new Issued(jwt.serialize(), expires);
  }

  /** The patron a token speaks for, if it is ours, unaltered and not expired. */
  public Optional<Caller> verify(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date expires = claims.getExpirationTime();
      if (!ISSUER.equals(claims.getIssuer())
          || claims.getAudience() == null
          || !claims.getAudience().contains(AUDIENCE)
          || claims.getSubject() == null
          || expires == null
          || !clock.instant().isBefore(expires.toInstant())) {
        return Optional.empty();
      }
      return Optional.of(
          new Caller(
              "patron-token", Role.PATRON, Set.of(), claims.getSubject(), requestsPerSecond));
    } catch (ParseException | JOSEException e) {
      return Optional.empty();
    }
  }
}
