package dk.library.circulation.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Awaits a condition that another actor or process makes true, failing after a deadline. */
public final class Eventually {

  private Eventually() {}

  public static void await(String what, Duration within, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(within);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      try {
        Thread.sleep(50); // between polls of a condition held by another process
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while awaiting: " + what, e);
      }
    }
  }
}
