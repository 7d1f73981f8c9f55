package dk.library.circulation.openlibrary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dk.library.circulation.Rejection;
import dk.library.circulation.patron.Fees;
import dk.library.circulation.patron.PatronFacts;
import dk.library.circulation.policy.AgencyPolicy.OpenLibrary;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** R45 as pure functions: when the door opens, and to whom. */
class DoorRulesTest {

  static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
  static final OpenLibrary OPEN =
      new OpenLibrary(
          List.of("main"), LocalTime.of(7, 0), LocalTime.of(22, 0), 15, true, true, true);
  static final List<Fees.Block> NONE = List.of();

  static PatronFacts facts(LocalDate birthDate, String municipality) {
    return new PatronFacts(
        "in-person", "cpr", null, birthDate, "DK", municipality, true, List.of(), null, null);
  }

  static Rejection.Code door(OpenLibrary policy, String branch, String time) {
    Rejection r = DoorRules.doorRefusal(policy, branch, LocalTime.parse(time));
    return r == null ? null : r.code();
  }

  static Rejection.Code patron(PatronFacts facts, List<Fees.Block> blocks, boolean signedUp) {
    Rejection r = DoorRules.patronRefusal(OPEN, "0101", facts, blocks, signedUp, TODAY);
    return r == null ? null : r.code();
  }

  @Test
  void R45_theDoorOpensOnlyAtAnOpenLibraryBranchInItsHours() {
    assertNull(door(OPEN, "main", "07:00"));
    assertNull(door(OPEN, "main", "21:59"));
    assertEquals(Rejection.Code.OPEN_LIBRARY_CLOSED, door(OPEN, "main", "06:59"));
    assertEquals(Rejection.Code.OPEN_LIBRARY_CLOSED, door(OPEN, "main", "22:00"));
    assertEquals(Rejection.Code.OPEN_LIBRARY_NOT_OFFERED, door(OPEN, "north", "12:00"));
    assertEquals(Rejection.Code.OPEN_LIBRARY_NOT_OFFERED, door(null, "main", "12:00"));
  }

  @Test
  void R45_theDoorAdmitsByAgeResidencyBlocksAndSignUpAsThePolicySays() {
    PatronFacts adult = facts(LocalDate.of(1990, 5, 1), "0101");
    assertNull(patron(adult, NONE, true));
    assertNull(patron(facts(TODAY.minusYears(15), "0101"), NONE, true), "15 today");
    assertEquals(
        Rejection.Code.BELOW_MINIMUM_AGE,
        patron(facts(TODAY.minusYears(15).plusDays(1), "0101"), NONE, true));
    assertEquals(Rejection.Code.BELOW_MINIMUM_AGE, patron(facts(null, "0101"), NONE, true));
    assertEquals(
        Rejection.Code.RESIDENTS_ONLY, patron(facts(LocalDate.of(1990, 5, 1), "0202"), NONE, true));
    assertEquals(
        Rejection.Code.PATRON_SUSPENDED,
        patron(adult, List.of(new Fees.Block("PATRON_SUSPENDED", "until 1 December")), true));
    assertEquals(
        Rejection.Code.FEES_OWED,
        patron(adult, List.of(new Fees.Block("FEES_OWED", "owes 250 DKK")), true));
    assertEquals(Rejection.Code.NOT_SIGNED_UP, patron(adult, NONE, false));

    OpenLibrary lenient =
        new OpenLibrary(
            List.of("main"), LocalTime.of(7, 0), LocalTime.of(22, 0), 0, false, false, false);
    Rejection r =
        DoorRules.patronRefusal(
            lenient,
            "0101",
            facts(null, "0202"),
            List.of(new Fees.Block("FEES_OWED", "owes 250 DKK")),
            false,
            TODAY);
    assertNull(r, "each admission rule applies only where the agency's policy asks it");
  }
}
