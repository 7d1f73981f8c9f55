package dk.library.circulation.notice;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.util.Map;

/**
 * A notice the library decided to send a patron, as recorded in the patron's outbox: the channel
 * and address from the patron's preferences at the time (R5, R43), a template key and its data.
 * {@code sentAt} is null until a sender has taken it.
 */
public record Notice(
    String noticeId,
    String channel,
    String address,
    String templateKey,
    Map<String, String> data,
    Instant recordedAt,
    Instant sentAt)
    implements CborSerializable {

  public Notice {
    data = Map.copyOf(data);
  }

  public Notice sent(Instant at) {
    return new Notice(noticeId, channel, address, templateKey, data, recordedAt, at);
  }
}
