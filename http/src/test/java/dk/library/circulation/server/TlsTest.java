package dk.library.circulation.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dk.library.circulation.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** HTTPS from a configured keystore, and no plain HTTP off loopback unless asked for. */
class TlsTest {

  static final String PASSWORD = "test-keystore-password";

  @Test
  void theApiIsServedOverHttpsFromTheConfiguredKeystore() throws Exception {
    Path keystore = selfSignedKeystore();
    Config config =
        ConfigFactory.parseString(
                """
                library.http.tls.keystore = "%s"
                library.http.tls.keystore-password = "%s"
                """
                    .formatted(keystore.toAbsolutePath(), PASSWORD))
            .withFallback(TestServers.config());
    try (CirculationServer server = CirculationServer.start(config, Clock.systemUTC())) {
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
      HttpResponse<String> health =
          https.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      HttpResponse<String> agencies =
          https.send(
              HttpRequest.newBuilder(
                      URI.create("https://localhost:" + server.port() + "/api/v1/agencies/X"))
                  .header("Authorization", "Bearer " + TestServers.OPERATOR_KEY)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, agencies.statusCode(), agencies.body());

      assertThrows(
          IOException.class,
          () ->
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://localhost:" + server.port() + "/health"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()),
          "plain HTTP is not served beside HTTPS");

      // SIP2 speaks TLS with the same key (library.sip2.tls = auto).
      try (Socket sip =
          trusting(keystore).getSocketFactory().createSocket("localhost", server.sipPort())) {
        sip.setSoTimeout(15_000);
        sip.getOutputStream()
            .write("9300CNnobody|COwrong|CPmain|\r".getBytes(StandardCharsets.US_ASCII));
        sip.getOutputStream().flush();
        byte[] answer = new byte[4];
        assertEquals(4, sip.getInputStream().readNBytes(answer, 0, 4));
        assertEquals("940\r", new String(answer, StandardCharsets.US_ASCII));
      }
      try (Socket plain = new Socket("localhost", server.sipPort())) {
        plain.setSoTimeout(15_000);
        plain
            .getOutputStream()
            .write("9300CNnobody|COwrong|CPmain|\r".getBytes(StandardCharsets.US_ASCII));
        plain.getOutputStream().flush();
        InputStream in = plain.getInputStream();
        byte[] first = new byte[3];
        int read;
        try {
          read = in.readNBytes(first, 0, 3);
        } catch (IOException closed) {
          read = 0;
        }
        assertTrue(
            read < 3 || !new String(first, StandardCharsets.US_ASCII).equals("940"),
            "plain SIP2 is not served beside TLS");
      }
    }
  }

  @Test
  void plainHttpIsRefusedOffLoopbackUnlessExplicitlyAllowed() {
    Config http =
        ConfigFactory.parseString("host = \"0.0.0.0\"")
            .withFallback(TestServers.config().getConfig("library.http"));
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> Transport.https(http));
    assertTrue(refused.getMessage().contains("library.http.tls.keystore"), refused.getMessage());
    assertTrue(
        Transport.https(
                ConfigFactory.parseString("allow-plain-http-off-loopback = on").withFallback(http))
            .isEmpty());
    assertTrue(
        Transport.https(TestServers.config().getConfig("library.http")).isEmpty(), "loopback");

    Config sip =
        ConfigFactory.parseString("host = \"0.0.0.0\"")
            .withFallback(TestServers.config().getConfig("library.sip2"));
    Config loopbackHttp = TestServers.config().getConfig("library.http");
    IllegalStateException plainSip =
        assertThrows(IllegalStateException.class, () -> Transport.sipTls(sip, loopbackHttp));
    assertTrue(plainSip.getMessage().contains("plain SIP2"), plainSip.getMessage());
  }

  /** A PKCS12 keystore with a self-signed certificate for localhost, made by the JDK's keytool. */
  private static Path selfSignedKeystore() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "tls"));
    Path keystore = dir.resolve("server-" + System.nanoTime() + ".p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
    assertEquals(0, keytool.exitValue(), output);
    return keystore;
  }

  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("server", store.getCertificate("server"));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
