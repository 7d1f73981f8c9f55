package dk.library.circulation.desk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.item.ItemReply;
import java.util.function.Function;

/** An item's status, or why the item refused to give it. */
record ItemResult(ItemReply.Status status, Rejection rejection) {

  static ItemResult of(ItemReply reply) {
    if (reply instanceof ItemReply.StatusReply s) {
      return new ItemResult(s.status(), null);
    }
    return new ItemResult(null, ((ItemReply.Rejected) reply).rejection());
  }

  <T> Result<T> map(Function<ItemReply.Status, T> f) {
    return rejection != null ? Result.refused(rejection) : Result.ok(f.apply(status));
  }
}
