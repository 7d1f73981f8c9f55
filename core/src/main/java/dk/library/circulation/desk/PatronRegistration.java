package dk.library.circulation.desk;

import static dk.library.circulation.Rejection.Code.UNKNOWN_PATRON_CATEGORY;

import dk.library.circulation.Rejection;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronFacts;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PatronRules;
import dk.library.circulation.patron.PinHash;
import dk.library.circulation.patron.PinKey;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A new patron as registered by staff; the PIN is hashed before it reaches any entity. A patron
 * migrated from another system brings {@code pinHash} instead of {@code pin} (exactly one of them).
 * {@code cpr}, optional, is the CPR number of a patron with a library card, stored only as a keyed
 * hash (R14).
 */
public record PatronRegistration(
    String cardNumber,
    String pin,
    PinHash pinHash,
    String name,
    String email,
    String mobile,
    String homeAgencyId,
    String category,
    PatronFacts facts,
    String cpr) {
  /**
   * Why the home agency's policy refuses this registration, or null: R21 eligibility, and a
   * category, when given, must be one the policy lists.
   */
  public Rejection refusal(AgencyPolicy policy, LocalDate today) {
    Rejection ineligible = PatronRules.eligibilityRefusal(policy, facts, today);
    if (ineligible != null) {
      return ineligible;
    }
    if (category != null && !policy.patronCategories().containsKey(category)) {
      return Rejection.of(
          UNKNOWN_PATRON_CATEGORY,
          "agency "
              + homeAgencyId
              + " has no patron category '"
              + category
              + "'; its categories are "
              + new TreeSet<>(policy.patronCategories().keySet()));
    }
    return null;
  }

  /** The patron entity's registration command, with the PIN already hashed. */
  /**
   * {@code otherCards}: the card index entries claimed beside the patron's key (R14, R39); {@code
   * retention}: the home agency's, whose inactivity terms the account keeps (R38).
   */
  public PatronCommand.Register command(
      PinHash pin,
      List<String> otherCards,
      AgencyPolicy.Retention retention,
      ActorRef<PatronReply> replyTo) {
    return new PatronCommand.Register(
        pin, name, email, mobile, homeAgencyId, category, facts, otherCards, retention, replyTo);
  }

  /** The PIN's hash under the server's key, or the hash a migrated patron brought along. */
  public PinHash pinHashUnder(PinKey key) {
    return pinHash != null ? pinHash : PinHash.keyed(pin, key);
  }

  @Override
  public String toString() {
    // Card and CPR numbers stay out of logs: only the last four characters.
    return "PatronRegistration[..."
        + cardNumber.substring(Math.max(0, cardNumber.length() - 4))
        + "]";
  }
}
