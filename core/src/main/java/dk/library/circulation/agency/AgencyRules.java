package dk.library.circulation.agency;

import static dk.library.circulation.Rejection.Code.AGENCY_ALREADY_EXISTS;
import static dk.library.circulation.Rejection.Code.AGENCY_NOT_FOUND;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;

/** Decisions about an agency, as pure functions. */
public final class AgencyRules {

  private AgencyRules() {}

  /**
   * Creating is idempotent for the same content; a different agency under a taken id is refused.
   */
  public static Decision<Agency.Event> create(
      Agency.State state, String agencyId, Agency.Create cmd) {
    Agency.Details wanted = new Agency.Details(agencyId, cmd.name(), cmd.branches());
    if (state.exists()) {
      return state.agency().equals(wanted)
          ? Decision.unchanged()
          : Decision.refuse(
              AGENCY_ALREADY_EXISTS,
              "agency " + agencyId + " already exists with other data; choose another agencyId");
    }
    return Decision.persist(new Agency.Created(agencyId, cmd.name(), cmd.branches()));
  }

  public static Rejection notFound(String agencyId) {
    return Rejection.of(AGENCY_NOT_FOUND, "no agency with id " + agencyId + " is registered");
  }
}
