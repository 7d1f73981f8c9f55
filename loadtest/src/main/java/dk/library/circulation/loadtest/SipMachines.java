package dk.library.circulation.loadtest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The loop's clients as SIP2 self-service machines: one terminal client per agency (a SIP login
 * serves one agency), and per loop client one persistent connection per agency, logged in once. A
 * checkout is 11, a return 09, each with error detection off, as most machines send them; the
 * machine's transaction date and the item make the transaction id.
 */
final class SipMachines implements CheckoutLoop.Lane {

  private static final Charset CP1252 = Charset.forName("windows-1252");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd'    'HHmmss");

  private final Harness h;
  private final Map<String, String> keys = new HashMap<>();

  /** Registers each agency's SIP2 terminal client. */
  SipMachines(Harness h) {
    this.h = h;
    Population population = h.options.population();
    IntStream.range(0, population.agencies())
        .mapToObj(population::agencyId)
        .forEach(
            agency ->
                keys.put(agency, h.registerClient(clientId(agency), "terminal", List.of(agency))));
  }

  private static String clientId(String agency) {
    return "benchmark-sip-" + agency.toLowerCase(Locale.ROOT);
  }

  @Override
  public CheckoutLoop.Client open() {
    Population population = h.options.population();
    Map<String, Machine> machines = new HashMap<>();
    return new CheckoutLoop.Client() {
      @Override
      public String checkout(long transaction, String card, int item) throws IOException {
        String agency = population.agencyOfItem(item);
        String date = DATE.format(LocalDateTime.now());
        String answer =
            machine(agency)
                .send(
                    "11YN"
                        + date
                        + date
                        + "AO"
                        + agency
                        + "|AA"
                        + card
                        + "|AB"
                        + population.barcode(item)
                        + "|AC|AD1234|");
        return answer.startsWith("121") ? null : answer;
      }

      @Override
      public String giveBack(long transaction, int item) throws IOException {
        String agency = population.agencyOfItem(item);
        String date = DATE.format(LocalDateTime.now());
        String answer =
            machine(agency)
                .send(
                    "09N"
                        + date
                        + date
                        + "APmain|AO"
                        + agency
                        + "|AB"
                        + population.barcode(item)
                        + "|AC|");
        return answer.startsWith("101") ? null : answer;
      }

      private Machine machine(String agency) throws IOException {
        Machine machine = machines.get(agency);
        if (machine == null) {
          machine = new Machine(h.sipPort);
          String login =
              machine.send("9300CN" + clientId(agency) + "|CO" + keys.get(agency) + "|CPmain|");
          if (!login.equals("941")) {
            throw new IllegalStateException("SIP2 login refused for " + agency + ": " + login);
          }
          machines.put(agency, machine);
        }
        return machine;
      }

      @Override
      public void close() throws IOException {
        for (Machine machine : machines.values()) {
          machine.socket.close();
        }
      }
    };
  }

  /** One connection: a request out, the response read up to its carriage return. */
  private static final class Machine {
    final Socket socket;
    final OutputStream out;
    final InputStream in;

    Machine(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      out = socket.getOutputStream();
      in = new java.io.BufferedInputStream(socket.getInputStream());
    }

    String send(String request) throws IOException {
      out.write((request + "\r").getBytes(CP1252));
      out.flush();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != '\r') {
        if (b < 0) {
          throw new IOException("the server closed the connection after " + response);
        }
        response.write(b);
      }
      return response.toString(CP1252);
    }
  }
}
