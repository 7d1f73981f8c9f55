package dk.library.circulation.item;

import dk.library.circulation.NestedNames;

/** Reads {@code Item$...} events and the {@code Item$State} snapshot: see {@link NestedNames}. */
public final class ItemRenames extends NestedNames {

  public ItemRenames() {
    super(Item.class, ItemEvent.class, ItemState.class);
  }
}
