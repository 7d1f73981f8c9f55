package dk.library.circulation.title;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import java.util.List;

/** What the {@link Title} entity answers. */
public sealed interface TitleReply extends CborSerializable {

  record HoldReply(HoldView hold) implements TitleReply {}

  record QueueReply(List<HoldView> holds, List<Copy> copies) implements TitleReply {}

  record Ack() implements TitleReply {}

  record Rejected(Rejection rejection) implements TitleReply, dk.library.circulation.Refusal {}
}
