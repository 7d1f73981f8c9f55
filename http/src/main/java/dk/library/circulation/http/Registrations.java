package dk.library.circulation.http;

import dk.library.circulation.agency.Branch;
import dk.library.circulation.desk.ItemRegistration;
import dk.library.circulation.desk.PatronRegistration;
import dk.library.circulation.patron.PatronFacts;
import dk.library.circulation.patron.PinHash;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;

/**
 * The forms of agencies, patrons and items, read and checked field by field from a JSON body: the
 * same for the single-record routes and for each line of a bulk import.
 */
final class Registrations {

  private Registrations() {}

  record AgencyForm(String agencyId, String name, List<Branch> branches, AgencyPolicy policy) {}

  static AgencyForm agency(RequestBody body) {
    String agencyId = body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT);
    String name = body.text("name", Forms.NAME, Forms.NAME_TEXT);
    List<Branch> branches =
        body.objects(
            "branches",
            1,
            500,
            b ->
                new Branch(
                    b.text("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT),
                    b.text("name", Forms.NAME, Forms.NAME_TEXT)));
    AgencyPolicy policy = body.object("policy", Policies::read);
    if (branches.stream().map(Branch::branchId).distinct().count() < branches.size()) {
      body.error("branches", "each branchId may appear only once");
    }
    return new AgencyForm(agencyId, name, branches, policy);
  }

  /** {@code verifiedBy}: the staff client registering (in person, it saw ID). */
  static PatronRegistration patron(RequestBody body, String verifiedBy, Instant now) {
    String cardNumber = body.text("cardNumber", Forms.CARD_NUMBER, Forms.CARD_NUMBER_TEXT);
    String pin = body.optionalText("pin", Forms.PIN, Forms.PIN_TEXT);
    PinHash pinHash = body.optionalObject("pinHash", null, Registrations::pinHash);
    if (pin == null && pinHash == null) {
      body.error("pin", "is required (or pinHash: a PIN migrated from another system as its hash)");
    }
    if (pin != null && pinHash != null) {
      body.error("pinHash", "and pin exclude each other: give one of them");
    }
    return new PatronRegistration(
        cardNumber,
        pin,
        pinHash,
        body.text("name", Forms.NAME, Forms.NAME_TEXT),
        body.optionalText("email", Forms.EMAIL, Forms.EMAIL_TEXT),
        body.optionalText("mobile", Forms.MOBILE, Forms.MOBILE_TEXT),
        body.text("homeAgencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT),
        body.optionalText("category", AgencyPolicy.NAME, Forms.CATEGORY_TEXT),
        facts(body, verifiedBy, now),
        body.optionalText("cpr", Forms.CPR, Forms.CPR_TEXT));
  }

  /**
   * A PIN migrated from another system as its salted PBKDF2-HMAC-SHA256 hash, so an import never
   * carries PINs in the clear and the server does not hash every patron's PIN again.
   */
  private static PinHash pinHash(RequestBody body) {
    int iterations = body.integer("iterations", PinHash.MIN_ITERATIONS, PinHash.MAX_ITERATIONS);
    String salt = body.text("salt", Forms.BASE64, Forms.BASE64_TEXT);
    String hash = body.text("hash", Forms.BASE64, Forms.BASE64_TEXT);
    if (salt != null && Base64.getDecoder().decode(salt).length < PinHash.MIN_SALT_BYTES) {
      body.error("salt", "must hold at least " + PinHash.MIN_SALT_BYTES + " bytes");
    }
    if (hash != null && Base64.getDecoder().decode(hash).length != PinHash.HASH_BYTES) {
      body.error("hash", "must hold " + PinHash.HASH_BYTES + " bytes (PBKDF2-HMAC-SHA256)");
    }
    return new PinHash(iterations, salt, hash);
  }

  /**
   * R1, R2, R3, R15: how the patron registered and what was shown. In person, the registering staff
   * client saw ID; on the web, a digital signature proved it; by phone nothing did yet.
   */
  private static PatronFacts facts(RequestBody body, String verifiedBy, Instant now) {
    String channel = body.optionalText("channel", Forms.CHANNEL, Forms.CHANNEL_TEXT);
    channel = channel == null ? "in-person" : channel;
    String document = body.optionalText("identityDocument", Forms.DOCUMENT, Forms.DOCUMENT_TEXT);
    String signature = body.optionalText("digitalSignature", Forms.ID, Forms.ID_TEXT);
    if (channel.equals("web") && signature == null) {
      body.error("digitalSignature", "is required for a registration on the web (R1)");
    }
    if (!channel.equals("web") && signature != null) {
      body.error("digitalSignature", "belongs only to a registration on the web");
    }
    String birth = body.optionalText("birthDate", Forms.DATE, Forms.DATE_TEXT);
    LocalDate birthDate = null;
    if (birth != null) {
      try {
        birthDate = LocalDate.parse(birth);
      } catch (DateTimeParseException e) {
        body.error("birthDate", "is not a date in the calendar");
      }
    }
    String residence = body.optionalText("residence", Forms.COUNTRY, Forms.COUNTRY_TEXT);
    PatronFacts.Verification verification =
        switch (channel) {
          case "phone" -> null;
          case "web" ->
              new PatronFacts.Verification("digital-signature " + signature, verifiedBy, now);
          default -> new PatronFacts.Verification("id-seen", verifiedBy, now);
        };
    return new PatronFacts(
        channel,
        document == null ? "cpr" : document,
        verification,
        birthDate,
        residence == null ? "DK" : residence,
        body.optionalText("municipality", Forms.MUNICIPALITY, Forms.MUNICIPALITY_TEXT),
        body.optionalBoolean("permanentAddress", true),
        body.optionalTextList("affiliations", AgencyPolicy.NAME, Forms.CATEGORY_TEXT, 20),
        null,
        body.optionalText("preferredChannel", Forms.NOTICE_CHANNEL, Forms.NOTICE_CHANNEL_TEXT));
  }

  static ItemRegistration item(RequestBody body) {
    return new ItemRegistration(
        body.text("barcode", Forms.BARCODE, Forms.BARCODE_TEXT),
        body.text("titleId", Forms.TITLE_ID, Forms.TITLE_ID_TEXT),
        body.text("title", Forms.NAME, Forms.NAME_TEXT),
        body.text("agencyId", Forms.AGENCY_ID, Forms.AGENCY_ID_TEXT),
        body.text("materialType", Forms.MATERIAL_TYPE, Forms.MATERIAL_TYPE_TEXT),
        body.optionalNullableInteger("loanPeriodDays", 1, AgencyPolicy.MAX_LOAN_PERIOD_DAYS),
        body.optionalBoolean("notForHomeLoan", false),
        body.optionalText("branchId", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT));
  }
}
