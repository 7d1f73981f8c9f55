package dk.library.circulation.http;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.HoldDesk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * What the FBS answer classes share: the desk, and refusing a body clearly. The contract gives
 * error bodies no schema, so refusals are this core's problem documents.
 */
abstract class FbsAnswers extends ApiDirectives {

  final CirculationDesk desk;
  final HoldDesk holds;

  FbsAnswers(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.desk = desk;
    this.holds = desk.holds();
  }

  CompletionStage<HttpResponse> invalid(String detail) {
    return CompletableFuture.completedFuture(
        problem(Problem.of(StatusCodes.BAD_REQUEST, "INVALID_REQUEST", detail)));
  }

  /** A body field outside {@code known}: refused, so a misspelt field is never ignored. */
  static Optional<String> unknownField(JsonNode object, Set<String> known) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names.stream().filter(n -> !known.contains(n)).findFirst();
  }

  /** Contact data and notice channel (R5, R43) from a PatronSettingsV6. */
  record Settings(String email, String mobile, String channel) {}

  /** A field that cannot be used; the message is the problem's detail. */
  static final class BadField extends Exception {
    BadField(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The first email address marked for notifications (else the first given) becomes the email,
   * likewise the first phone number the mobile number; the channel is the one marked, else post
   * when asked for, else the default. Fields the core does not model are accepted and not kept.
   */
  static Settings settings(JsonNode settings) throws BadField {
    if (!settings.isObject()) {
      throw new BadField("patron: must be an object (PatronSettingsV6)");
    }
    Optional<String> unknown = unknownField(settings, PATRON_SETTINGS);
    if (unknown.isPresent()) {
      throw new BadField("patron." + unknown.get() + ": not a field of PatronSettingsV6");
    }
    Contact mail = firstContact(settings.path("emailAddresses"), "emailAddress");
    Contact phone = firstContact(settings.path("phoneNumbers"), "phoneNumber");
    if (mail != null && !Forms.EMAIL.matcher(mail.value()).matches()) {
      throw new BadField("patron.emailAddresses: must be " + Forms.EMAIL_TEXT);
    }
    if (phone != null && !Forms.MOBILE.matcher(phone.value()).matches()) {
      throw new BadField("patron.phoneNumbers: must be " + Forms.MOBILE_TEXT);
    }
    String channel =
        mail != null && mail.receiveNotification()
            ? "email"
            : phone != null && phone.receiveNotification()
                ? "sms"
                : settings.path("receivePostalMail").asBoolean(false) ? "post" : null;
    return new Settings(
        mail == null ? null : mail.value(), phone == null ? null : phone.value(), channel);
  }

  /** Fields of PatronSettingsV6; those the core does not model are accepted and not kept. */
  static final Set<String> PATRON_SETTINGS =
      Set.of(
          "preferredPickupBranch",
          "guardianVisibility",
          "receivePostalMail",
          "emailAddresses",
          "phoneNumbers",
          "notificationProtocols",
          "preferredLanguage",
          "interests",
          "onHold");

  private record Contact(String value, boolean receiveNotification) {}

  /** The first entry marked for notifications, else the first; null when there is none. */
  private static Contact firstContact(JsonNode list, String field) {
    Contact first = null;
    for (JsonNode entry : list) {
      Contact c =
          new Contact(entry.path(field).asText(""), entry.path("receiveNotification").asBoolean());
      if (c.receiveNotification()) {
        return c;
      }
      first = first == null ? c : first;
    }
    return first;
  }
}
