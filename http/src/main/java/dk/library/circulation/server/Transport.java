package dk.library.circulation.server;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * How the API is served: HTTPS from a configured PKCS12 keystore, or plain HTTP, which is allowed
 * only on a loopback address unless explicitly permitted (behind a TLS-terminating proxy).
 */
final class Transport {

  private Transport() {}

  /** The HTTPS context, or empty for plain HTTP; refuses plain HTTP off loopback by default. */
  static Optional<HttpsConnectionContext> https(Config http) {
    return tls(http).map(ConnectionContext::httpsServer);
  }

  /**
   * The TLS context of {@code library.http.tls}, or empty when no keystore is set, which is allowed
   * only on a loopback address unless explicitly permitted.
   */
  static Optional<SSLContext> tls(Config http) {
    String keystore = http.getString("tls.keystore");
    if (keystore.isEmpty()) {
      String host = http.getString("host");
      if (!isLoopback(host) && !http.getBoolean("allow-plain-http-off-loopback")) {
        throw new IllegalStateException(
            "refusing plain HTTP on "
                + host
                + ", which is not a loopback address: configure library.http.tls.keystore"
                + " (LIBRARY_TLS_KEYSTORE), or set library.http.allow-plain-http-off-loopback = on"
                + " behind a TLS-terminating proxy");
      }
      return Optional.empty();
    }
    char[] password = http.getString("tls.keystore-password").toCharArray();
    try (InputStream in = Files.newInputStream(Path.of(keystore))) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keys.getKeyManagers(), null, null);
      return Optional.of(tls);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("the TLS keystore " + keystore + " cannot be used: " + e, e);
    }
  }

  /**
   * The TLS context of the SIP2 port: the API's when {@code library.sip2.tls = auto}, none when
   * {@code off}. Plain SIP2 carries PINs as plain text, so off loopback it needs the same
   * permission as plain HTTP.
   */
  static Optional<SSLContext> sipTls(Config sip, Config http) {
    String mode = sip.getString("tls");
    if (!mode.equals("auto") && !mode.equals("off")) {
      throw new IllegalStateException("library.sip2.tls must be auto or off, not " + mode);
    }
    Optional<SSLContext> tls = mode.equals("off") ? Optional.empty() : tls(http);
    if (tls.isEmpty()
        && !isLoopback(sip.getString("host"))
        && !http.getBoolean("allow-plain-http-off-loopback")) {
      throw new IllegalStateException(
          "refusing plain SIP2 on "
              + sip.getString("host")
              + ", which is not a loopback address: configure library.http.tls.keystore"
              + " (LIBRARY_TLS_KEYSTORE) with library.sip2.tls = auto, or set"
              + " library.http.allow-plain-http-off-loopback = on behind a TLS-terminating proxy,"
              + " or LIBRARY_SIP2_ENABLED=off");
    }
    return tls;
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
