package dk.library.circulation.http;

import java.util.regex.Pattern;

/** The accepted form of every identifier and value in the API, with the words that describe it. */
public final class Forms {
  static final Pattern AGENCY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");
  static final String AGENCY_ID_TEXT = "1-40 letters, digits, '.', '_' or '-'";
  static final Pattern BRANCH_ID = AGENCY_ID;
  static final String BRANCH_ID_TEXT = AGENCY_ID_TEXT;
  public static final Pattern CARD_NUMBER = Pattern.compile("[A-Za-z0-9]{4,20}");
  public static final String CARD_NUMBER_TEXT = "4-20 letters or digits";
  public static final Pattern BARCODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");
  public static final String BARCODE_TEXT = "1-40 letters, digits, '.', '_' or '-'";
  static final Pattern TRANSACTION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  static final String TRANSACTION_ID_TEXT = "1-64 letters, digits, '.', '_', ':' or '-'";
  public static final Pattern PIN = Pattern.compile("[0-9]{4}");
  public static final String PIN_TEXT = "exactly 4 digits";
  // Standard Base64 with padding, whole 4-character groups, so decoding cannot fail.
  static final Pattern BASE64 =
      Pattern.compile("(?:[A-Za-z0-9+/]{4}){1,30}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
  static final String BASE64_TEXT = "standard Base64 of at most 120 characters";
  static final Pattern NAME = Pattern.compile("(?U)\\S.{0,199}");
  static final String NAME_TEXT = "1-200 characters, not starting with a space";
  static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s]{1,63}");
  static final String EMAIL_TEXT = "an email address such as name@example.dk";
  static final Pattern MOBILE = Pattern.compile("\\+?[0-9][0-9 ]{5,19}");
  static final String MOBILE_TEXT = "a phone number of 6-20 digits, optionally starting with '+'";
  static final Pattern MATERIAL_TYPE = Pattern.compile("[a-z][a-z0-9-]{0,39}");
  static final String MATERIAL_TYPE_TEXT = "1-40 lower-case letters, digits or '-', such as 'book'";
  static final Pattern TITLE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  static final String TITLE_ID_TEXT = "1-64 letters, digits, '.', '_', ':' or '-'";

  static final String CATEGORY_TEXT = "1-40 lower-case letters, digits or '-', such as 'child'";
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  static final String ID_TEXT = "1-64 letters, digits, '.', '_', ':' or '-'";

  /** The pickup code printed on a pickup notice (R28). */
  static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}");

  static final String TOKEN_TEXT = "the 32-character pickup code from the pickup notice";
  static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  static final String DATE_TEXT = "a date as yyyy-MM-dd";

  static final Pattern TIME = Pattern.compile("(?:[01][0-9]|2[0-3]):[0-5][0-9]");
  static final String TIME_TEXT = "a time of day as HH:mm, such as 09:30";
  static final Pattern RESOURCE_KIND = Pattern.compile("PC|MEETING_ROOM|STUDY_CELL");
  static final String RESOURCE_KIND_TEXT = "PC, MEETING_ROOM or STUDY_CELL";
  static final Pattern WEEKDAY =
      Pattern.compile("MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY");
  static final String WEEKDAY_TEXT = "a weekday in capitals, such as SUNDAY";

  static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  static final String COUNTRY_TEXT = "a two-letter country code such as DK or GL";
  static final Pattern MUNICIPALITY = Pattern.compile("[0-9]{3,4}");
  static final String MUNICIPALITY_TEXT = "a municipality code of 3-4 digits such as 0157";
  static final Pattern CHANNEL = Pattern.compile("in-person|phone|web");
  static final String CHANNEL_TEXT = "one of in-person, phone, web";
  static final Pattern DOCUMENT = Pattern.compile("cpr|passport|institution");
  static final String DOCUMENT_TEXT = "cpr, passport or institution";

  static final Pattern NOTICE_CHANNEL = Pattern.compile("email|sms|post|digital-mailbox");
  static final String NOTICE_CHANNEL_TEXT = "one of email, sms, post, digital-mailbox";

  static final Pattern CPR = Pattern.compile("[0-9]{10}");
  static final String CPR_TEXT = "a CPR number of ten digits";

  static final Pattern CONDITION = Pattern.compile("lost|damaged");
  static final String CONDITION_TEXT = "lost or damaged";

  private Forms() {}

  /** Adds "{@code field}: must be {@code form}" to {@code errors} unless {@code valid}. */
  /** A card number from the path of a request with a body: its error beside the body's. */
  static void cardInPath(RequestBody body, String card) {
    if (!CARD_NUMBER.matcher(card).matches()) {
      body.error("cardNumber", "must be " + CARD_NUMBER_TEXT);
    }
  }

  static void require(
      java.util.List<Problem.FieldError> errors, String field, boolean valid, String form) {
    if (!valid) {
      errors.add(new Problem.FieldError(field, "must be " + form));
    }
  }
}
