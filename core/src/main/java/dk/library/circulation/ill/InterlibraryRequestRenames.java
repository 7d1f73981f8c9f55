package dk.library.circulation.ill;

import dk.library.circulation.NestedNames;

/**
 * Reads {@code InterlibraryRequest$...} events and the {@code InterlibraryRequest$State} snapshot:
 * see {@link NestedNames}.
 */
public final class InterlibraryRequestRenames extends NestedNames {

  public InterlibraryRequestRenames() {
    super(
        InterlibraryRequest.class, InterlibraryRequestEvent.class, InterlibraryRequestState.class);
  }
}
