package dk.library.circulation.ill;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.ill.InterlibraryRequestCommand.Erase;

/** What the {@link InterlibraryRequest} entity answers. */
public sealed interface InterlibraryRequestReply extends CborSerializable {

  record ViewReply(RequestView request) implements InterlibraryRequestReply {}

  record Gone() implements InterlibraryRequestReply {}

  /**
   * R40: the ended request's window has passed. The patron forgets the request's id first, then the
   * request is asked to {@link Erase} itself; a crash between the two wakes it here again.
   */
  record WindowEnded(String patronKey) implements InterlibraryRequestReply {}

  record Rejected(dk.library.circulation.Rejection rejection)
      implements InterlibraryRequestReply, dk.library.circulation.Refusal {}
}
