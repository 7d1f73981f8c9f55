package dk.library.circulation.notice;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Delivers a recorded notice by its channel. Called at least once per notice (again after a failure
 * or a restart), so a sender must tolerate a repeat; the notice id identifies it.
 */
@FunctionalInterface
public interface NoticeSender {

  CompletionStage<Done> send(String patronKey, Notice notice);
}
