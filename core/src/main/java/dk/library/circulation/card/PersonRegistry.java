package dk.library.circulation.card;

import java.time.LocalDate;
import java.util.Optional;

/**
 * The person registry (in Denmark the CPR register) that a patron signing up on a library website
 * is looked up in (R1, R3): name, birth date and municipality come from it, not from the patron.
 * This core holds no copy of it; an installation connects one.
 */
public interface PersonRegistry {

  /** What the registry tells about a person. */
  record Person(String name, LocalDate birthDate, String municipality) {}

  /** The person with this CPR number, if the registry may tell. */
  Optional<Person> lookUp(String cpr);

  /** No registry connected: nobody can sign up on the web. */
  static PersonRegistry none() {
    return cpr -> Optional.empty();
  }
}
