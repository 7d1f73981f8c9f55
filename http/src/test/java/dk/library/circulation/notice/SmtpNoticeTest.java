package dk.library.circulation.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.typesafe.config.ConfigFactory;
import dk.library.circulation.server.CirculationServer;
import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.Api.Answer;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Email notices through a real SMTP server (GreenMail) started by the test. */
class SmtpNoticeTest {

  GreenMail smtp;

  @BeforeEach
  void startSmtp() {
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
  }

  @AfterEach
  void stopSmtp() {
    smtp.stop();
  }

  @Test
  void theSmtpSenderDeliversANoticeWithItsIdAsMessageId() throws Exception {
    SmtpNoticeSender sender =
        new SmtpNoticeSender(
            "127.0.0.1", smtp.getSmtp().getPort(), "library@example.dk", ForkJoinPool.commonPool());
    Notice notice =
        new Notice(
            "h1:hold-ready",
            "email",
            "reader@example.dk",
            "hold-ready",
            Map.of(
                "title", "Kongens Fald",
                "branch", "main",
                "pickupNumber", "4",
                "collectBy", "2026-11-29T09:00:00Z",
                "pickupToken", "0123456789abcdef0123456789abcdef"),
            Instant.parse("2026-11-22T09:00:00Z"),
            null);
    sender.send("P1", notice).toCompletableFuture().get();
    assertTrue(smtp.waitForIncomingEmail(10_000, 1));
    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertEquals("Ready for pickup: Kongens Fald", mail.getSubject());
    assertEquals("reader@example.dk", mail.getAllRecipients()[0].toString());
    assertEquals("<h1-hold-ready@example.dk>", mail.getMessageID());
    String body = (String) mail.getContent();
    assertTrue(body.contains("shelf number 4"), body);
    assertTrue(body.contains("0123456789abcdef0123456789abcdef"), body);
  }

  @Test
  void R26_aPatronWhoChoseEmailGetsThePickupNoticeByEmail() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-11-22T09:00:00Z"));
    var config =
        ConfigFactory.parseString(
                "library.notices.smtp { host = \"127.0.0.1\", port = %d, from = \"library@example.dk\" }"
                    .formatted(smtp.getSmtp().getPort()))
            .withFallback(TestServers.config());
    try (CirculationServer server = CirculationServer.start(config, clock)) {
      Api api = new Api(server.port());
      String agency = Api.unique("DK-");
      assertEquals(201, api.createAgency(agency, 10, 2).status());
      String card = Api.unique("C");
      Answer registered =
          api.staff(agency)
              .post(
                  "/api/v1/patrons",
                  """
                  {"cardNumber":"%s","pin":"1234","name":"Reader","homeAgencyId":"%s",
                   "email":"reader@example.dk","preferredChannel":"email"}
                  """
                      .formatted(card, agency));
      assertEquals(201, registered.status(), registered.body().toString());
      String title = Api.unique("T");
      assertEquals(
          201,
          api.staff(agency)
              .post(
                  "/api/v1/items",
                  """
                  {"barcode":"%s","titleId":"%s","title":"Kongens Fald","agencyId":"%s",
                   "materialType":"book","branchId":"main"}
                  """
                      .formatted(Api.unique("B"), title, agency))
              .status());
      Answer placed =
          api.staff(agency)
              .post(
                  "/api/v1/holds",
                  """
{"holdId":"h1","cardNumber":"%s","agencyId":"%s","titleId":"%s","pickupBranchId":"main"}
"""
                      .formatted(card, agency, title));
      assertEquals(201, placed.status(), placed.body().toString());
      assertTrue(smtp.waitForIncomingEmail(20_000, 1), "the pickup notice arrives by email");
      MimeMessage mail = smtp.getReceivedMessages()[0];
      assertEquals("Ready for pickup: Kongens Fald", mail.getSubject());
      assertEquals("reader@example.dk", mail.getAllRecipients()[0].toString());
    }
  }
}
