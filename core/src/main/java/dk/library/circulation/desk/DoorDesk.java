package dk.library.circulation.desk;

import static dk.library.circulation.desk.CirculationDesk.done;
import static dk.library.circulation.desk.CirculationDesk.whenOk;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.openlibrary.AccessSignUps;
import dk.library.circulation.openlibrary.DoorRules;
import dk.library.circulation.openlibrary.Visit;
import dk.library.circulation.openlibrary.VisitLog;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The open library (R45): a door controller sends card and PIN, the door opens or stays shut by the
 * agency's policy, and each entry is recorded for {@link #VISIT_RETENTION} and then removed. See
 * docs/architecture.md, "Open library".
 */
public final class DoorDesk {

  /** R40: out-of-hours visits are kept 30 days. */
  public static final Duration VISIT_RETENTION = Duration.ofDays(30);

  private final CirculationDesk desk;

  DoorDesk(CirculationDesk desk) {
    this.desk = desk;
  }

  /**
   * In order: the branch and the agency's open library, its hours (the door stays shut whoever
   * comes, and no patron is asked); the card and PIN with the patron's sign-ups, asked at once; the
   * patron's admission (R45 age, R8 residency, R32/R46 blocks, sign-up); the day's expiry deadline
   * indexed before the visit is recorded, so no visit outlives it.
   */
  public CompletionStage<Result<Visit>> enter(
      String agencyId, String branchId, String cardNumber, String pin, String doorClientId) {
    return whenOk(
        desk.branch(agencyId, branchId),
        agency ->
            whenOk(
                desk.policy(agencyId),
                version -> {
                  AgencyPolicy policy = version.policy();
                  ZonedDateTime now =
                      desk.settings().clock().instant().atZone(desk.settings().zone());
                  Rejection shut =
                      DoorRules.doorRefusal(policy.openLibrary(), branchId, now.toLocalTime());
                  if (shut != null) {
                    return done(shut);
                  }
                  return desk.withPatronKey(
                      cardNumber,
                      key -> {
                        CompletionStage<Map<String, AccessSignUps.SignUp>> signUps =
                            signUpAsk(key, AccessSignUps.Get::new);
                        return whenOk(
                            desk.<PatronCommand, PatronReply>ask(
                                    desk.patronRef(key),
                                    r -> new PatronCommand.CheckPin(pin, true, r))
                                .thenApply(CirculationDesk::patronStatus),
                            status ->
                                signUps.thenCompose(
                                    agencies -> {
                                      Rejection refused =
                                          DoorRules.patronRefusal(
                                              policy.openLibrary(),
                                              policy.eligibility().municipality(),
                                              status.facts(),
                                              status.blocks(),
                                              agencies.containsKey(agencyId),
                                              now.toLocalDate());
                                      return refused != null
                                          ? done(refused)
                                          : record(agencyId, branchId, key, doorClientId, now);
                                    }));
                      });
                }));
  }

  /**
   * The visit names the patron by key (the card number registered with, a keyed hash for a CPR
   * card: R3), so an access request or a deletion finds every visit under one name (R39, R41).
   */
  private CompletionStage<Result<Visit>> record(
      String agencyId, String branchId, String patronKey, String doorClientId, ZonedDateTime now) {
    LocalDate day = now.toLocalDate();
    Instant expires =
        day.plusDays(1).atStartOfDay(desk.settings().zone()).toInstant().plus(VISIT_RETENTION);
    Visit visit =
        new Visit(
            agencyId,
            branchId,
            day,
            now.toInstant(),
            UUID.randomUUID().toString(),
            patronKey,
            doorClientId,
            expires);
    return desk.settings()
        .deadlines()
        .schedule(
            new DeadlineIndex.Deadline(VisitLog.deadlineTarget(agencyId, branchId, day), expires))
        .thenCompose(indexed -> desk.settings().visits().record(visit))
        .thenApply(recorded -> Result.ok(visit));
  }

  /** A branch's visits on one day, while they are kept. */
  public CompletionStage<Result<List<Visit>>> visits(
      String agencyId, String branchId, LocalDate day) {
    return whenOk(
        desk.branch(agencyId, branchId),
        agency -> desk.settings().visits().visits(agencyId, branchId, day).thenApply(Result::ok));
  }

  /** R45: the patron signs up for an agency's open library (on the web or at the desk). */
  public CompletionStage<Result<Map<String, AccessSignUps.SignUp>>> signUp(
      String cardNumber, String agencyId, String recordedBy) {
    return whenOk(
        desk.agency(agencyId),
        agency ->
            ofRegisteredPatron(
                cardNumber,
                key -> signUpAsk(key, r -> new AccessSignUps.SignUpFor(agencyId, recordedBy, r))));
  }

  public CompletionStage<Result<Map<String, AccessSignUps.SignUp>>> withdraw(
      String cardNumber, String agencyId) {
    return ofRegisteredPatron(
        cardNumber, key -> signUpAsk(key, r -> new AccessSignUps.Withdraw(agencyId, r)));
  }

  /** Sign-ups are kept only for a registered patron: an unknown card is refused as such. */
  private CompletionStage<Result<Map<String, AccessSignUps.SignUp>>> ofRegisteredPatron(
      String cardNumber,
      Function<String, CompletionStage<Map<String, AccessSignUps.SignUp>>> change) {
    return desk.withPatronKey(
        cardNumber,
        key ->
            whenOk(
                desk.<PatronCommand, PatronReply>ask(
                        desk.patronRef(key), PatronCommand.GetStatus::new)
                    .thenApply(CirculationDesk::patronStatus),
                status -> change.apply(key).thenApply(Result::ok)));
  }

  /** The expiry deadline of a branch's day: its visits are removed. */
  CompletionStage<Done> wake(String target) {
    String[] parts = target.substring(VisitLog.DEADLINE_PREFIX.length()).split("~");
    return desk.settings().visits().forget(parts[0], parts[1], LocalDate.parse(parts[2]));
  }

  static boolean isTarget(String target) {
    return target.startsWith(VisitLog.DEADLINE_PREFIX);
  }

  private CompletionStage<Map<String, AccessSignUps.SignUp>> signUpAsk(
      String key, Function<ActorRef<AccessSignUps.Reply>, AccessSignUps.Command> command) {
    EntityRef<AccessSignUps.Command> ref =
        desk.sharding().entityRefFor(AccessSignUps.ENTITY_TYPE_KEY, key);
    return desk.<AccessSignUps.Command, AccessSignUps.Reply>ask(ref, command::apply)
        .thenApply(reply -> ((AccessSignUps.SignUps) reply).agencies());
  }
}
