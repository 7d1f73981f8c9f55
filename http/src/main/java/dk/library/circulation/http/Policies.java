package dk.library.circulation.http;

import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.AgencyPolicy.CategoryLimits;
import dk.library.circulation.policy.AgencyPolicy.Eligibility;
import dk.library.circulation.policy.AgencyPolicy.Exclusion;
import dk.library.circulation.policy.AgencyPolicy.MaterialRule;
import dk.library.circulation.policy.AgencyPolicy.OpenLibrary;
import dk.library.circulation.policy.AgencyPolicy.OverdueNotice;
import dk.library.circulation.policy.AgencyPolicy.OverdueRate;
import dk.library.circulation.policy.AgencyPolicy.Reminders;
import dk.library.circulation.policy.AgencyPolicy.Retention;
import java.time.LocalTime;
import java.util.Map;

/** Reads an agency policy from a request body; the policy itself checks what spans fields. */
final class Policies {

  private static final String NAME_TEXT = "1-40 lower-case letters, digits or '-'";

  private Policies() {}

  private static Eligibility eligibility(RequestBody e) {
    return new Eligibility(
        e.optionalInteger("minimumAge", 0, 120, 0),
        e.optionalTextList("residence", Forms.COUNTRY, Forms.COUNTRY_TEXT, 50),
        e.optionalTextList("affiliations", AgencyPolicy.NAME, NAME_TEXT, 100),
        e.optionalText("municipality", Forms.MUNICIPALITY, Forms.MUNICIPALITY_TEXT),
        e.optionalTextList("residentsOnly", AgencyPolicy.NAME, NAME_TEXT, 200),
        e.optionalInteger("restrictedMaxLoans", 0, 10_000, 3),
        e.optionalBoolean("depositFromNonResidents", false));
  }

  /** R45: times that fail their form are reported and stand in as midnight. */
  private static OpenLibrary openLibrary(RequestBody o) {
    LocalTime opens = Times.time(o, "opens");
    LocalTime closes = Times.time(o, "closes");
    return new OpenLibrary(
        o.optionalTextList("branches", Forms.BRANCH_ID, Forms.BRANCH_ID_TEXT, 200),
        opens == null ? LocalTime.MIDNIGHT : opens,
        closes == null ? LocalTime.MIDNIGHT : closes,
        o.optionalInteger("minimumAge", 0, 120, 0),
        o.optionalBoolean("residentsOnly", false),
        o.optionalBoolean("signUpRequired", true),
        o.optionalBoolean("refuseBlocked", true));
  }

  /** R30, R31, R37: the notices after a due date, in the policy's own checks' order. */
  private static Reminders reminders(RequestBody r) {
    return new Reminders(
        r.optionalNullableInteger("dueSoonDays", 1, 60),
        r.optionalObjects(
            "overdueNotices",
            10,
            n ->
                new OverdueNotice(
                    n.integer("afterDays", 1, 3 * AgencyPolicy.MAX_LOAN_PERIOD_DAYS),
                    n.optionalInteger("feeDkk", 0, 100_000, 0))),
        r.optionalNullableInteger("lostAfterDays", 1, 4 * AgencyPolicy.MAX_LOAN_PERIOD_DAYS),
        r.optionalBoolean("reverseChargeWhenFound", true),
        r.optionalNullableInteger(
            "debtCollectionAfterDays", 1, 5 * AgencyPolicy.MAX_LOAN_PERIOD_DAYS),
        r.optionalInteger("debtCollectionMinimumDkk", 0, 1_000_000, 0));
  }

  /** R33, R34. */
  private static Exclusion exclusion(RequestBody e) {
    return new Exclusion(
        e.optionalInteger("afterLostLoans", 0, 100, 0),
        e.optionalInteger("afterDamagedReturns", 0, 100, 0));
  }

  /** R40, R38. */
  private static Retention retention(RequestBody r) {
    return new Retention(
        r.optionalInteger(
            "returnedLoansDays", 1, Retention.MAX_DAYS, Retention.DEFAULT.returnedLoansDays()),
        r.optionalInteger(
            "inactiveAccountMonths",
            Retention.MIN_INACTIVE_MONTHS,
            Retention.MAX_INACTIVE_MONTHS,
            Retention.DEFAULT.inactiveAccountMonths()),
        r.optionalInteger(
            "inactivityNoticeDays",
            1,
            Retention.MAX_NOTICE_DAYS,
            Retention.DEFAULT.inactivityNoticeDays()),
        r.optionalInteger("paidFeesDays", 1, Retention.MAX_DAYS, Retention.DEFAULT.paidFeesDays()),
        r.optionalInteger(
            "paidCompensationDays",
            1,
            Retention.MAX_COMPENSATION_DAYS,
            Retention.DEFAULT.paidCompensationDays()),
        r.optionalInteger(
            "paymentRecordYears",
            1,
            Retention.MAX_PAYMENT_RECORD_YEARS,
            Retention.DEFAULT.paymentRecordYears()));
  }

  /** Everything but {@code loanPeriodDays} is optional; see docs/api.md for the defaults. */
  static AgencyPolicy read(RequestBody p) {
    int loanPeriodDays = p.integer("loanPeriodDays", 1, AgencyPolicy.MAX_LOAN_PERIOD_DAYS);
    Integer maxTotalLoanDays = p.optionalNullableInteger("maxTotalLoanDays", 1, 3660);
    Integer maxRenewals = p.optionalNullableInteger("maxRenewals", 0, 10_000);
    if (maxRenewals == null && maxTotalLoanDays == null) {
      maxRenewals = 2;
    }
    AgencyPolicy policy =
        new AgencyPolicy(
            loanPeriodDays,
            maxRenewals,
            maxTotalLoanDays,
            p.optionalInteger("maxLoans", 0, 10_000, 30),
            p.optionalInteger("maxReservations", 0, 10_000, 10),
            p.optionalObjectMap(
                "patronCategories",
                AgencyPolicy.NAME,
                NAME_TEXT,
                50,
                Map.of(),
                c ->
                    new CategoryLimits(
                        c.integer("maxLoans", 0, 10_000), c.integer("maxReservations", 0, 10_000))),
            p.optionalObjectMap(
                "materialTypes",
                AgencyPolicy.NAME,
                NAME_TEXT,
                200,
                Map.of("book", MaterialRule.standard()),
                m ->
                    new MaterialRule(
                        m.optionalNullableInteger(
                            "loanPeriodDays", 1, AgencyPolicy.MAX_LOAN_PERIOD_DAYS),
                        m.optionalBoolean("express", false),
                        m.optionalBoolean("homeLoan", true),
                        m.optionalBoolean("reservable", true),
                        m.optionalBoolean("interlibraryLoan", true),
                        m.optionalInteger("valueDkk", 0, 1_000_000, 0),
                        m.optionalInteger("licenceDkk", 0, 1_000_000, 0),
                        m.optionalInteger("adminFeeDkk", 0, 100_000, 0),
                        m.optionalBoolean("noProxyPickup", false))),
            p.optionalObjectMap(
                "overdueFees",
                AgencyPolicy.NAME,
                NAME_TEXT,
                200,
                Map.of(),
                f ->
                    new OverdueRate(
                        f.integer("perDayDkk", 0, 10_000), f.integer("capDkk", 0, 1_000_000))),
            p.optionalInteger(
                "feeBlockThresholdDkk", 1, 1_000_000, AgencyPolicy.DEFAULT_FEE_BLOCK_THRESHOLD_DKK),
            p.optionalObject("eligibility", Eligibility.open(), Policies::eligibility),
            p.optionalInteger("pickupDays", 1, 60, AgencyPolicy.DEFAULT_PICKUP_DAYS),
            p.optionalBoolean("itemLevelHolds", false),
            p.optionalObject("openLibrary", null, Policies::openLibrary),
            p.optionalObject("reminders", null, Policies::reminders),
            p.optionalObject("exclusion", null, Policies::exclusion),
            p.optionalObject("retention", null, Policies::retention));
    if (!p.hasErrors()) {
      policy.problems().forEach(p::objectError);
    }
    return policy;
  }
}
