package dk.library.circulation.desk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.item.Item;
import java.util.function.Function;

/** An item's status, or why the item refused to give it. */
record ItemResult(Item.Status status, Rejection rejection) {

  static ItemResult of(Item.Reply reply) {
    if (reply instanceof Item.StatusReply s) {
      return new ItemResult(s.status(), null);
    }
    return new ItemResult(null, ((Item.Rejected) reply).rejection());
  }

  <T> Result<T> map(Function<Item.Status, T> f) {
    return rejection != null ? Result.refused(rejection) : Result.ok(f.apply(status));
  }
}
