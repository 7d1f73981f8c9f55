package dk.library.circulation.policy;

import dk.library.circulation.CborSerializable;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One agency's circulation policy: the data every rule that differs between libraries reads. A
 * change is a new version ({@link Policy}); loans keep the terms they were given.
 *
 * @param loanPeriodDays R16: the agency's loan period, unless the material type or item says
 *     otherwise
 * @param maxRenewals R19: renewals per loan; null means no count limit (then {@code
 *     maxTotalLoanDays} must be set, as at the Royal Danish Library)
 * @param maxTotalLoanDays R19: the longest a loan may run from checkout, renewals included; null
 *     means no such cap
 * @param maxLoans R21: loans per patron for categories not listed in {@code patronCategories}
 * @param maxReservations R21: reservations per patron for categories not listed
 * @param patronCategories R21: limits per patron category (e.g. child, adult, institution)
 * @param materialTypes R16, R20, R23: the material types the agency lends and how
 * @param overdueFees R30: the rate table, per material type; a type without a rate has no fee
 * @param feeBlockThresholdDkk R32: owing this much or more blocks borrowing and renewing
 * @param eligibility R6, R7, R8, R10: who may register, and who borrows with restrictions
 * @param pickupDays R26: days a patron has to collect a copy held for them; null means {@value
 *     #DEFAULT_PICKUP_DAYS}
 * @param itemLevelHolds whether a patron may reserve one particular copy instead of the title
 * @param openLibrary R45: who the card lets into which branches outside staffed hours; null: the
 *     agency offers no open library
 * @param reminders R30, R31, R37: the notices that follow a due date and when a copy is lost; null:
 *     none
 * @param exclusion R33, R34: what excludes a patron from borrowing; null: the agency excludes no
 *     one automatically
 * @param retention R40: how long personal data is kept; null (policies written before it): {@link
 *     Retention#DEFAULT}
 */
public record AgencyPolicy(
    int loanPeriodDays,
    Integer maxRenewals,
    Integer maxTotalLoanDays,
    int maxLoans,
    int maxReservations,
    Map<String, CategoryLimits> patronCategories,
    Map<String, MaterialRule> materialTypes,
    Map<String, OverdueRate> overdueFees,
    int feeBlockThresholdDkk,
    Eligibility eligibility,
    Integer pickupDays,
    boolean itemLevelHolds,
    OpenLibrary openLibrary,
    Reminders reminders,
    Exclusion exclusion,
    Retention retention)
    implements CborSerializable {

  /** A policy with the default retention (R40). */
  public AgencyPolicy(
      int loanPeriodDays,
      Integer maxRenewals,
      Integer maxTotalLoanDays,
      int maxLoans,
      int maxReservations,
      Map<String, CategoryLimits> patronCategories,
      Map<String, MaterialRule> materialTypes,
      Map<String, OverdueRate> overdueFees,
      int feeBlockThresholdDkk,
      Eligibility eligibility,
      Integer pickupDays,
      boolean itemLevelHolds,
      OpenLibrary openLibrary,
      Reminders reminders,
      Exclusion exclusion) {
    this(
        loanPeriodDays,
        maxRenewals,
        maxTotalLoanDays,
        maxLoans,
        maxReservations,
        patronCategories,
        materialTypes,
        overdueFees,
        feeBlockThresholdDkk,
        eligibility,
        pickupDays,
        itemLevelHolds,
        openLibrary,
        reminders,
        exclusion,
        null);
  }

  public static final int MAX_LOAN_PERIOD_DAYS = 366;
  public static final int DEFAULT_FEE_BLOCK_THRESHOLD_DKK = 200;
  public static final int DEFAULT_PICKUP_DAYS = 7;
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

  /** R21: loan and reservation limits of one patron category. */
  public record CategoryLimits(int maxLoans, int maxReservations) implements CborSerializable {}

  /**
   * How one material type circulates. {@code loanPeriodDays} null: the agency's period. {@code
   * express}: a short loan that cannot be renewed (R20). {@code homeLoan}, {@code reservable},
   * {@code interlibraryLoan}: R23. {@code valueDkk}: what a copy is worth, the most a deposit for
   * it may be (R7) and its replacement cost (R31); {@code licenceDkk}: the licence cost of an
   * audiovisual copy, and {@code adminFeeDkk} the administration fee, both added when a copy is
   * lost or damaged (R31). {@code noProxyPickup}: a copy held for a patron may be collected only by
   * that patron, never by a proxy (R28, e.g. reading-room material).
   */
  public record MaterialRule(
      Integer loanPeriodDays,
      boolean express,
      boolean homeLoan,
      boolean reservable,
      boolean interlibraryLoan,
      int valueDkk,
      int licenceDkk,
      int adminFeeDkk,
      boolean noProxyPickup)
      implements CborSerializable {

    public MaterialRule(
        Integer loanPeriodDays,
        boolean express,
        boolean homeLoan,
        boolean reservable,
        boolean interlibraryLoan,
        int valueDkk,
        int licenceDkk,
        int adminFeeDkk) {
      this(
          loanPeriodDays,
          express,
          homeLoan,
          reservable,
          interlibraryLoan,
          valueDkk,
          licenceDkk,
          adminFeeDkk,
          false);
    }

    public static MaterialRule standard() {
      return new MaterialRule(null, false, true, true, true, 0, 0, 0);
    }

    /** R31: what a lost or damaged copy is charged: replacement, licence and administration. */
    public int lostOrDamagedChargeDkk() {
      return valueDkk + licenceDkk + adminFeeDkk;
    }
  }

  /**
   * Who may register and on what terms. {@code minimumAge} R6/R10 (18 refuses minors altogether);
   * {@code residence}: accepted places of residence (empty: any) unless the patron has one of the
   * {@code affiliations} (R10); {@code municipality} and {@code residentsOnly}: material types only
   * residents of the agency's municipality may borrow (R8); {@code restrictedMaxLoans}: the loan
   * limit of minors without guardian consent, patrons without a CPR number or without a permanent
   * address (R6, R7); {@code depositFromNonResidents}: patrons not resident in the municipality or
   * without a permanent address leave a deposit of the value of what they borrow (R7).
   */
  public record Eligibility(
      int minimumAge,
      List<String> residence,
      List<String> affiliations,
      String municipality,
      List<String> residentsOnly,
      int restrictedMaxLoans,
      boolean depositFromNonResidents)
      implements CborSerializable {

    public Eligibility {
      residence = List.copyOf(residence);
      affiliations = List.copyOf(affiliations);
      residentsOnly = List.copyOf(residentsOnly);
    }

    /** Anyone may register; restricted patrons borrow at most 3 (R6, R7). */
    public static Eligibility open() {
      return new Eligibility(0, List.of(), List.of(), null, List.of(), 3, false);
    }
  }

  /**
   * R45: the open library. At {@code branches}, between {@code opens} and {@code closes}, the door
   * opens to a card and PIN of a patron at least {@code minimumAge} years old (0: any age),
   * resident in the agency's municipality if {@code residentsOnly} (R8), signed up for access if
   * {@code signUpRequired}, and, if {@code refuseBlocked}, neither suspended nor blocked by fees
   * (R32, R46).
   */
  public record OpenLibrary(
      List<String> branches,
      LocalTime opens,
      LocalTime closes,
      int minimumAge,
      boolean residentsOnly,
      boolean signUpRequired,
      boolean refuseBlocked)
      implements CborSerializable {

    public OpenLibrary {
      branches = List.copyOf(branches);
    }

    public boolean openAt(LocalTime time) {
      return !time.isBefore(opens) && time.isBefore(closes);
    }
  }

  /**
   * What follows a loan's due date (R30, R31, R37), kept by every loan made under it. {@code
   * dueSoonDays}: a reminder that many days before the due date, null: none; {@code
   * overdueNotices}: notices so many days after the due date, each adding its fee (R30); {@code
   * lostAfterDays}: days after the due date when the copy is declared lost and charged at
   * replacement cost, licence and administration (R31), null: never; {@code
   * reverseChargeWhenFound}: a lost copy that turns up has that charge reversed, else it stands
   * (R37); {@code debtCollectionAfterDays}: days after the due date when what is still owed, if at
   * least {@code debtCollectionMinimumDkk}, is handed to debt collection (R35), null: never.
   */
  public record Reminders(
      Integer dueSoonDays,
      List<OverdueNotice> overdueNotices,
      Integer lostAfterDays,
      boolean reverseChargeWhenFound,
      Integer debtCollectionAfterDays,
      int debtCollectionMinimumDkk)
      implements CborSerializable {

    public Reminders {
      overdueNotices = overdueNotices == null ? List.of() : List.copyOf(overdueNotices);
    }

    /** A schedule without debt collection. */
    public Reminders(
        Integer dueSoonDays,
        List<OverdueNotice> overdueNotices,
        Integer lostAfterDays,
        boolean reverseChargeWhenFound) {
      this(dueSoonDays, overdueNotices, lostAfterDays, reverseChargeWhenFound, null, 0);
    }
  }

  /** R30: an overdue notice {@code afterDays} after the due date, adding {@code feeDkk}. */
  public record OverdueNotice(int afterDays, int feeDkk) implements CborSerializable {}

  /**
   * R33, R34: a patron with {@code afterLostLoans} copies declared lost and not settled, or {@code
   * afterDamagedReturns} damage charges not paid, is warned in writing and excluded from borrowing
   * {@value #EXCLUSION_NOTICE_DAYS} days later if the cause is still there; 0 turns a cause off.
   */
  public record Exclusion(int afterLostLoans, int afterDamagedReturns)
      implements CborSerializable {}

  /**
   * R40: a returned loan is kept with the patron and the copy for {@code returnedLoansDays} after
   * the return (30 at the Copenhagen libraries [004], 50 at [003]), then forgotten by both; a paid
   * fee {@code paidFeesDays} after the balance it was part of was settled (30 [004]), paid
   * compensation for a lost or damaged copy {@code paidCompensationDays} (365 [004]), and payment
   * records (payments, debt-collection claims and their write-offs) {@code paymentRecordYears} from
   * the end of the financial year in which they were settled (3 [004], the municipalities'
   * accounting rules). R38: an account nobody used for {@code inactiveAccountMonths} is deleted (12
   * [002], 24 [004], 36 [003]), after a notice {@code inactivityNoticeDays} before; one with loans
   * or debt is flagged for staff instead. Policies written before a setting existed read 0 for it:
   * the default.
   */
  public record Retention(
      int returnedLoansDays,
      int inactiveAccountMonths,
      int inactivityNoticeDays,
      int paidFeesDays,
      int paidCompensationDays,
      int paymentRecordYears)
      implements CborSerializable {

    public static final int MAX_DAYS = 366;
    public static final int MIN_INACTIVE_MONTHS = 6;
    public static final int MAX_INACTIVE_MONTHS = 120;
    public static final int MAX_NOTICE_DAYS = 90;
    public static final int MAX_COMPENSATION_DAYS = 3660;
    public static final int MAX_PAYMENT_RECORD_YEARS = 10;

    public static final Retention DEFAULT = new Retention(30, 24, 30, 30, 365, 3);

    public Retention {
      inactiveAccountMonths = inactiveAccountMonths == 0 ? 24 : inactiveAccountMonths;
      inactivityNoticeDays = inactivityNoticeDays == 0 ? 30 : inactivityNoticeDays;
      paidFeesDays = paidFeesDays == 0 ? 30 : paidFeesDays;
      paidCompensationDays = paidCompensationDays == 0 ? 365 : paidCompensationDays;
      paymentRecordYears = paymentRecordYears == 0 ? 3 : paymentRecordYears;
    }

    /** The defaults of R40's fee and payment windows. */
    public Retention(int returnedLoansDays, int inactiveAccountMonths, int inactivityNoticeDays) {
      this(returnedLoansDays, inactiveAccountMonths, inactivityNoticeDays, 0, 0, 0);
    }

    /** The defaults of R38 and of R40's fee and payment windows. */
    public Retention(int returnedLoansDays) {
      this(returnedLoansDays, 0, 0);
    }
  }

  /** R33: exclusion is announced in writing this many days before it takes effect. */
  public static final int EXCLUSION_NOTICE_DAYS = 7;

  /** R30: a fee per day late, never more than the cap for one loan. */
  public record OverdueRate(int perDayDkk, int capDkk) implements CborSerializable {

    public int feeFor(long daysLate) {
      return daysLate <= 0 ? 0 : (int) Math.min(capDkk, daysLate * perDayDkk);
    }
  }

  public AgencyPolicy {
    patronCategories = Map.copyOf(patronCategories);
    materialTypes = Map.copyOf(materialTypes);
    overdueFees = Map.copyOf(overdueFees);
    retention = retention == null ? Retention.DEFAULT : retention;
  }

  /** A policy with the hold settings' defaults: 7 days to collect, title-level holds only. */
  public AgencyPolicy(
      int loanPeriodDays,
      Integer maxRenewals,
      Integer maxTotalLoanDays,
      int maxLoans,
      int maxReservations,
      Map<String, CategoryLimits> patronCategories,
      Map<String, MaterialRule> materialTypes,
      Map<String, OverdueRate> overdueFees,
      int feeBlockThresholdDkk,
      Eligibility eligibility) {
    this(
        loanPeriodDays,
        maxRenewals,
        maxTotalLoanDays,
        maxLoans,
        maxReservations,
        patronCategories,
        materialTypes,
        overdueFees,
        feeBlockThresholdDkk,
        eligibility,
        null,
        false,
        null);
  }

  /** A policy with every setting given but the open library, which the agency does not offer. */
  public AgencyPolicy(
      int loanPeriodDays,
      Integer maxRenewals,
      Integer maxTotalLoanDays,
      int maxLoans,
      int maxReservations,
      Map<String, CategoryLimits> patronCategories,
      Map<String, MaterialRule> materialTypes,
      Map<String, OverdueRate> overdueFees,
      int feeBlockThresholdDkk,
      Eligibility eligibility,
      Integer pickupDays,
      boolean itemLevelHolds) {
    this(
        loanPeriodDays,
        maxRenewals,
        maxTotalLoanDays,
        maxLoans,
        maxReservations,
        patronCategories,
        materialTypes,
        overdueFees,
        feeBlockThresholdDkk,
        eligibility,
        pickupDays,
        itemLevelHolds,
        null,
        null,
        null);
  }

  /** A policy with the open library but neither reminders nor exclusion. */
  public AgencyPolicy(
      int loanPeriodDays,
      Integer maxRenewals,
      Integer maxTotalLoanDays,
      int maxLoans,
      int maxReservations,
      Map<String, CategoryLimits> patronCategories,
      Map<String, MaterialRule> materialTypes,
      Map<String, OverdueRate> overdueFees,
      int feeBlockThresholdDkk,
      Eligibility eligibility,
      Integer pickupDays,
      boolean itemLevelHolds,
      OpenLibrary openLibrary) {
    this(
        loanPeriodDays,
        maxRenewals,
        maxTotalLoanDays,
        maxLoans,
        maxReservations,
        patronCategories,
        materialTypes,
        overdueFees,
        feeBlockThresholdDkk,
        eligibility,
        pickupDays,
        itemLevelHolds,
        openLibrary,
        null,
        null);
  }

  /** R26: days to collect a held copy (versions stored before the setting existed: 7). */
  public int daysToCollect() {
    return pickupDays != null ? pickupDays : DEFAULT_PICKUP_DAYS;
  }

  /** A policy from the three figures every agency states; books only, no fees. */
  public static AgencyPolicy simple(int loanPeriodDays, int maxLoans, int maxRenewals) {
    return new AgencyPolicy(
        loanPeriodDays,
        maxRenewals,
        null,
        maxLoans,
        10,
        Map.of(),
        Map.of("book", MaterialRule.standard()),
        Map.of(),
        DEFAULT_FEE_BLOCK_THRESHOLD_DKK,
        Eligibility.open());
  }

  /** R16: the item's own period, else its material type's, else the agency's. */
  public int loanPeriodFor(String materialType, Integer itemLoanPeriodDays) {
    if (itemLoanPeriodDays != null) {
      return itemLoanPeriodDays;
    }
    MaterialRule rule = materialTypes.get(materialType);
    return rule != null && rule.loanPeriodDays() != null ? rule.loanPeriodDays() : loanPeriodDays;
  }

  /** R21: the category's limits, or the agency's defaults for an unlisted category. */
  public CategoryLimits limitsFor(String category) {
    CategoryLimits limits = category == null ? null : patronCategories.get(category);
    return limits != null ? limits : new CategoryLimits(maxLoans, maxReservations);
  }

  public MaterialRule material(String materialType) {
    return materialTypes.get(materialType);
  }

  /** What is wrong with this policy, in words an operator can act on; empty when valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    range(problems, "loanPeriodDays", loanPeriodDays, 1, MAX_LOAN_PERIOD_DAYS);
    if (maxRenewals != null) {
      range(problems, "maxRenewals", maxRenewals, 0, 10_000);
    }
    if (maxTotalLoanDays != null) {
      range(problems, "maxTotalLoanDays", maxTotalLoanDays, 1, 10 * MAX_LOAN_PERIOD_DAYS);
    }
    if (maxRenewals == null && maxTotalLoanDays == null) {
      problems.add(
          "unlimited renewals (no maxRenewals) need a maxTotalLoanDays to end the loan at last");
    }
    range(problems, "maxLoans", maxLoans, 0, 10_000);
    range(problems, "maxReservations", maxReservations, 0, 10_000);
    range(problems, "feeBlockThresholdDkk", feeBlockThresholdDkk, 1, 1_000_000);
    range(
        problems,
        "retention.returnedLoansDays",
        retention.returnedLoansDays(),
        1,
        Retention.MAX_DAYS);
    range(
        problems,
        "retention.inactiveAccountMonths",
        retention.inactiveAccountMonths(),
        Retention.MIN_INACTIVE_MONTHS,
        Retention.MAX_INACTIVE_MONTHS);
    range(
        problems,
        "retention.inactivityNoticeDays",
        retention.inactivityNoticeDays(),
        1,
        Retention.MAX_NOTICE_DAYS);
    range(problems, "retention.paidFeesDays", retention.paidFeesDays(), 1, Retention.MAX_DAYS);
    range(
        problems,
        "retention.paidCompensationDays",
        retention.paidCompensationDays(),
        1,
        Retention.MAX_COMPENSATION_DAYS);
    range(
        problems,
        "retention.paymentRecordYears",
        retention.paymentRecordYears(),
        1,
        Retention.MAX_PAYMENT_RECORD_YEARS);
    patronCategories.forEach(
        (name, limits) -> {
          named(problems, "patronCategories", name);
          range(problems, "patronCategories." + name + ".maxLoans", limits.maxLoans(), 0, 10_000);
          range(
              problems,
              "patronCategories." + name + ".maxReservations",
              limits.maxReservations(),
              0,
              10_000);
        });
    if (materialTypes.isEmpty()) {
      problems.add("materialTypes must name at least one material type the agency lends");
    }
    materialTypes.forEach(
        (name, rule) -> {
          named(problems, "materialTypes", name);
          range(problems, "materialTypes." + name + ".valueDkk", rule.valueDkk(), 0, 1_000_000);
          range(problems, "materialTypes." + name + ".licenceDkk", rule.licenceDkk(), 0, 1_000_000);
          range(problems, "materialTypes." + name + ".adminFeeDkk", rule.adminFeeDkk(), 0, 100_000);
          if (rule.loanPeriodDays() != null) {
            range(
                problems,
                "materialTypes." + name + ".loanPeriodDays",
                rule.loanPeriodDays(),
                1,
                MAX_LOAN_PERIOD_DAYS);
          }
        });
    range(problems, "eligibility.minimumAge", eligibility.minimumAge(), 0, 120);
    range(problems, "eligibility.restrictedMaxLoans", eligibility.restrictedMaxLoans(), 0, 10_000);
    eligibility
        .residentsOnly()
        .forEach(
            name -> {
              if (!materialTypes.containsKey(name)) {
                problems.add(
                    "eligibility.residentsOnly names material type '"
                        + name
                        + "', which is not in materialTypes; unknown material types are refused");
              }
            });
    if (!eligibility.residentsOnly().isEmpty() && eligibility.municipality() == null) {
      problems.add("eligibility.residentsOnly needs eligibility.municipality, the agency's own");
    }
    overdueFees.forEach(
        (name, rate) -> {
          if (!materialTypes.containsKey(name)) {
            problems.add(
                "overdueFees names material type '"
                    + name
                    + "', which is not in materialTypes; unknown material types are refused");
          }
          range(problems, "overdueFees." + name + ".perDayDkk", rate.perDayDkk(), 0, 10_000);
          range(problems, "overdueFees." + name + ".capDkk", rate.capDkk(), 0, 1_000_000);
        });
    if (openLibrary != null) {
      if (openLibrary.branches().isEmpty()) {
        problems.add("openLibrary.branches must name at least one branch with an open library");
      }
      if (!openLibrary.opens().isBefore(openLibrary.closes())) {
        problems.add("openLibrary.opens must be before openLibrary.closes");
      }
      if (openLibrary.residentsOnly() && eligibility.municipality() == null) {
        problems.add("openLibrary.residentsOnly needs eligibility.municipality, the agency's own");
      }
    }
    if (reminders != null) {
      reminderProblems(problems, reminders);
    }
    if (exclusion != null) {
      range(problems, "exclusion.afterLostLoans", exclusion.afterLostLoans(), 0, 100);
      range(problems, "exclusion.afterDamagedReturns", exclusion.afterDamagedReturns(), 0, 100);
    }
    return problems;
  }

  /** Notices after the due date come in order of days, and a copy is lost only after the last. */
  private static void reminderProblems(List<String> problems, Reminders reminders) {
    if (reminders.dueSoonDays() != null) {
      range(problems, "reminders.dueSoonDays", reminders.dueSoonDays(), 1, 60);
    }
    int previous = 0;
    for (int i = 0; i < reminders.overdueNotices().size(); i++) {
      OverdueNotice notice = reminders.overdueNotices().get(i);
      String field = "reminders.overdueNotices[" + i + "]";
      range(problems, field + ".afterDays", notice.afterDays(), 1, 3 * MAX_LOAN_PERIOD_DAYS);
      range(problems, field + ".feeDkk", notice.feeDkk(), 0, 100_000);
      if (notice.afterDays() <= previous) {
        problems.add(field + ".afterDays must be later than the notice before it");
      }
      previous = notice.afterDays();
    }
    if (reminders.lostAfterDays() != null && reminders.lostAfterDays() <= previous) {
      problems.add(
          "reminders.lostAfterDays must be later than the last overdue notice (" + previous + ")");
    }
    if (reminders.lostAfterDays() != null) {
      range(
          problems,
          "reminders.lostAfterDays",
          reminders.lostAfterDays(),
          1,
          4 * MAX_LOAN_PERIOD_DAYS);
      previous = reminders.lostAfterDays();
    }
    if (reminders.debtCollectionAfterDays() != null) {
      range(
          problems,
          "reminders.debtCollectionAfterDays",
          reminders.debtCollectionAfterDays(),
          1,
          5 * MAX_LOAN_PERIOD_DAYS);
      if (reminders.debtCollectionAfterDays() <= previous) {
        problems.add(
            "reminders.debtCollectionAfterDays must be later than the step before it ("
                + previous
                + ")");
      }
    }
    range(
        problems,
        "reminders.debtCollectionMinimumDkk",
        reminders.debtCollectionMinimumDkk(),
        0,
        1_000_000);
  }

  private static void range(List<String> problems, String field, int value, int min, int max) {
    if (value < min || value > max) {
      problems.add(field + " must be between " + min + " and " + max + ", was " + value);
    }
  }

  private static void named(List<String> problems, String field, String name) {
    if (!NAME.matcher(name).matches()) {
      problems.add(field + " key '" + name + "' must be 1-40 lower-case letters, digits or '-'");
    }
  }
}
