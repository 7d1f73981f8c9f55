package dk.library.circulation.openlibrary;

import static dk.library.circulation.Rejection.Code.BELOW_MINIMUM_AGE;
import static dk.library.circulation.Rejection.Code.NOT_SIGNED_UP;
import static dk.library.circulation.Rejection.Code.OPEN_LIBRARY_CLOSED;
import static dk.library.circulation.Rejection.Code.OPEN_LIBRARY_NOT_OFFERED;
import static dk.library.circulation.Rejection.Code.RESIDENTS_ONLY;

import dk.library.circulation.Rejection;
import dk.library.circulation.patron.Fees;
import dk.library.circulation.patron.PatronFacts;
import dk.library.circulation.policy.AgencyPolicy.OpenLibrary;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;

/** R45: whether the door of an open library opens to a card, as pure functions. */
public final class DoorRules {

  private DoorRules() {}

  /**
   * Why the door stays shut whoever comes, or null: the agency offers no open library at the
   * branch, or it is outside the open library's hours. Decided before any patron is asked.
   */
  public static Rejection doorRefusal(OpenLibrary openLibrary, String branchId, LocalTime time) {
    if (openLibrary == null || !openLibrary.branches().contains(branchId)) {
      return Rejection.of(OPEN_LIBRARY_NOT_OFFERED, "branch " + branchId + " has no open library");
    }
    if (!openLibrary.openAt(time)) {
      return Rejection.of(
          OPEN_LIBRARY_CLOSED,
          "the open library is open "
              + openLibrary.opens()
              + "-"
              + openLibrary.closes()
              + "; come back then");
    }
    return null;
  }

  /**
   * Why the door stays shut to this patron (whose PIN matched), or null: too young, not resident
   * (R8), blocked or suspended (R32, R46), or not signed up; each as the agency's policy says.
   */
  public static Rejection patronRefusal(
      OpenLibrary openLibrary,
      String municipality,
      PatronFacts facts,
      List<Fees.Block> blocks,
      boolean signedUp,
      LocalDate today) {
    if (openLibrary.minimumAge() > 0) {
      Integer age = facts.ageOn(today);
      if (age == null || age < openLibrary.minimumAge()) {
        return Rejection.of(
            BELOW_MINIMUM_AGE,
            "the open library admits patrons from "
                + openLibrary.minimumAge()
                + " years"
                + (age == null ? "; the patron's age is not recorded, staff can add it" : ""));
      }
    }
    if (openLibrary.residentsOnly() && !municipality.equals(facts.municipality())) {
      return Rejection.of(
          RESIDENTS_ONLY,
          "the open library admits residents of municipality " + municipality + " only");
    }
    if (openLibrary.refuseBlocked() && !blocks.isEmpty()) {
      return Rejection.of(
          Rejection.Code.valueOf(blocks.get(0).code()),
          "the open library does not admit the patron: " + blocks.get(0).detail());
    }
    if (openLibrary.signUpRequired() && !signedUp) {
      return Rejection.of(
          NOT_SIGNED_UP,
          "the patron has not signed up for the open library; staff or the library's website can"
              + " sign them up");
    }
    return null;
  }
}
