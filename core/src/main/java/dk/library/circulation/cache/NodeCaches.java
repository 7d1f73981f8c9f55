package dk.library.circulation.cache;

import java.time.Duration;

/** What the node caches share. */
public final class NodeCaches {

  /**
   * How long another node may serve a copy whose change it was never told of (the changing node
   * died between persisting and announcing): one minute, then it asks the entity again.
   */
  public static final Duration TIME_TO_LIVE = Duration.ofMinutes(1);

  private NodeCaches() {}
}
