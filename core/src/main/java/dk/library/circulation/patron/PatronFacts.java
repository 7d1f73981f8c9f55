package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;

/**
 * What registration established about a patron, and the rules that read it.
 *
 * @param channel R1: {@code in-person}, {@code phone} or {@code web} (with a digital signature)
 * @param identityDocument R3: {@code cpr} (the health-insurance card; its number is the card
 *     number), {@code passport} (with visa or residence permit; a library card is issued) or R9
 *     {@code institution} (an institution or company account, which may hold several cards)
 * @param verification R2, R15: who saw ID or which signature proved it, and when; null for a phone
 *     registration until staff confirm ID in person
 * @param birthDate R6, R10: null when not given (then no age rule can admit or limit the patron)
 * @param residence R10: where the patron lives, e.g. {@code DK}, {@code GL}
 * @param municipality R8: the municipality code the patron is resident in, if any
 * @param permanentAddress R7: false for a patron without a fixed address
 * @param affiliations R10: e.g. {@code citizen-abroad}, {@code ku-student}
 * @param guardianConsent R6: for a minor, who consented and who recorded it
 * @param preferredChannel R5, R43: email, sms, post or digital-mailbox; null: the default
 */
public record PatronFacts(
    String channel,
    String identityDocument,
    Verification verification,
    LocalDate birthDate,
    String residence,
    String municipality,
    boolean permanentAddress,
    List<String> affiliations,
    GuardianConsent guardianConsent,
    String preferredChannel)
    implements CborSerializable {

  public static final int ADULT_AGE = 18;

  /** R15: ID seen by {@code verifiedBy} (a staff client) or a digital signature's reference. */
  public record Verification(String method, String verifiedBy, Instant at)
      implements CborSerializable {}

  /** R6: the guardian who consented, and the staff client that recorded it. */
  public record GuardianConsent(String guardian, String recordedBy, Instant at)
      implements CborSerializable {}

  public PatronFacts {
    affiliations = List.copyOf(affiliations);
  }

  /** A patron registered in person with a CPR-based card, resident, adult, nothing else known. */
  public static PatronFacts inPerson(String verifiedBy, Instant at) {
    return new PatronFacts(
        "in-person",
        "cpr",
        new Verification("id-seen", verifiedBy, at),
        null,
        "DK",
        null,
        true,
        List.of(),
        null,
        null);
  }

  public boolean institution() {
    return "institution".equals(identityDocument);
  }

  public boolean identityVerified() {
    return verification != null;
  }

  public boolean minorOn(LocalDate day) {
    return birthDate != null && Period.between(birthDate, day).getYears() < ADULT_AGE;
  }

  public Integer ageOn(LocalDate day) {
    return birthDate == null ? null : Period.between(birthDate, day).getYears();
  }

  /**
   * R6, R7: a minor without recorded guardian consent (temporary card), a patron without a CPR
   * number, or one without a permanent address borrows at most the restricted number of loans.
   */
  public String restriction(LocalDate day) {
    if (minorOn(day) && guardianConsent == null) {
      return "a minor without recorded guardian consent has a temporary card";
    }
    if ("passport".equals(identityDocument)) {
      return "a patron without a CPR number";
    }
    if (!permanentAddress) {
      return "a patron without a permanent address";
    }
    return null;
  }

  PatronFacts verified(Verification v) {
    return new PatronFacts(
        channel,
        identityDocument,
        v,
        birthDate,
        residence,
        municipality,
        permanentAddress,
        affiliations,
        guardianConsent,
        preferredChannel);
  }

  PatronFacts consented(GuardianConsent consent) {
    return new PatronFacts(
        channel,
        identityDocument,
        verification,
        birthDate,
        residence,
        municipality,
        permanentAddress,
        affiliations,
        consent,
        preferredChannel);
  }

  /** R41: where the patron lives, as staff corrected it (null: unchanged). */
  PatronFacts correctedAddress(String newResidence, String newMunicipality) {
    return new PatronFacts(
        channel,
        identityDocument,
        verification,
        birthDate,
        newResidence == null ? residence : newResidence,
        newMunicipality == null ? municipality : newMunicipality,
        permanentAddress,
        affiliations,
        guardianConsent,
        preferredChannel);
  }

  PatronFacts withPreferredChannel(String next) {
    return new PatronFacts(
        channel,
        identityDocument,
        verification,
        birthDate,
        residence,
        municipality,
        permanentAddress,
        affiliations,
        guardianConsent,
        next);
  }
}
