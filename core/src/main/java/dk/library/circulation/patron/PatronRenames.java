package dk.library.circulation.patron;

import dk.library.circulation.NestedNames;

/**
 * Reads {@code Patron$...} events and the {@code Patron$State} snapshot: see {@link NestedNames}.
 */
public final class PatronRenames extends NestedNames {

  public PatronRenames() {
    super(Patron.class, PatronEvent.class, PatronState.class);
  }
}
