package dk.library.circulation.patron;

import static dk.library.circulation.Rejection.Code.ACCOUNT_RESTRICTED;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import java.time.Instant;
import java.util.Objects;

/**
 * R41's rectification, restriction and objection as pure functions (access and erasure: {@code
 * PrivacyDesk} and {@link ErasureRules}). A restricted account is kept but only stored: it lends,
 * renews and reserves nothing ({@link #restrictionBlock}) and is not deleted as idle, until staff
 * lift the restriction.
 */
public final class RightsRules {

  private RightsRules() {}

  public static Decision<PatronEvent> correct(
      PatronState state, String patronKey, PatronCommand.CorrectDetails cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(PatronRules.notFound(patronKey));
    }
    PatronState.Profile p = state.profile();
    boolean same =
        (cmd.name() == null || cmd.name().equals(p.name()))
            && (cmd.residence() == null || cmd.residence().equals(p.facts().residence()))
            && (cmd.municipality() == null || cmd.municipality().equals(p.facts().municipality()));
    return same
        ? Decision.unchanged()
        : Decision.persist(
            new PatronEvent.DetailsCorrected(
                cmd.name(), cmd.residence(), cmd.municipality(), cmd.correctedBy(), now));
  }

  public static Decision<PatronEvent> restrict(
      PatronState state, String patronKey, PatronCommand.RestrictProcessing cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(PatronRules.notFound(patronKey));
    }
    return state.profile().rights().restriction() != null
        ? Decision.unchanged()
        : Decision.persist(
            new PatronEvent.ProcessingRestricted(
                new DataRights.Restriction(cmd.reason(), cmd.by(), now)));
  }

  public static Decision<PatronEvent> lift(
      PatronState state, String patronKey, PatronCommand.LiftRestriction cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(PatronRules.notFound(patronKey));
    }
    return state.profile().rights().restriction() == null
        ? Decision.unchanged()
        : Decision.persist(new PatronEvent.RestrictionLifted(cmd.by(), now));
  }

  public static Decision<PatronEvent> object(
      PatronState state, String patronKey, PatronCommand.RecordObjection cmd, Instant now) {
    if (!state.registered()) {
      return new Decision.Refuse<>(PatronRules.notFound(patronKey));
    }
    boolean recorded =
        state.profile().rights().objections().stream()
            .anyMatch(o -> Objects.equals(o.objectionId(), cmd.objectionId()));
    return recorded
        ? Decision.unchanged()
        : Decision.persist(
            new PatronEvent.ObjectionRecorded(
                new DataRights.Objection(
                    cmd.objectionId(), cmd.concerning(), cmd.text(), cmd.by(), now)));
  }

  /** Null unless the processing of the patron's data is restricted. */
  static Rejection restrictionBlock(PatronState state) {
    DataRights.Restriction r = state.profile().rights().restriction();
    return r == null
        ? null
        : Rejection.of(
            ACCOUNT_RESTRICTED,
            "the patron restricted the processing of their data on "
                + r.since()
                + " (R41): the account lends, renews and reserves nothing until staff lift the"
                + " restriction");
  }

  static boolean restricted(PatronState state) {
    return state.registered() && state.profile().rights().restriction() != null;
  }
}
