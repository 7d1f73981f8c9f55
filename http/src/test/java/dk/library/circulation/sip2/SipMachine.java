package dk.library.circulation.sip2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-service machine's connection: sends a message, reads the response to its carriage return.
 */
final class SipMachine implements AutoCloseable {

  static final Charset CP1252 = Charset.forName("windows-1252");

  final Socket socket;
  final OutputStream out;
  final InputStream in;

  SipMachine(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(15_000);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  String send(String message) throws IOException {
    return sendBytes((message + "\r").getBytes(CP1252));
  }

  String sendBytes(byte[] message) throws IOException {
    out.write(message);
    out.flush();
    return read();
  }

  String read() throws IOException {
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\r') {
      if (b < 0) {
        throw new IOException("connection closed; read " + response);
      }
      response.write(b);
    }
    return response.toString(CP1252);
  }

  /** With error detection: sequence number and checksum. */
  String sendChecked(String message, int sequence) throws IOException {
    String body = message + "AY" + sequence + "AZ";
    return send(body + SipMessage.checksum(body));
  }

  /**
   * The values of variable field {@code code} in a response, in order; the first field after the
   * fixed part (AO in most responses) is not looked at.
   */
  static List<String> values(String response, String code) {
    String[] parts = response.split("\\|");
    List<String> values = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].startsWith(code)) {
        values.add(parts[i].substring(2));
      }
    }
    return values;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
