package dk.library.circulation.patron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.policy.AgencyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** R38 as rules, with the agencies' own terms: 12 months [002], 24 [004], 36 [003]. */
class InactivityRulesTest {

  static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");
  static final Instant REGISTERED = Instant.parse("2026-01-15T10:00:00Z");

  static PatronState registered(int months) {
    return PatronState.empty()
        .apply(
            new PatronEvent.Registered(
                "C1",
                PinHash.of("1234", 1000),
                "Herman Bang",
                "hb@example.dk",
                null,
                "A1",
                null,
                PatronFacts.inPerson("staff-1", REGISTERED),
                REGISTERED,
                true,
                List.of(),
                new AgencyPolicy.Retention(30, months, 30)));
  }

  static Instant monthsLater(Instant from, int months) {
    return from.atOffset(ZoneOffset.UTC).plusMonths(months).toInstant();
  }

  static PatronState fold(PatronState state, List<PatronEvent> events) {
    return PatronRules.fold(state, events);
  }

  @Test
  void R38_theNoticeComesOneMonthBeforeAndTheIdleAccountGoesAtTheEndOfItsMonths() {
    for (int months : List.of(12, 24, 36)) {
      PatronState state = registered(months);
      Instant deletion = monthsLater(REGISTERED, months);
      Instant notice = deletion.minus(Duration.ofDays(30));
      assertEquals(Optional.of(notice), InactivityRules.next(state), months + " months");
      assertTrue(InactivityRules.remind(state, notice.minusSeconds(1), ZONE).isEmpty());

      List<PatronEvent> told = InactivityRules.remind(state, notice, ZONE);
      PatronEvent.NoticeRecorded recorded =
          assertInstanceOf(PatronEvent.NoticeRecorded.class, told.get(0));
      assertEquals(InactivityRules.NOTICE_TEMPLATE, recorded.notice().templateKey());
      assertEquals(
          deletion.atZone(ZONE).toLocalDate().toString(),
          recorded.notice().data().get("deletedOn"));
      PatronState noticed = fold(state, told);
      assertEquals(Optional.of(deletion), InactivityRules.next(noticed));
      assertTrue(InactivityRules.deletion(noticed, "C1", deletion.minusSeconds(1)).isEmpty());
      assertEquals(
          List.of("C1"),
          InactivityRules.deletion(noticed, "C1", deletion).orElseThrow().erasure().cardIds());
    }
  }

  @Test
  void R38_anythingThePatronDoesStartsTheCountAgain() {
    PatronState state = registered(24);
    Instant notice = InactivityRules.next(state).orElseThrow();
    PatronState noticed = fold(state, InactivityRules.remind(state, notice, ZONE));
    Instant login = notice.plus(Duration.ofDays(3));

    PatronState active = noticed.apply(new PatronEvent.Active(login));

    assertEquals(
        Optional.of(monthsLater(login, 24).minus(Duration.ofDays(30))),
        InactivityRules.next(active));
    assertTrue(InactivityRules.deletion(active, "C1", monthsLater(REGISTERED, 24)).isEmpty());
  }

  @Test
  void R38_aNoticeSentLateStillGivesThePatronTheWholeMonth() {
    PatronState state = registered(12);
    Instant late = monthsLater(REGISTERED, 12).plus(Duration.ofDays(5));
    PatronState noticed = fold(state, InactivityRules.remind(state, late, ZONE));

    assertEquals(Optional.of(late.plus(Duration.ofDays(30))), InactivityRules.next(noticed));
    assertTrue(InactivityRules.deletion(noticed, "C1", late.plus(Duration.ofDays(29))).isEmpty());
  }

  @Test
  void R38_anIdleAccountWithDebtIsFlaggedForStaffNotDeleted() {
    PatronState state =
        registered(12)
            .apply(
                new PatronEvent.FeeCharged(
                    new Fees.Fee("f1", Fees.Kind.MANUAL, 60, null, "lost card", REGISTERED), 200));
    Instant notice = InactivityRules.next(state).orElseThrow();
    PatronState noticed = fold(state, InactivityRules.remind(state, notice, ZONE));
    Instant deletion = InactivityRules.next(noticed).orElseThrow();

    assertTrue(InactivityRules.deletion(noticed, "C1", deletion).isEmpty());
    List<PatronEvent> flagged = InactivityRules.remind(noticed, deletion, ZONE);
    assertInstanceOf(PatronEvent.FlaggedInactive.class, flagged.get(0));
    PatronState after = fold(noticed, flagged);
    assertEquals(deletion, after.history().activity().flaggedAt());
    assertEquals(Optional.empty(), InactivityRules.next(after), "staff decide from here");
  }
}
