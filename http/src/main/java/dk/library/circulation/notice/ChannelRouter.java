package dk.library.circulation.notice;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Email notices with an address go to the email sender (SMTP when configured); everything else
 * (SMS, post, digital mailbox) to the log file until gateways for them exist.
 */
public final class ChannelRouter implements NoticeSender {

  private final NoticeSender email;
  private final NoticeSender others;

  public ChannelRouter(NoticeSender email, NoticeSender others) {
    this.email = email;
    this.others = others;
  }

  @Override
  public CompletionStage<Done> send(String patronKey, Notice notice) {
    return "email".equals(notice.channel()) && notice.address() != null
        ? email.send(patronKey, notice)
        : others.send(patronKey, notice);
  }
}
