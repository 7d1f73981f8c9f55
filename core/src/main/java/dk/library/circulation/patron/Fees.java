package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The patron's fee ledger and blocks: R30 overdue fees, manual charges, payments, R32, R46. */
public final class Fees {

  private Fees() {}

  public enum Kind {
    OVERDUE,
    MANUAL,
    /** R31: a lost or damaged copy: replacement, licence and administration. */
    LOST_OR_DAMAGED,
    /** R29: the lending agency's charge for an interlibrary loan. */
    INTERLIBRARY_LOAN,
    /** R35: a handed-over claim staff wrote off (a negative amount). */
    WRITTEN_OFF
  }

  /**
   * R40's windows for money: a paid fee, paid compensation for a lost or damaged copy, a payment
   * record (payments, write-offs, claims).
   */
  public enum Window {
    PAID_FEE,
    COMPENSATION,
    PAYMENT_RECORD
  }

  /**
   * R31: the one fee id of a loan's lost or damaged copy, whether staff or the reminder schedule
   * charge it, so it is never charged twice; R34 counts damage by it.
   */
  public static String lostOrDamagedFeeId(String checkoutId, boolean damaged) {
    return (damaged ? DAMAGED : "lost-") + checkoutId;
  }

  static final String DAMAGED = "damaged-";

  /**
   * One charge in whole Danish kroner; {@code barcode} is set for a loan's overdue fee. A negative
   * amount reverses an earlier charge (R37: a lost copy that turned up). {@code settledAt}: when
   * the whole balance it was part of was paid or written off (R40 counts its window from then);
   * null while owed.
   */
  public record Fee(
      String feeId,
      Kind kind,
      int amountDkk,
      String barcode,
      String reason,
      Instant chargedAt,
      Instant settledAt)
      implements CborSerializable {

    public Fee(
        String feeId, Kind kind, int amountDkk, String barcode, String reason, Instant chargedAt) {
      this(feeId, kind, amountDkk, barcode, reason, chargedAt, null);
    }

    /** R40: which window a settled charge is kept for. */
    public Window window() {
      return switch (kind) {
        case LOST_OR_DAMAGED -> Window.COMPENSATION;
        case WRITTEN_OFF -> Window.PAYMENT_RECORD;
        default -> Window.PAID_FEE;
      };
    }

    Fee settled(Instant at) {
      return settledAt != null
          ? this
          : new Fee(feeId, kind, amountDkk, barcode, reason, chargedAt, at);
    }
  }

  /**
   * A payment; {@code settledAt} as for a {@link Fee}: when the balance it paid reached nothing.
   */
  public record Payment(String paymentId, int amountDkk, Instant paidAt, Instant settledAt)
      implements CborSerializable {

    public Payment(String paymentId, int amountDkk, Instant paidAt) {
      this(paymentId, amountDkk, paidAt, null);
    }

    Payment settled(Instant at) {
      return settledAt != null ? this : new Payment(paymentId, amountDkk, paidAt, at);
    }
  }

  /**
   * R35: claims handed to the debt-collection agency. {@code settledDkk} is what has since been
   * paid or written off of it; the claim is open while it is less than {@code amountDkk}.
   */
  public record Claim(
      String claimId,
      String agencyId,
      int amountDkk,
      int settledDkk,
      Instant handedOverAt,
      Instant settledAt)
      implements CborSerializable {

    public Claim(
        String claimId, String agencyId, int amountDkk, int settledDkk, Instant handedOverAt) {
      this(claimId, agencyId, amountDkk, settledDkk, handedOverAt, null);
    }

    public int openDkk() {
      return amountDkk - settledDkk;
    }

    Claim settled(int more) {
      return new Claim(claimId, agencyId, amountDkk, settledDkk + more, handedOverAt, settledAt);
    }

    Claim settledAt(Instant at) {
      return settledAt != null || openDkk() > 0
          ? this
          : new Claim(claimId, agencyId, amountDkk, settledDkk, handedOverAt, at);
    }
  }

  /**
   * Charges and payments; {@code blocked} is set when a charge takes the balance to its agency's
   * block threshold and cleared only when the whole balance is paid (R32). {@code claims}: what was
   * handed to debt collection (R35); a payment settles the oldest open claim first. {@code
   * forgottenDkk}: R40, the charges less the payments already forgotten, so the balance stays what
   * it was when a paid fee's window ends before the payment's.
   */
  public record Ledger(
      List<Fee> fees,
      List<Payment> payments,
      boolean blocked,
      int depositDkk,
      List<Claim> claims,
      int forgottenDkk)
      implements CborSerializable {

    /** Ledgers recorded before claims existed have none. */
    public Ledger {
      claims = claims == null ? List.of() : claims;
    }

    public Ledger(
        List<Fee> fees,
        List<Payment> payments,
        boolean blocked,
        int depositDkk,
        List<Claim> claims) {
      this(fees, payments, blocked, depositDkk, claims, 0);
    }

    public static Ledger empty() {
      return new Ledger(List.of(), List.of(), false, 0, List.of(), 0);
    }

    /** R7: a deposit left with the library, held against the value of what is borrowed. */
    Ledger deposited(int amountDkk) {
      return new Ledger(fees, payments, blocked, depositDkk + amountDkk, claims, forgottenDkk);
    }

    public int balanceDkk() {
      return forgottenDkk
          + fees.stream().mapToInt(Fee::amountDkk).sum()
          - payments.stream().mapToInt(Payment::amountDkk).sum();
    }

    /** R35: what is with the debt-collection agency and not yet paid or written off. */
    public int openClaimsDkk() {
      return claims.stream().mapToInt(Claim::openDkk).sum();
    }

    public boolean hasFee(String feeId) {
      return fees.stream().anyMatch(f -> f.feeId().equals(feeId));
    }

    public boolean hasPayment(String paymentId) {
      return payments.stream().anyMatch(p -> p.paymentId().equals(paymentId));
    }

    public boolean hasClaim(String claimId) {
      return claims.stream().anyMatch(c -> c.claimId().equals(claimId));
    }

    Ledger charged(Fee fee, int blockThresholdDkk) {
      List<Fee> next = new ArrayList<>(fees);
      next.add(fee);
      Ledger ledger =
          new Ledger(List.copyOf(next), payments, blocked, depositDkk, claims, forgottenDkk);
      if (ledger.balanceDkk() >= blockThresholdDkk) {
        return new Ledger(ledger.fees(), payments, true, depositDkk, claims, forgottenDkk);
      }
      // A reversed charge (R37) that leaves nothing owed lifts the block as a payment would.
      return ledger.balanceDkk() <= 0 ? ledger.settledAt(fee.chargedAt()) : ledger;
    }

    Ledger paid(Payment payment) {
      List<Payment> next = new ArrayList<>(payments);
      next.add(payment);
      Ledger ledger =
          new Ledger(
              fees,
              List.copyOf(next),
              blocked,
              depositDkk,
              settle(payment.amountDkk()),
              forgottenDkk);
      return ledger.balanceDkk() <= 0 ? ledger.settledAt(payment.paidAt()) : ledger;
    }

    /**
     * Nothing is owed any more: the block is lifted (R32) and every charge, payment and claim not
     * yet settled was settled at {@code at}, when R40's windows for them begin.
     */
    private Ledger settledAt(Instant at) {
      return new Ledger(
          fees.stream().map(f -> f.settled(at)).toList(),
          payments.stream().map(p -> p.settled(at)).toList(),
          false,
          depositDkk,
          claims.stream().map(c -> c.settledAt(at)).toList(),
          forgottenDkk);
    }

    Ledger handedOver(Claim claim) {
      List<Claim> next = new ArrayList<>(claims);
      next.add(claim);
      return new Ledger(fees, payments, blocked, depositDkk, List.copyOf(next), forgottenDkk);
    }

    /** R35: staff wrote the open claims off; the write-off is a negative charge beside this. */
    Ledger writtenOff() {
      return new Ledger(fees, payments, blocked, depositDkk, settle(openClaimsDkk()), forgottenDkk);
    }

    /**
     * R40: the charges settled by {@code feesBy} (lost or damaged copies: by {@code
     * compensationBy}), and the payments, write-offs and claims settled before {@code
     * paymentsBefore}, are forgotten; what they add up to stays in the balance. Null: none.
     */
    Ledger forgetting(Instant feesBy, Instant compensationBy, Instant paymentsBefore) {
      List<Fee> gone =
          fees.stream().filter(f -> ended(f, feesBy, compensationBy, paymentsBefore)).toList();
      List<Payment> paid =
          payments.stream().filter(p -> before(p.settledAt(), paymentsBefore)).toList();
      return new Ledger(
          fees.stream().filter(f -> !gone.contains(f)).toList(),
          payments.stream().filter(p -> !paid.contains(p)).toList(),
          blocked,
          depositDkk,
          claims.stream().filter(c -> !before(c.settledAt(), paymentsBefore)).toList(),
          forgottenDkk
              + gone.stream().mapToInt(Fee::amountDkk).sum()
              - paid.stream().mapToInt(Payment::amountDkk).sum());
    }

    private static boolean ended(
        Fee fee, Instant feesBy, Instant compensationBy, Instant paymentsBefore) {
      return switch (fee.window()) {
        case COMPENSATION -> by(fee.settledAt(), compensationBy);
        case PAYMENT_RECORD -> before(fee.settledAt(), paymentsBefore);
        case PAID_FEE -> by(fee.settledAt(), feesBy);
      };
    }

    private static boolean by(Instant settledAt, Instant cutOff) {
      return settledAt != null && cutOff != null && !settledAt.isAfter(cutOff);
    }

    private static boolean before(Instant settledAt, Instant cutOff) {
      return settledAt != null && cutOff != null && settledAt.isBefore(cutOff);
    }

    /** Claims with {@code amount} more settled, oldest first. */
    private List<Claim> settle(int amount) {
      List<Claim> next = new ArrayList<>();
      int left = amount;
      for (Claim claim : claims) {
        int part = Math.min(left, claim.openDkk());
        next.add(part > 0 ? claim.settled(part) : claim);
        left -= Math.max(part, 0);
      }
      return List.copyOf(next);
    }
  }

  /**
   * R46: staff suspended the patron for breaking the house rules, up to and including {@code
   * until}.
   */
  public record Suspension(LocalDate until, String reason, String suspendedBy, Instant at)
      implements CborSerializable {

    public boolean activeOn(LocalDate day) {
      return !day.isAfter(until);
    }
  }

  /**
   * R33, R34: an exclusion from borrowing, announced in writing on {@code announcedAt} to take
   * effect on {@code effectiveOn} if its cause is still there then ({@code rule}: the thresholds it
   * was announced under); {@code inForceSince} is null until it takes effect.
   */
  public record Exclusion(
      String cause,
      LocalDate effectiveOn,
      Instant announcedAt,
      Instant inForceSince,
      AgencyPolicy.Exclusion rule)
      implements CborSerializable {

    public boolean inForce() {
      return inForceSince != null;
    }

    Exclusion inForceSince(Instant at) {
      return new Exclusion(cause, effectiveOn, announcedAt, at, rule);
    }
  }

  /** Why the patron may not borrow or renew now, as shown in their status. */
  public record Block(String code, String detail) implements CborSerializable {}
}
