package dk.library.circulation.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dk.library.circulation.Rejection;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * An RFC 9457 problem document: {@code code} is the stable machine code, {@code detail} the
 * sentence a person can act on, {@code errors} the per-field problems of a bad request.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
    String type, String title, int status, String code, String detail, List<FieldError> errors) {

  public record FieldError(String field, String message) {}

  public static Problem of(StatusCode status, String code, String detail) {
    return new Problem(
        "urn:library-circulation:problem:" + code,
        title(status),
        status.intValue(),
        code,
        detail,
        List.of());
  }

  public static Problem invalidRequest(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : "the request has " + errors.size() + " invalid fields; see errors";
    Problem p = of(StatusCodes.BAD_REQUEST, "INVALID_REQUEST", detail);
    return new Problem(p.type(), p.title(), p.status(), p.code(), p.detail(), List.copyOf(errors));
  }

  public static Problem of(Rejection rejection) {
    return of(statusOf(rejection.code()), rejection.code().name(), rejection.message());
  }

  /** The HTTP status each rule's refusal answers with. */
  static StatusCode statusOf(Rejection.Code code) {
    return switch (code) {
      case WRONG_PIN, PIN_LOCKED -> StatusCodes.UNAUTHORIZED;
      case AGENCY_NOT_FOUND,
              BRANCH_NOT_FOUND,
              PATRON_NOT_FOUND,
              ITEM_NOT_FOUND,
              LOAN_NOT_FOUND,
              CLIENT_NOT_FOUND,
              FEE_NOT_FOUND,
              HOLD_NOT_FOUND,
              INTERLIBRARY_REQUEST_NOT_FOUND,
              RESOURCE_NOT_FOUND,
              BOOKING_NOT_FOUND,
              PAYMENT_SESSION_NOT_FOUND ->
          StatusCodes.NOT_FOUND;
      case AGENCY_ALREADY_EXISTS,
              PATRON_ALREADY_REGISTERED,
              ITEM_ALREADY_REGISTERED,
              ITEM_ON_LOAN,
              ITEM_NOT_ON_LOAN,
              TRANSACTION_ID_REUSED,
              CHECKOUT_CANCELLED,
              CLIENT_ALREADY_REGISTERED,
              CLIENT_REVOKED,
              CARD_IN_USE,
              HOLD_ALREADY_PLACED,
              HOLD_ALREADY_ALLOCATED,
              ITEM_HELD_FOR_ANOTHER_PATRON,
              INTERLIBRARY_REQUEST_EXISTS,
              INTERLIBRARY_STATUS_NOT_ALLOWED,
              RESOURCE_TAKEN,
              PAYMENT_SESSION_CLOSED,
              ACCOUNT_NOT_SETTLED,
              CARD_DELETED ->
          StatusCodes.CONFLICT;
      case LOAN_LIMIT_REACHED,
              RENEWAL_LIMIT_REACHED,
              RENEWAL_WOULD_NOT_EXTEND,
              ITEM_NOT_OWNED_BY_AGENCY,
              INVALID_POLICY,
              UNKNOWN_MATERIAL_TYPE,
              UNKNOWN_PATRON_CATEGORY,
              NOT_FOR_HOME_LOAN,
              EXPRESS_LOAN_NOT_RENEWABLE,
              TITLE_RESERVED,
              PAYMENT_EXCEEDS_BALANCE,
              PATRON_SUSPENDED,
              PATRON_EXCLUDED,
              WITH_DEBT_COLLECTION,
              LOAN_DECLARED_LOST,
              FEES_OWED,
              NOT_ELIGIBLE,
              RESIDENTS_ONLY,
              IDENTITY_NOT_VERIFIED,
              CONTACT_CHANNEL_WITHOUT_ADDRESS,
              CARD_REPORTED_LOST,
              NOT_AN_INSTITUTION,
              DEPOSIT_REQUIRED,
              DAMAGE_RECORDED_AT_CHECKOUT,
              TITLE_NOT_HELD,
              NOT_RESERVABLE,
              ITEM_LEVEL_HOLDS_NOT_ALLOWED,
              HOLD_NOT_READY,
              RESERVATION_LIMIT_REACHED,
              NOT_AUTHORISED_TO_COLLECT,
              TITLE_HELD_LOCALLY,
              NOT_FOR_INTERLIBRARY_LOAN,
              NOT_THE_CURRENT_LENDER,
              BOOKING_OUTSIDE_RULES,
              BOOKING_LIMIT_REACHED,
              BOOKING_NOT_USABLE,
              OPEN_LIBRARY_NOT_OFFERED,
              OPEN_LIBRARY_CLOSED,
              BELOW_MINIMUM_AGE,
              NOT_SIGNED_UP,
              NOTHING_OWED,
              PAYMENT_AMOUNT_MISMATCH,
              ACCOUNT_RESTRICTED ->
          StatusCodes.UNPROCESSABLE_CONTENT;
    };
  }

  private static String title(StatusCode status) {
    return status.reason();
  }
}
