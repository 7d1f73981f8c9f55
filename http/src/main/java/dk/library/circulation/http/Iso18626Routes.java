package dk.library.circulation.http;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.InterlibraryDesk;
import dk.library.circulation.ill.IsoStatus;
import dk.library.circulation.ill.RequestView;
import dk.library.circulation.iso18626.IsoMessages.Confirmation;
import dk.library.circulation.iso18626.IsoMessages.Confirms;
import dk.library.circulation.iso18626.IsoXml;
import dk.library.circulation.iso18626.IsoXml.AgencyId;
import dk.library.circulation.iso18626.PartnerDirectory;
import dk.library.circulation.iso18626.PartnerDirectory.Partner;
import dk.library.circulation.iso18626.Signatures;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code POST /iso18626}: ISO 18626 messages from partner systems (docs/interlibrary.md). A message
 * is validated against the standard's schema, must be signed under its partner's key, and is
 * answered with the standard's confirmation: OK, or ERROR with the standard's error type. Nothing
 * changes unless the answer is OK, and a message delivered twice changes nothing the second time.
 */
final class Iso18626Routes extends ApiDirectives {

  private static final Logger log = LoggerFactory.getLogger(Iso18626Routes.class);

  private final InterlibraryDesk interlibrary;
  private final PartnerDirectory partners;
  private final CirculationDesk desk;
  private final ZoneId zone;

  Iso18626Routes(
      CirculationDesk desk, AccessControl access, ApiMetrics metrics, PartnerDirectory partners) {
    super(access, metrics);
    this.interlibrary = desk.interlibrary();
    this.partners = partners;
    this.desk = desk;
    this.zone = desk.zone();
  }

  Route routes() {
    return path(
        "iso18626",
        () ->
            post(
                () ->
                    named(
                        "/iso18626",
                        () ->
                            optionalHeaderValueByName(
                                PartnerDirectory.SIGNATURE_HEADER,
                                signature ->
                                    entity(
                                        Unmarshaller.entityToString(),
                                        text ->
                                            completeWithFuture(
                                                unavailableOnTimeout(
                                                    receive(signature.orElse(null), text))))))));
  }

  private CompletionStage<HttpResponse> receive(String signature, String text) {
    Instant received = desk.now();
    Document document;
    try {
      document = IsoXml.parse(text);
    } catch (IsoXml.Invalid invalid) {
      return done(
          StatusCodes.OK,
          blank(Confirms.REQUEST, received).error("BadlyFormedMessage", invalid.getMessage()));
    }
    String kind = IsoXml.kind(document).orElse("");
    Confirmation confirmation = echo(document, kind, received);
    try {
      IsoXml.validate(document);
    } catch (IsoXml.Invalid invalid) {
      return done(StatusCodes.OK, confirmation.error("BadlyFormedMessage", invalid.getMessage()));
    }
    Element body = IsoXml.body(document);
    String sender =
        IsoXml.text(
                body,
                "header",
                kind.equals("supplyingAgencyMessage") ? "supplyingAgencyId" : "requestingAgencyId",
                "agencyIdValue")
            .orElse("");
    Optional<Partner> partner = partners.partner(sender);
    if (partner.isEmpty() || !Signatures.matches(partner.get().incomingKey(), text, signature)) {
      return done(
          StatusCodes.UNAUTHORIZED,
          confirmation.error(
              "UnrecognisedDataValue",
              "signature: the message must come from a configured partner and carry "
                  + PartnerDirectory.SIGNATURE_HEADER
                  + ": sha256=<hex HMAC-SHA256 of the body under the partner's key>"));
    }
    return switch (kind) {
      case "supplyingAgencyMessage" -> supplying(partner.get(), body, confirmation);
      case "request" -> requesting(partner.get(), body, confirmation);
      case "requestingAgencyMessage" -> acting(partner.get(), body, confirmation);
      default ->
          done(
              StatusCodes.OK,
              confirmation.error(
                  "UnsupportedActionType", kind + " is an answer; it is not sent on its own"));
    };
  }

  /** A supplier's status for one of this core's requests. */
  private CompletionStage<HttpResponse> supplying(
      Partner partner, Element body, Confirmation confirmation) {
    String requestId = IsoXml.text(body, "header", "requestingAgencyRequestId").orElse("");
    if (!Forms.ID.matcher(requestId).matches()) {
      return done(
          StatusCodes.OK,
          confirmation.error(
              "UnrecognisedDataValue", "requestingAgencyRequestId: no request " + requestId));
    }
    String statusText = IsoXml.text(body, "statusInfo", "status").orElse("");
    IsoStatus status;
    try {
      status = IsoStatus.valueOf(statusText);
    } catch (IllegalArgumentException unsupported) {
      return done(
          StatusCodes.OK,
          confirmation.error(
              "UnrecognisedDataValue", "status: " + statusText + " is not supported here"));
    }
    Instant dueAt;
    try {
      dueAt = IsoXml.text(body, "statusInfo", "dueDate").map(this::instant).orElse(null);
    } catch (DateTimeParseException e) {
      return done(
          StatusCodes.OK,
          confirmation.error("UnrecognisedDataValue", "dueDate: " + e.getMessage()));
    }
    String messageKey =
        String.join(
            "|",
            partner.agencyId(),
            IsoXml.text(body, "header", "timestamp").orElse(""),
            IsoXml.text(body, "messageInfo", "reasonForMessage").orElse(""),
            statusText);
    String note =
        Stream.of(
                IsoXml.text(body, "messageInfo", "reasonUnfilled"),
                IsoXml.text(body, "messageInfo", "note"))
            .flatMap(Optional::stream)
            .filter(s -> !s.isBlank())
            .collect(Collectors.joining(": "));
    return interlibrary
        .fromPartner(
            partner.agencyId(),
            IsoXml.text(body, "header", "requestingAgencyId", "agencyIdValue").orElse(""),
            requestId,
            messageKey,
            status,
            IsoXml.text(body, "deliveryInfo", "itemId").orElse(null),
            dueAt,
            note.isEmpty() ? null : note)
        .thenApply(result -> response(result, confirmation));
  }

  /**
   * A partner asks one of our agencies (its supplyingAgencyId) for a title, named by a
   * bibliographicRecordId of our title-id scheme or by supplierUniqueRecordId.
   */
  private CompletionStage<HttpResponse> requesting(
      Partner partner, Element body, Confirmation confirmation) {
    String theirId = IsoXml.text(body, "header", "requestingAgencyRequestId").orElse("");
    Optional<String> lender = IsoXml.text(body, "header", "supplyingAgencyId", "agencyIdValue");
    if (lender.isEmpty() || !Forms.AGENCY_ID.matcher(lender.get()).matches()) {
      return done(
          StatusCodes.OK,
          confirmation.error(
              "UnrecognisedDataValue", "supplyingAgencyId: name one of this system's agencies"));
    }
    Optional<String> title =
        IsoXml.text(
                body, "bibliographicInfo", "bibliographicRecordId", "bibliographicRecordIdentifier")
            .or(() -> IsoXml.text(body, "bibliographicInfo", "supplierUniqueRecordId"))
            .filter(t -> Forms.TITLE_ID.matcher(t).matches());
    if (theirId.isEmpty() || title.isEmpty()) {
      return done(
          StatusCodes.OK,
          confirmation.error(
              "UnrecognisedDataValue",
              "bibliographicInfo: the title must be a bibliographicRecordId or"
                  + " supplierUniqueRecordId of "
                  + Forms.TITLE_ID_TEXT));
    }
    return interlibrary
        .requestFromPartner(partner.agencyId(), theirId, lender.get(), title.get())
        .thenApply(result -> response(result, confirmation));
  }

  /** The partner's action on its request to us: Received, ShippedReturn or Cancel. */
  private CompletionStage<HttpResponse> acting(
      Partner partner, Element body, Confirmation confirmation) {
    String action = IsoXml.text(body, "action").orElse("");
    if (!Set.of("Received", "ShippedReturn", "Cancel").contains(action)) {
      return done(
          StatusCodes.OK,
          confirmation.error(
              "UnsupportedActionType",
              action + " is not supported; Received, ShippedReturn and" + " Cancel are"));
    }
    String theirId = IsoXml.text(body, "header", "requestingAgencyRequestId").orElse("");
    String messageKey =
        String.join(
            "|", partner.agencyId(), IsoXml.text(body, "header", "timestamp").orElse(""), action);
    return interlibrary
        .fromBorrowingPartner(
            partner.agencyId(), theirId, messageKey, action, IsoXml.text(body, "note").orElse(null))
        .thenApply(result -> response(result, confirmation));
  }

  private HttpResponse response(Result<RequestView> result, Confirmation confirmation) {
    if (result instanceof Result.Ok<RequestView>) {
      return xml(StatusCodes.OK, confirmation);
    }
    Rejection rejection = ((Result.Refused<RequestView>) result).rejection();
    String element =
        switch (rejection.code()) {
          case INTERLIBRARY_REQUEST_NOT_FOUND -> "requestingAgencyRequestId";
          case NOT_THE_CURRENT_LENDER, AGENCY_NOT_FOUND -> "supplyingAgencyId";
          case INTERLIBRARY_STATUS_NOT_ALLOWED -> "status";
          default -> rejection.code().name();
        };
    return xml(
        StatusCodes.OK,
        confirmation.error("UnrecognisedDataValue", element + ": " + rejection.message()));
  }

  /** xs:dateTime with or without its offset; without one it is the libraries' local time. */
  private Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException noOffset) {
      return LocalDateTime.parse(text).atZone(zone).toInstant();
    }
  }

  /** The confirmation's header echoes the message's own, as far as it could be read. */
  private static Confirmation echo(Document document, String kind, Instant received) {
    Confirms confirms = Confirms.of(kind);
    if (kind.isEmpty()) {
      return blank(confirms, received);
    }
    Element body = IsoXml.body(document);
    String header = kind.endsWith("Confirmation") ? "confirmationHeader" : "header";
    return new Confirmation(
        confirms,
        agency(body, header, "supplyingAgencyId"),
        agency(body, header, "requestingAgencyId"),
        IsoXml.text(body, header, "requestingAgencyRequestId").orElse(null),
        confirms == Confirms.SUPPLYING_AGENCY_MESSAGE
            ? IsoXml.text(body, "messageInfo", "reasonForMessage").orElse(null)
            : null,
        received,
        null,
        null);
  }

  private static AgencyId agency(Element body, String header, String name) {
    Optional<String> type = IsoXml.text(body, header, name, "agencyIdType");
    Optional<String> value = IsoXml.text(body, header, name, "agencyIdValue");
    return type.isPresent() && value.isPresent() ? new AgencyId(type.get(), value.get()) : null;
  }

  private static Confirmation blank(Confirms confirms, Instant received) {
    return new Confirmation(confirms, null, null, null, null, received, null, null);
  }

  private CompletionStage<HttpResponse> done(StatusCode status, Confirmation confirmation) {
    return CompletableFuture.completedFuture(xml(status, confirmation));
  }

  private HttpResponse xml(StatusCode status, Confirmation confirmation) {
    String text = confirmation.write(desk.now());
    try {
      IsoXml.read(text);
    } catch (IsoXml.Invalid invalid) {
      log.error("A confirmation this core wrote is not valid: {}", invalid.getMessage());
    }
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_XML_UTF8, text));
  }

  /** No answer in time: the partner sends the message again, which is safe (idempotent). */
  private CompletionStage<HttpResponse> unavailableOnTimeout(
      CompletionStage<HttpResponse> response) {
    return response.exceptionally(
        failure -> {
          Throwable cause =
              failure instanceof CompletionException && failure.getCause() != null
                  ? failure.getCause()
                  : failure;
          if (!(cause instanceof TimeoutException)) {
            log.error("ISO 18626 message failed: {}", cause.toString());
          }
          return HttpResponse.create()
              .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
              .addHeader(RetryAfter.create(1L));
        });
  }
}
