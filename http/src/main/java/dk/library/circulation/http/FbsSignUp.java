package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.REGISTER_ON_WEB;

import com.fasterxml.jackson.databind.JsonNode;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.card.PersonRegistry;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.PatronRegistration;
import dk.library.circulation.fbs.FbsIds;
import dk.library.circulation.fbs.FbsShapes.AuthenticatedPatronV10;
import dk.library.circulation.fbs.FbsShapes.PatronV9;
import dk.library.circulation.patron.PatronFacts;
import dk.library.circulation.patron.PatronReply;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Signing up on a library website (R1: on the web with a digital signature): the website's back end
 * sends the CPR number the signature proved, the person registry gives name, birth date and
 * municipality (R3: the CPR number is the card number), and the patron chooses a PIN (R4). A minor
 * signs up with a guardian, whose consent is recorded at once (R6).
 */
final class FbsSignUp extends FbsAnswers {

  private final FbsPatrons patrons;
  private final PersonRegistry people;

  FbsSignUp(
      CirculationDesk desk,
      AccessControl access,
      ApiMetrics metrics,
      FbsPatrons patrons,
      PersonRegistry people) {
    super(desk, access, metrics);
    this.patrons = patrons;
    this.people = people;
  }

  /** CreatePatronRequestV7; answers AuthenticatedPatronV10. */
  CompletionStage<HttpResponse> create(Call call, String agencyId, JsonNode body) {
    if (body == null || !body.isObject()) {
      return invalid("the body must be an object (CreatePatronRequestV7)");
    }
    Optional<String> unknown =
        unknownField(body, Set.of("personIdentifier", "pincode", "patron", "blockStatusRequest"));
    if (unknown.isPresent()) {
      return invalid(unknown.get() + ": not a field of CreatePatronRequestV7");
    }
    if (body.has("blockStatusRequest")) {
      return invalid(
          "blockStatusRequest: a patron signing up is not blocked here; staff suspend (R46)");
    }
    String cpr = body.path("personIdentifier").asText("");
    String pin = body.path("pincode").asText("");
    Settings settings;
    try {
      settings = settings(body.path("patron"));
    } catch (BadField bad) {
      return invalid(bad.getMessage());
    }
    if (!Forms.CPR.matcher(cpr).matches()) {
      return invalid("personIdentifier: must be " + Forms.CPR_TEXT);
    }
    if (!Forms.PIN.matcher(pin).matches()) {
      return invalid("pincode: must be " + Forms.PIN_TEXT);
    }
    return register(call, agencyId, cpr, pin, settings, null)
        .thenCompose(
            registered -> {
              if (!(registered instanceof Result.Ok<PatronReply.Status> ok)) {
                return CompletableFuture.completedFuture(notRegistered(registered));
              }
              return patrons
                  .fbsPatron(cpr, ok.value())
                  .thenApply(
                      p ->
                          jsonResponse(
                              StatusCodes.OK, new AuthenticatedPatronV10("VALID", PatronV9.of(p))));
            });
  }

  /** PatronWithGuardianRequest; answers the new patron's id. */
  CompletionStage<HttpResponse> createWithGuardian(Call call, String agencyId, JsonNode body) {
    if (body == null || !body.isObject()) {
      return invalid("the body must be an object (PatronWithGuardianRequest)");
    }
    Optional<String> unknown =
        unknownField(
            body,
            Set.of(
                "cprNumber",
                "pincode",
                "preferredPickupBranch",
                "name",
                "guardian",
                "email",
                "phoneNumber",
                "address"));
    if (unknown.isPresent()) {
      return invalid(unknown.get() + ": not a field of PatronWithGuardianRequest");
    }
    String cpr = body.path("cprNumber").asText("");
    String pin = body.path("pincode").asText("");
    String email = body.path("email").asText(null);
    String phone = body.path("phoneNumber").asText(null);
    if (!Forms.CPR.matcher(cpr).matches()) {
      return invalid("cprNumber: must be " + Forms.CPR_TEXT);
    }
    if (!Forms.PIN.matcher(pin).matches()) {
      return invalid("pincode: must be " + Forms.PIN_TEXT);
    }
    if (email != null && !Forms.EMAIL.matcher(email).matches()) {
      return invalid("email: must be " + Forms.EMAIL_TEXT);
    }
    if (phone != null && !Forms.MOBILE.matcher(phone).matches()) {
      return invalid("phoneNumber: must be " + Forms.MOBILE_TEXT);
    }
    String guardian;
    try {
      guardian = guardian(body.path("guardian"), cpr);
    } catch (BadField bad) {
      return invalid(bad.getMessage());
    }
    Settings settings = new Settings(email, phone, email != null ? "email" : null);
    return register(call, agencyId, cpr, pin, settings, guardian)
        .thenApply(
            registered ->
                registered instanceof Result.Ok<PatronReply.Status>
                    ? jsonResponse(StatusCodes.OK, FbsIds.patron(cpr))
                    : notRegistered(registered));
  }

  /** UpdateGuardianRequest: a guardian's consent for a patron already registered (R6). */
  CompletionStage<HttpResponse> updateGuardian(Call call, JsonNode body) {
    if (body == null || !body.isObject()) {
      return invalid("the body must be an object (UpdateGuardianRequest)");
    }
    Optional<String> unknown = unknownField(body, Set.of("cprNumber", "patronId", "guardian"));
    if (unknown.isPresent()) {
      return invalid(unknown.get() + ": not a field of UpdateGuardianRequest");
    }
    String cpr = body.path("cprNumber").asText("");
    if (!Forms.CPR.matcher(cpr).matches()) {
      return invalid(
          "cprNumber: must be " + Forms.CPR_TEXT + " (the core finds patrons by it, not by id)");
    }
    String guardian;
    try {
      guardian = guardian(body.path("guardian"), cpr);
    } catch (BadField bad) {
      return invalid(bad.getMessage());
    }
    return desk.homeAgencyOfCard(cpr)
        .thenCompose(
            home -> {
              if (home.isEmpty() || !REGISTER_ON_WEB.permits(call.caller(), home.get())) {
                return CompletableFuture.completedFuture(
                    answer(
                        Result.refused(
                            Rejection.of(
                                Rejection.Code.PATRON_NOT_FOUND,
                                "no patron with this CPR number at this website's libraries")),
                        StatusCodes.OK));
              }
              return desk.patrons()
                  .recordGuardianConsent(cpr, guardian, by(call))
                  .thenApply(
                      r ->
                          r instanceof Result.Ok<PatronReply.Status>
                              ? jsonResponse(StatusCodes.OK, FbsIds.patron(cpr))
                              : answer(r, StatusCodes.OK));
            });
  }

  /** The guardian's name, after the contract's checks: a valid email, not the patron's CPR. */
  private static String guardian(JsonNode guardian, String patronCpr) throws BadField {
    if (!guardian.isObject()) {
      throw new BadField("guardian: an object with cprNumber, name and email");
    }
    Optional<String> unknown =
        unknownField(
            guardian, Set.of("cprNumber", "name", "email", "address", "mobilePhoneNumber"));
    if (unknown.isPresent()) {
      throw new BadField("guardian." + unknown.get() + ": not a field of Guardian");
    }
    String cpr = guardian.path("cprNumber").asText("");
    String name = guardian.path("name").asText("");
    if (!Forms.CPR.matcher(cpr).matches()) {
      throw new BadField("guardian.cprNumber: must be " + Forms.CPR_TEXT);
    }
    if (cpr.equals(patronCpr)) {
      throw new BadField("guardian.cprNumber: a patron cannot be their own guardian");
    }
    if (!Forms.NAME.matcher(name).matches()) {
      throw new BadField("guardian.name: must be " + Forms.NAME_TEXT);
    }
    if (!Forms.EMAIL.matcher(guardian.path("email").asText("")).matches()) {
      throw new BadField("guardian.email: must be " + Forms.EMAIL_TEXT);
    }
    return name;
  }

  /**
   * The person registry first: a CPR number it does not know (or may not tell) registers nobody,
   * the contract's 404. Then the registration rules of the agency (R6, R10), the card number
   * claimed (R3, R12), and a guardian's consent when one signed up with the minor.
   */
  private CompletionStage<Result<PatronReply.Status>> register(
      Call call, String agencyId, String cpr, String pin, Settings settings, String guardian) {
    Optional<PersonRegistry.Person> person = people.lookUp(cpr);
    if (person.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Instant now = desk.now();
    PatronFacts facts =
        new PatronFacts(
            "web",
            "cpr",
            new PatronFacts.Verification("digital-signature", by(call), now),
            person.get().birthDate(),
            "DK",
            person.get().municipality(),
            true,
            List.of(),
            null,
            settings.channel());
    PatronRegistration registration =
        new PatronRegistration(
            cpr,
            pin,
            null,
            person.get().name(),
            settings.email(),
            settings.mobile(),
            agencyId,
            null,
            facts,
            cpr);
    CompletionStage<Result<PatronReply.Status>> registered =
        desk.patrons().registerPatron(registration);
    return guardian == null
        ? registered
        : registered.thenCompose(
            r ->
                r instanceof Result.Ok<PatronReply.Status>
                    ? desk.patrons().recordGuardianConsent(cpr, guardian, by(call))
                    : CompletableFuture.completedFuture(r));
  }

  private HttpResponse notRegistered(Result<PatronReply.Status> result) {
    if (result == null) {
      return problem(
          Problem.of(
              StatusCodes.NOT_FOUND,
              "PERSON_NOT_IN_REGISTRY",
              "the person registry does not know this CPR number or may not tell; the patron"
                  + " registers at a library desk"));
    }
    return answer(result, StatusCodes.OK);
  }

  private static String by(Call call) {
    return "website " + call.caller().clientId();
  }
}
