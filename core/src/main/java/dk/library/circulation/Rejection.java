package dk.library.circulation;

/**
 * Why the library said no: a stable machine code and a sentence a person can act on. Every rule
 * refuses with its own code so that clients, logs and tests can tell the rules apart.
 */
public record Rejection(Code code, String message) implements CborSerializable {

  public enum Code {
    AGENCY_NOT_FOUND,
    AGENCY_ALREADY_EXISTS,
    BRANCH_NOT_FOUND,
    PATRON_NOT_FOUND,
    PATRON_ALREADY_REGISTERED,
    WRONG_PIN,
    ITEM_NOT_FOUND,
    ITEM_ALREADY_REGISTERED,
    ITEM_ON_LOAN,
    ITEM_NOT_ON_LOAN,
    ITEM_NOT_OWNED_BY_AGENCY,
    LOAN_LIMIT_REACHED,
    LOAN_NOT_FOUND,
    /** R31: the copy was declared lost after its last overdue notice; it can only be returned. */
    LOAN_DECLARED_LOST,
    RENEWAL_LIMIT_REACHED,
    RENEWAL_WOULD_NOT_EXTEND,
    TRANSACTION_ID_REUSED,
    CHECKOUT_CANCELLED,
    CLIENT_NOT_FOUND,
    CLIENT_ALREADY_REGISTERED,
    CLIENT_REVOKED,
    INVALID_POLICY,
    UNKNOWN_MATERIAL_TYPE,
    UNKNOWN_PATRON_CATEGORY,
    NOT_FOR_HOME_LOAN,
    EXPRESS_LOAN_NOT_RENEWABLE,
    TITLE_RESERVED,
    PATRON_SUSPENDED,
    /** R33, R34: excluded from borrowing for repeated failure to return or repeated damage. */
    PATRON_EXCLUDED,
    FEES_OWED,
    PAYMENT_EXCEEDS_BALANCE,
    /** R35: a claim is with debt collection; nothing is lent or renewed until it is paid. */
    WITH_DEBT_COLLECTION,
    /** R36: an online payment needs something owed. */
    NOTHING_OWED,
    PAYMENT_SESSION_NOT_FOUND,
    /** R36: the session was cancelled; a late callback cannot pay it. */
    PAYMENT_SESSION_CLOSED,
    /** R36: the provider reports another amount than the session asked for. */
    PAYMENT_AMOUNT_MISMATCH,
    FEE_NOT_FOUND,
    NOT_ELIGIBLE,
    RESIDENTS_ONLY,
    IDENTITY_NOT_VERIFIED,
    PIN_LOCKED,
    CONTACT_CHANNEL_WITHOUT_ADDRESS,
    CARD_REPORTED_LOST,
    CARD_IN_USE,
    NOT_AN_INSTITUTION,
    DEPOSIT_REQUIRED,
    DAMAGE_RECORDED_AT_CHECKOUT,
    TITLE_NOT_HELD,
    NOT_RESERVABLE,
    ITEM_LEVEL_HOLDS_NOT_ALLOWED,
    HOLD_ALREADY_PLACED,
    HOLD_NOT_FOUND,
    HOLD_NOT_READY,
    /** A copy is already allocated to the hold: its pickup branch can no longer change (R27). */
    HOLD_ALREADY_ALLOCATED,
    RESERVATION_LIMIT_REACHED,
    ITEM_HELD_FOR_ANOTHER_PATRON,
    NOT_AUTHORISED_TO_COLLECT,
    TITLE_HELD_LOCALLY,
    NOT_FOR_INTERLIBRARY_LOAN,
    INTERLIBRARY_REQUEST_EXISTS,
    INTERLIBRARY_REQUEST_NOT_FOUND,
    INTERLIBRARY_STATUS_NOT_ALLOWED,
    NOT_THE_CURRENT_LENDER,
    RESOURCE_NOT_FOUND,
    RESOURCE_TAKEN,
    BOOKING_NOT_FOUND,
    BOOKING_OUTSIDE_RULES,
    BOOKING_LIMIT_REACHED,
    BOOKING_NOT_USABLE,
    OPEN_LIBRARY_NOT_OFFERED,
    OPEN_LIBRARY_CLOSED,
    BELOW_MINIMUM_AGE,
    NOT_SIGNED_UP,
    /** R39: loans, fees or holds keep the account until they are settled. */
    ACCOUNT_NOT_SETTLED,
    /** R39: the card belonged to an account deleted on request; it is never issued again. */
    CARD_DELETED,
    /** R41: the patron restricted the processing of their data; the account only is stored. */
    ACCOUNT_RESTRICTED
  }

  public static Rejection of(Code code, String message) {
    return new Rejection(code, message);
  }
}
