package dk.library.circulation.patron;

import static dk.library.circulation.Rejection.Code.CHECKOUT_CANCELLED;
import static dk.library.circulation.Rejection.Code.ITEM_ON_LOAN;
import static dk.library.circulation.Rejection.Code.LOAN_LIMIT_REACHED;
import static dk.library.circulation.Rejection.Code.LOAN_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.PATRON_ALREADY_REGISTERED;
import static dk.library.circulation.Rejection.Code.PATRON_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.RENEWAL_LIMIT_REACHED;
import static dk.library.circulation.Rejection.Code.TRANSACTION_ID_REUSED;
import static dk.library.circulation.Rejection.Code.WRONG_PIN;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import dk.library.circulation.agency.LoanPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The patron's side of circulation as pure functions: state + command + policy + time in, events or
 * a refusal out. Every refusal carries the code of the rule that refused.
 */
public final class PatronRules {

  private PatronRules() {}

  /** R1: only registered patrons borrow. A card number is registered once. */
  public static Decision<Patron.Event> register(
      Patron.State state, String cardNumber, Patron.Register cmd, Instant now) {
    if (state.registered()) {
      return Decision.refuse(
          PATRON_ALREADY_REGISTERED, "card " + cardNumber + " is already registered to a patron");
    }
    return Decision.persist(
        new Patron.Registered(
            cardNumber, cmd.pin(), cmd.name(), cmd.email(), cmd.mobile(), cmd.homeAgencyId(), now));
  }

  /**
   * The patron's approval of a checkout (R4 PIN, R16 loan period, R21 loan limit). A retry with the
   * same checkout id changes nothing: the reply repeats the approval or the final outcome.
   */
  public static Decision<Patron.Event> beginCheckout(
      Patron.State state,
      String cardNumber,
      Patron.BeginCheckout cmd,
      PinCheck pinCheck,
      Instant now,
      ZoneId zone) {
    if (!state.registered()) {
      return new Decision.Refuse<>(notFound(cardNumber));
    }
    if (!pinCheck.matches(state.profile().pin(), cmd.pin())) {
      return Decision.refuse(WRONG_PIN, "the PIN does not match this card");
    }
    CheckoutOutcome earlier = state.outcomes().get(cmd.checkoutId());
    PendingCheckout pending = state.pending().get(cmd.checkoutId());
    String earlierBarcode =
        earlier != null ? earlier.barcode() : pending != null ? pending.barcode() : null;
    if (earlierBarcode != null) {
      return earlierBarcode.equals(cmd.barcode())
          ? Decision.unchanged()
          : Decision.refuse(
              TRANSACTION_ID_REUSED,
              "transaction id "
                  + cmd.checkoutId()
                  + " was already used for item "
                  + earlierBarcode
                  + "; send a new transaction id for a new checkout");
    }
    if (state.loans().containsKey(cmd.barcode())) {
      return Decision.refuse(
          ITEM_ON_LOAN, "item " + cmd.barcode() + " is already on loan to this patron");
    }
    if (state.pending().values().stream().anyMatch(p -> p.barcode().equals(cmd.barcode()))) {
      return Decision.refuse(
          ITEM_ON_LOAN,
          "a checkout of item " + cmd.barcode() + " for this patron is already under way");
    }
    int held = state.loans().size() + state.pending().size();
    if (held >= cmd.policy().maxLoans()) {
      return Decision.refuse(
          LOAN_LIMIT_REACHED,
          "the patron has "
              + held
              + " loans and the agency allows at most "
              + cmd.policy().maxLoans()
              + "; return an item first");
    }
    return Decision.persist(
        new Patron.CheckoutBegun(
            new PendingCheckout(
                cmd.checkoutId(),
                cmd.barcode(),
                cmd.agencyId(),
                cmd.branchId(),
                now,
                dueDate(now, zone, cmd.policy()))));
  }

  /**
   * R16: the due date is the agency's loan period after the day of checkout, in the library's time
   * zone.
   */
  public static LocalDate dueDate(Instant now, ZoneId zone, LoanPolicy policy) {
    return LocalDate.ofInstant(now, zone).plusDays(policy.loanPeriodDays());
  }

  public static Decision<Patron.Event> complete(Patron.State state, String checkoutId) {
    if (state.pending().containsKey(checkoutId)) {
      return Decision.persist(new Patron.CheckoutCompleted(checkoutId));
    }
    return finishedOrUnknown(state, checkoutId);
  }

  public static Decision<Patron.Event> abandon(
      Patron.State state, String checkoutId, Rejection reason) {
    if (state.pending().containsKey(checkoutId)) {
      return Decision.persist(new Patron.CheckoutAbandoned(checkoutId, reason));
    }
    return finishedOrUnknown(state, checkoutId);
  }

  private static Decision<Patron.Event> finishedOrUnknown(Patron.State state, String checkoutId) {
    return state.outcomes().containsKey(checkoutId)
        ? Decision.unchanged()
        : Decision.refuse(
            LOAN_NOT_FOUND, "no checkout " + checkoutId + " is known for this patron");
  }

  /** Why a checkout that a crash interrupted before the item was lent did not happen. */
  public static Rejection interrupted(String checkoutId) {
    return Rejection.of(
        CHECKOUT_CANCELLED,
        "checkout "
            + checkoutId
            + " was interrupted before the item was lent and has been cancelled; "
            + "check the item out again with a new transaction id");
  }

  /** The events of a renewal and the answer for each loan it covered. */
  public record RenewalDecision(
      List<Patron.Event> events, List<Patron.RenewalResult> results, Rejection refusal) {}

  /**
   * R19: a loan is renewed while it has had fewer renewals than the agency allows; the new due date
   * is one loan period from today, never earlier than the current one. Renewing one named loan that
   * cannot be renewed is refused; renewing all answers per loan.
   */
  public static RenewalDecision renew(
      Patron.State state,
      String cardNumber,
      Patron.Renew cmd,
      PinCheck pinCheck,
      Instant now,
      ZoneId zone) {
    if (!state.registered()) {
      return new RenewalDecision(List.of(), List.of(), notFound(cardNumber));
    }
    if (!pinCheck.matches(state.profile().pin(), cmd.pin())) {
      return new RenewalDecision(
          List.of(), List.of(), Rejection.of(WRONG_PIN, "the PIN does not match this card"));
    }
    List<String> barcodes =
        cmd.barcodes().isEmpty() ? List.copyOf(state.loans().keySet()) : cmd.barcodes();
    List<Patron.Event> events = new ArrayList<>();
    List<Patron.RenewalResult> results = new ArrayList<>();
    for (String barcode : barcodes) {
      Loan loan = state.loans().get(barcode);
      if (loan == null) {
        Rejection missing =
            Rejection.of(LOAN_NOT_FOUND, "item " + barcode + " is not on loan to this patron");
        if (cmd.barcodes().size() == 1) {
          return new RenewalDecision(List.of(), List.of(), missing);
        }
        results.add(new Patron.RenewalResult(barcode, false, null, 0, missing));
        continue;
      }
      LoanPolicy policy = cmd.policyByAgency().get(loan.agencyId());
      if (loan.renewals() >= policy.maxRenewals()) {
        Rejection limit =
            Rejection.of(
                RENEWAL_LIMIT_REACHED,
                "item "
                    + barcode
                    + " has reached agency "
                    + loan.agencyId()
                    + "'s limit of "
                    + policy.maxRenewals()
                    + " renewals; return it by "
                    + loan.dueDate());
        if (cmd.barcodes().size() == 1) {
          return new RenewalDecision(List.of(), List.of(), limit);
        }
        results.add(
            new Patron.RenewalResult(barcode, false, loan.dueDate(), loan.renewals(), limit));
        continue;
      }
      LocalDate fromToday = dueDate(now, zone, policy);
      LocalDate newDue = fromToday.isAfter(loan.dueDate()) ? fromToday : loan.dueDate();
      events.add(new Patron.LoanRenewed(barcode, newDue, now));
      results.add(new Patron.RenewalResult(barcode, true, newDue, loan.renewals() + 1, null));
    }
    return new RenewalDecision(events, results, null);
  }

  /** R22: the loan ends when the item's return is registered; a repeated notice changes nothing. */
  public static Decision<Patron.Event> endLoan(Patron.State state, Patron.EndLoan cmd) {
    Loan loan = state.loans().get(cmd.barcode());
    if (loan != null && loan.checkoutId().equals(cmd.checkoutId())) {
      return Decision.persist(
          new Patron.LoanEnded(cmd.barcode(), cmd.checkoutId(), cmd.returnedAt()));
    }
    return Decision.unchanged();
  }

  /** R4: the card's PIN proves the patron; null when it does. */
  public static Rejection checkPin(
      Patron.State state, String cardNumber, String pin, PinCheck pinCheck) {
    if (!state.registered()) {
      return notFound(cardNumber);
    }
    return pinCheck.matches(state.profile().pin(), pin)
        ? null
        : Rejection.of(WRONG_PIN, "the PIN does not match this card");
  }

  public static Rejection notFound(String cardNumber) {
    return Rejection.of(PATRON_NOT_FOUND, "no patron is registered with card " + cardNumber);
  }
}
