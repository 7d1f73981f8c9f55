package dk.library.circulation.title;

import dk.library.circulation.NestedNames;

/** Reads {@code Title$...} events and the {@code Title$State} snapshot: see {@link NestedNames}. */
public final class TitleRenames extends NestedNames {

  public TitleRenames() {
    super(Title.class, TitleEvent.class, TitleState.class);
  }
}
