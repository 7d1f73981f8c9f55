package dk.library.circulation.iso18626;

import dk.library.circulation.ill.IsoStatus;
import dk.library.circulation.ill.PartnerMessage;
import dk.library.circulation.ill.RequestView;
import dk.library.circulation.iso18626.IsoXml.AgencyId;
import java.time.Instant;
import javax.xml.stream.XMLStreamException;

/**
 * The messages this core writes (docs/interlibrary.md): the Request and the requesting agency's
 * actions it sends partners, and the confirmations it answers their messages with. No patron data
 * leaves the core: a partner needs the title and the requesting agency, not who asked (R40).
 */
public final class IsoMessages {

  private IsoMessages() {}

  /** The Request to a partner lender, for the title of {@code request}. */
  public static String request(
      PartnerMessage message,
      RequestView request,
      AgencyId partner,
      AgencyId requester,
      String titleIdScheme) {
    return IsoXml.write(
        "request",
        xml -> {
          header(xml, message, request, partner, requester);
          xml.start("bibliographicInfo")
              .start("bibliographicRecordId")
              .element("bibliographicRecordIdentifierCode", titleIdScheme)
              .element("bibliographicRecordIdentifier", request.titleId())
              .end()
              .end();
          xml.start("serviceInfo")
              .element("requestType", "New")
              .element("serviceType", "Loan")
              .end();
        });
  }

  /** The header of a message this core sends as the requesting agency. */
  private static void header(
      IsoXml.Writer xml,
      PartnerMessage message,
      RequestView request,
      AgencyId partner,
      AgencyId requester)
      throws XMLStreamException {
    xml.start("header")
        .agency("supplyingAgencyId", partner)
        .agency("requestingAgencyId", requester)
        .element("timestamp", message.at().toString())
        .element("requestingAgencyRequestId", request.requestId())
        .end();
  }

  /** Received, ShippedReturn or Cancel: what the borrowing library did. */
  public static String requestingAgencyMessage(
      PartnerMessage message, RequestView request, AgencyId partner, AgencyId requester) {
    String action =
        switch (message.kind()) {
          case RECEIVED -> "Received";
          case SHIPPED_RETURN -> "ShippedReturn";
          case CANCEL -> "Cancel";
          case REQUEST, SUPPLY_STATUS ->
              throw new IllegalArgumentException(message.kind() + " is not an action");
        };
    return IsoXml.write(
        "requestingAgencyMessage",
        xml -> {
          header(xml, message, request, partner, requester);
          xml.element("action", action);
          xml.element("note", message.note());
        });
  }

  /**
   * The lender's status for a partner's request to us: the answer (RequestResponse), the loan's
   * course (StatusChange, with the due date and the item sent), or the answer to its Cancel.
   */
  public static String supplyingAgencyMessage(
      PartnerMessage message, RequestView request, AgencyId partner, AgencyId supplier) {
    IsoStatus status = message.status();
    String reason =
        switch (status) {
          case ExpectToSupply, WillSupply, Unfilled -> "RequestResponse";
          case Cancelled -> "CancelResponse";
          default -> "StatusChange";
        };
    return IsoXml.write(
        "supplyingAgencyMessage",
        xml -> {
          xml.start("header")
              .agency("supplyingAgencyId", supplier)
              .agency("requestingAgencyId", partner)
              .element("timestamp", message.at().toString())
              .element("requestingAgencyRequestId", request.partnerRequestId())
              .element("supplyingAgencyRequestId", request.requestId())
              .end();
          xml.start("messageInfo").element("reasonForMessage", reason);
          if (status == IsoStatus.Cancelled) {
            xml.element("answerYesNo", "Y");
          }
          xml.element("note", message.note()).end();
          xml.start("statusInfo")
              .element("status", status.name())
              .element("dueDate", message.dueAt() == null ? null : message.dueAt().toString())
              .element("lastChange", message.at().toString())
              .end();
          if (status == IsoStatus.Loaned && request.barcode() != null) {
            xml.start("deliveryInfo")
                .element("dateSent", message.at().toString())
                .element("itemId", request.barcode())
                .end();
          }
        });
  }

  /** The kinds of confirmation, each answering one kind of message. */
  public enum Confirms {
    REQUEST("request", "requestConfirmation"),
    SUPPLYING_AGENCY_MESSAGE("supplyingAgencyMessage", "supplyingAgencyMessageConfirmation"),
    REQUESTING_AGENCY_MESSAGE("requestingAgencyMessage", "requestingAgencyMessageConfirmation");

    public final String message;
    public final String confirmation;

    Confirms(String message, String confirmation) {
      this.message = message;
      this.confirmation = confirmation;
    }

    /** The confirmation for a message of {@code kind}; a Request's for anything else. */
    public static Confirms of(String kind) {
      for (Confirms c : values()) {
        if (c.message.equals(kind)) {
          return c;
        }
      }
      return REQUEST;
    }
  }

  /**
   * A confirmation: OK when {@code errorType} is null, else ERROR with the standard's error type
   * (BadlyFormedMessage, UnrecognisedDataValue, ...) and what it concerns.
   */
  public record Confirmation(
      Confirms confirms,
      AgencyId supplyingAgencyId,
      AgencyId requestingAgencyId,
      String requestingAgencyRequestId,
      String reasonForMessage,
      Instant received,
      String errorType,
      String errorValue) {

    public String write(Instant now) {
      return IsoXml.write(
          confirms.confirmation,
          xml -> {
            xml.start("confirmationHeader")
                .agency("supplyingAgencyId", supplyingAgencyId)
                .agency("requestingAgencyId", requestingAgencyId)
                .element("timestamp", now.toString())
                .element("requestingAgencyRequestId", requestingAgencyRequestId)
                .element("timestampReceived", received.toString())
                .element("messageStatus", errorType == null ? "OK" : "ERROR")
                .end();
            if (confirms == Confirms.SUPPLYING_AGENCY_MESSAGE) {
              xml.element("reasonForMessage", reasonForMessage);
            }
            if (errorType != null) {
              xml.start("errorData")
                  .element("errorType", errorType)
                  .element("errorValue", errorValue)
                  .end();
            }
          });
    }

    public Confirmation error(String type, String value) {
      return new Confirmation(
          confirms,
          supplyingAgencyId,
          requestingAgencyId,
          requestingAgencyRequestId,
          reasonForMessage,
          received,
          type,
          value);
    }
  }
}
