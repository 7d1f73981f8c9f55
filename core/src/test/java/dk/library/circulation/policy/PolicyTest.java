package dk.library.circulation.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Rejection;
import dk.library.circulation.policy.AgencyPolicy.CategoryLimits;
import dk.library.circulation.policy.AgencyPolicy.MaterialRule;
import dk.library.circulation.policy.AgencyPolicy.OverdueRate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  /** Gentofte: 28 days, DVDs 7 days as express loans, reference books not for home loan. */
  static final AgencyPolicy GENTOFTE =
      new AgencyPolicy(
          28,
          2,
          null,
          30,
          10,
          Map.of("child", new CategoryLimits(10, 5)),
          Map.of(
              "book", MaterialRule.standard(),
              "dvd", new MaterialRule(7, true, true, true, false, 250, 100, 50),
              "reference", new MaterialRule(null, false, false, false, false, 0, 0, 0)),
          Map.of("book", new OverdueRate(5, 100)),
          200,
          dk.library.circulation.policy.AgencyPolicy.Eligibility.open());

  EventSourcedBehaviorTestKit<Policy.Command, Policy.Event, Policy.State> policy;

  @BeforeEach
  void setUp() {
    policy =
        EventSourcedBehaviorTestKit.create(testKit.system(), Policy.create("DK-715700", CLOCK));
    policy.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private Policy.Reply change(AgencyPolicy p) {
    return policy.<Policy.Reply>runCommand(r -> new Policy.Change(p, "operator-1", r)).reply();
  }

  @Test
  void R16_theLoanPeriodIsTheItemsElseTheMaterialTypesElseTheAgencys() {
    assertEquals(28, GENTOFTE.loanPeriodFor("book", null));
    assertEquals(7, GENTOFTE.loanPeriodFor("dvd", null));
    assertEquals(14, GENTOFTE.loanPeriodFor("book", 14));
  }

  @Test
  void R21_loanAndReservationLimitsArePerPatronCategory() {
    assertEquals(new CategoryLimits(10, 5), GENTOFTE.limitsFor("child"));
    assertEquals(new CategoryLimits(30, 10), GENTOFTE.limitsFor("adult"));
    assertEquals(new CategoryLimits(30, 10), GENTOFTE.limitsFor(null));
  }

  @Test
  void R30_theOverdueFeeIsPerDayLateUpToTheCap() {
    OverdueRate rate = GENTOFTE.overdueFees().get("book");
    assertEquals(0, rate.feeFor(0));
    assertEquals(15, rate.feeFor(3));
    assertEquals(100, rate.feeFor(60));
  }

  @Test
  void everyChangeIsANewVersionKeptInTheHistory() {
    Policy.Current first = assertInstanceOf(Policy.Current.class, change(GENTOFTE));
    assertEquals(1, first.version().version());
    assertEquals("operator-1", first.version().changedBy());
    AgencyPolicy longer =
        new AgencyPolicy(
            31,
            2,
            null,
            30,
            10,
            GENTOFTE.patronCategories(),
            GENTOFTE.materialTypes(),
            GENTOFTE.overdueFees(),
            200,
            dk.library.circulation.policy.AgencyPolicy.Eligibility.open());
    assertEquals(2, ((Policy.Current) change(longer)).version().version());
    var same = policy.<Policy.Reply>runCommand(r -> new Policy.Change(longer, "operator-2", r));
    assertTrue(same.hasNoEvents(), "the same policy again is not a new version");
    policy.restart();
    assertEquals(2, policy.getState().versions().size());
    assertEquals(GENTOFTE, policy.getState().versions().get(0).policy());
    assertEquals(31, policy.getState().current().policy().loanPeriodDays());
  }

  @Test
  void anInvalidPolicyIsRefusedWithEveryProblemAndChangesNothing() {
    AgencyPolicy bad =
        new AgencyPolicy(
            -1,
            -2,
            null,
            30,
            10,
            Map.of(),
            Map.of("book", MaterialRule.standard()),
            Map.of("vinyl", new OverdueRate(5, 50)),
            200,
            dk.library.circulation.policy.AgencyPolicy.Eligibility.open());
    var reply = policy.<Policy.Reply>runCommand(r -> new Policy.Change(bad, "operator-1", r));
    Rejection rejection = assertInstanceOf(Policy.Rejected.class, reply.reply()).rejection();
    assertEquals(Rejection.Code.INVALID_POLICY, rejection.code());
    assertTrue(rejection.message().contains("loanPeriodDays"), rejection.message());
    assertTrue(rejection.message().contains("maxRenewals"), rejection.message());
    assertTrue(rejection.message().contains("unknown material type"), rejection.message());
    assertTrue(reply.hasNoEvents());
  }

  @Test
  void R19_unlimitedRenewalsNeedAMaximumTotalLoanPeriod() {
    AgencyPolicy unbounded =
        new AgencyPolicy(
            30,
            null,
            null,
            30,
            10,
            Map.of(),
            Map.of("book", MaterialRule.standard()),
            Map.of(),
            200,
            dk.library.circulation.policy.AgencyPolicy.Eligibility.open());
    assertTrue(String.join(" ", unbounded.problems()).contains("maxTotalLoanDays"));
    AgencyPolicy royalLibrary =
        new AgencyPolicy(
            30,
            null,
            183,
            30,
            10,
            Map.of(),
            Map.of("book", MaterialRule.standard()),
            Map.of(),
            200,
            dk.library.circulation.policy.AgencyPolicy.Eligibility.open());
    assertTrue(royalLibrary.problems().isEmpty(), royalLibrary.problems().toString());
  }

  @Test
  void R31_aLostCopyCostsItsReplacementLicenceAndAdministration() {
    assertEquals(400, GENTOFTE.material("dvd").lostOrDamagedChargeDkk());
    assertEquals(0, GENTOFTE.material("book").lostOrDamagedChargeDkk());
  }
}
