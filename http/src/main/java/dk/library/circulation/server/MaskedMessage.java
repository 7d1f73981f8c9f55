package dk.library.circulation.server;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dk.library.circulation.access.Masking;

/**
 * The log message with card and CPR numbers, keys, tokens and PINs masked: a last line of defence
 * for log lines written by libraries (Pekko's dead letters, persistence failures) that we do not
 * word ourselves. Used as {@code %maskedMsg} in logback.xml.
 */
public final class MaskedMessage extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return Masking.text(event.getFormattedMessage());
  }
}
