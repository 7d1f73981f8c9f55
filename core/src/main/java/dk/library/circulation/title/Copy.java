package dk.library.circulation.title;

import dk.library.circulation.CborSerializable;

/**
 * What the title believes about one of its copies. The item itself decides (it is the single writer
 * of its loan and of the hold it is kept for); this view only says which copy to ask first.
 */
public record Copy(String barcode, String materialType, boolean onShelf, String heldFor)
    implements CborSerializable {

  Copy shelved(boolean shelved) {
    return new Copy(barcode, materialType, shelved, heldFor);
  }

  Copy heldFor(String holdId) {
    return new Copy(barcode, materialType, onShelf, holdId);
  }
}
