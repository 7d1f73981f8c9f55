package dk.library.circulation.notice;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;

/**
 * Sends email notices through an SMTP server given by settings. The notice id goes in the
 * Message-ID, so a notice handed over twice (at least once) can be recognised as one by the mail
 * system. Sending blocks, so it runs on the given executor, never on an actor's thread.
 */
public final class SmtpNoticeSender implements NoticeSender {

  private final Session session;
  private final String from;
  private final String domain;
  private final Executor executor;

  public SmtpNoticeSender(String host, int port, String from, Executor executor) {
    Properties properties = new Properties();
    properties.put("mail.smtp.host", host);
    properties.put("mail.smtp.port", String.valueOf(port));
    properties.put("mail.smtp.connectiontimeout", "10000");
    properties.put("mail.smtp.timeout", "10000");
    this.session = Session.getInstance(properties);
    this.from = from;
    this.domain = from.substring(from.indexOf('@') + 1);
    this.executor = executor;
  }

  @Override
  public CompletionStage<Done> send(String patronKey, Notice notice) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            String messageId =
                "<" + notice.noticeId().replaceAll("[^A-Za-z0-9._-]", "-") + "@" + domain + ">";
            MimeMessage message =
                new MimeMessage(session) {
                  @Override
                  protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", messageId);
                  }
                };
            message.setFrom(new InternetAddress(from));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(notice.address()));
            message.setSubject(NoticeTexts.subject(notice), "UTF-8");
            message.setText(NoticeTexts.body(notice), "UTF-8");
            Transport.send(message);
            return Done.getInstance();
          } catch (MessagingException e) {
            throw new IllegalStateException("SMTP refused notice " + notice.noticeId(), e);
          }
        },
        executor);
  }
}
