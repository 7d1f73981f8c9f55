package dk.library.circulation.iso18626;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dk.library.circulation.ill.PartnerMessage;
import dk.library.circulation.ill.Partners;
import dk.library.circulation.ill.RequestView;
import dk.library.circulation.iso18626.IsoMessages.Confirms;
import dk.library.circulation.iso18626.IsoXml.AgencyId;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The partner systems of library.iso18626 (docs/interlibrary.md): each one's agency id, endpoint
 * and the two keys messages are signed with, one for each direction. Sends this core's messages
 * over HTTP and reads the partner's confirmation.
 */
public final class PartnerDirectory implements Partners {

  /** The header a message's signature travels in, both ways. */
  public static final String SIGNATURE_HEADER = "X-ISO18626-Signature";

  private static final Logger log = LoggerFactory.getLogger(PartnerDirectory.class);

  /**
   * One partner: {@code incomingKey} checks what it sends, {@code outgoingKey} signs what it is
   * sent.
   */
  public record Partner(
      String agencyId, String agencyIdType, URI endpoint, byte[] incomingKey, byte[] outgoingKey) {
    public AgencyId id() {
      return new AgencyId(agencyIdType, agencyId);
    }
  }

  private final Map<String, Partner> partners;
  private final String agencyIdType;
  private final String titleIdScheme;
  private final Duration answerTimeout;
  private final ActorSystem<?> system;

  private PartnerDirectory(
      Map<String, Partner> partners,
      String agencyIdType,
      String titleIdScheme,
      Duration answerTimeout,
      ActorSystem<?> system) {
    this.partners = partners;
    this.agencyIdType = agencyIdType;
    this.titleIdScheme = titleIdScheme;
    this.answerTimeout = answerTimeout;
    this.system = system;
  }

  /** From library.iso18626; a configuration error stops the server with what to fix. */
  public static PartnerDirectory from(Config iso, ActorSystem<?> system) {
    Config source = iso;
    String file = iso.getString("partners-file");
    if (!file.isBlank()) {
      File f = new File(file);
      if (!f.isFile()) {
        throw new IllegalStateException(
            "library.iso18626.partners-file names " + file + ", which is not a readable file");
      }
      source = ConfigFactory.parseFile(f).withFallback(iso);
    }
    Map<String, Partner> partners = new LinkedHashMap<>();
    for (Config p : source.getConfigList("partners")) {
      String id = p.getString("agency-id");
      if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,39}")) {
        throw new IllegalStateException(
            "library.iso18626 partner agency-id '"
                + id
                + "' must be 1-40 letters, digits, '.', '_' or '-', as lenders are named");
      }
      Partner partner =
          new Partner(
              id,
              p.hasPath("agency-id-type") ? p.getString("agency-id-type") : "ISIL",
              URI.create(p.getString("endpoint")),
              key(p, "incoming-key", id),
              key(p, "outgoing-key", id));
      if (partners.put(id, partner) != null) {
        throw new IllegalStateException("library.iso18626 names partner " + id + " twice");
      }
    }
    if (!partners.isEmpty()) {
      log.info("ISO 18626 partners: {}", partners.keySet());
    }
    return new PartnerDirectory(
        Map.copyOf(partners),
        iso.getString("agency-id-type"),
        iso.getString("title-id-scheme"),
        iso.getDuration("answer-timeout"),
        system);
  }

  private static byte[] key(Config partner, String path, String id) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(partner.getString(path));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "library.iso18626 partner " + id + ": " + path + " is not base64");
    }
    if (key.length < 32) {
      throw new IllegalStateException(
          "library.iso18626 partner " + id + ": " + path + " must be at least 32 bytes");
    }
    return key;
  }

  public static PartnerDirectory none() {
    return new PartnerDirectory(Map.of(), "ISIL", "FAUST", Duration.ofSeconds(10), null);
  }

  public Optional<Partner> partner(String agencyId) {
    return Optional.ofNullable(partners.get(agencyId));
  }

  /** How one of this core's agencies is named in messages. */
  public AgencyId ours(String agencyId) {
    return new AgencyId(agencyIdType, agencyId);
  }

  @Override
  public boolean isPartner(String agencyId) {
    return partners.containsKey(agencyId);
  }

  @Override
  public CompletionStage<Confirmation> send(PartnerMessage message, RequestView request) {
    Partner partner = partners.get(message.partnerAgencyId());
    if (partner == null) {
      // Kept and sent again: the partner may be configured again.
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "partner " + message.partnerAgencyId() + " is no longer configured"));
    }
    String body =
        switch (message.kind()) {
          case REQUEST ->
              IsoMessages.request(
                  message, request, partner.id(), ours(request.borrowingAgencyId()), titleIdScheme);
          case SUPPLY_STATUS ->
              IsoMessages.supplyingAgencyMessage(
                  message, request, partner.id(), ours(request.lender()));
          default ->
              IsoMessages.requestingAgencyMessage(
                  message, request, partner.id(), ours(request.borrowingAgencyId()));
        };
    try {
      IsoXml.read(body);
    } catch (IsoXml.Invalid invalid) {
      log.error("Message {} not sent: {}", message.messageId(), invalid.getMessage());
      return CompletableFuture.failedFuture(invalid);
    }
    Confirms expected =
        switch (message.kind()) {
          case REQUEST -> Confirms.REQUEST;
          case SUPPLY_STATUS -> Confirms.SUPPLYING_AGENCY_MESSAGE;
          default -> Confirms.REQUESTING_AGENCY_MESSAGE;
        };
    HttpRequest post =
        HttpRequest.POST(partner.endpoint().toString())
            .withEntity(HttpEntities.create(ContentTypes.TEXT_XML_UTF8, body))
            .addHeader(
                RawHeader.create(SIGNATURE_HEADER, Signatures.sign(partner.outgoingKey(), body)));
    return Http.get(system)
        .singleRequest(post)
        .thenCompose(response -> strictText(response))
        .thenApply(answer -> confirmation(answer, expected, partner))
        .toCompletableFuture()
        .orTimeout(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private record Answer(int status, String text) {}

  private CompletionStage<Answer> strictText(HttpResponse response) {
    return response
        .entity()
        .toStrict(answerTimeout.toMillis(), Materializer.matFromSystem(system))
        .thenApply(
            strict -> new Answer(response.status().intValue(), strict.getData().utf8String()));
  }

  /** The partner's confirmation; anything else is no answer, and the message is sent again. */
  private static Confirmation confirmation(Answer answer, Confirms expected, Partner partner) {
    if (answer.status() / 100 != 2) {
      throw new IllegalStateException(
          "partner " + partner.agencyId() + " answered HTTP " + answer.status());
    }
    Document document;
    try {
      document = IsoXml.read(answer.text());
    } catch (IsoXml.Invalid invalid) {
      throw new IllegalStateException(
          "partner " + partner.agencyId() + " answered with " + invalid.getMessage());
    }
    if (!IsoXml.kind(document).orElse("").equals(expected.confirmation)) {
      throw new IllegalStateException(
          "partner " + partner.agencyId() + " did not answer with a " + expected.confirmation);
    }
    Element body = IsoXml.body(document);
    String status = IsoXml.text(body, "confirmationHeader", "messageStatus").orElse("");
    if ("OK".equals(status)) {
      return new Confirmation(true, null);
    }
    return new Confirmation(
        false,
        IsoXml.text(body, "errorData", "errorType").orElse("ERROR")
            + IsoXml.text(body, "errorData", "errorValue").map(v -> ": " + v).orElse(""));
  }
}
