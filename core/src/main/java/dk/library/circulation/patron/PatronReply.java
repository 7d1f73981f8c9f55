package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import dk.library.circulation.card.Card;
import dk.library.circulation.notice.Notice;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** What a patron entity answers ({@link Patron}). */
public sealed interface PatronReply extends CborSerializable {

  public record StatusReply(Status status) implements PatronReply {}

  public record CheckoutApproved(PendingCheckout pending) implements PatronReply {}

  public record CheckoutFinished(CheckoutOutcome outcome) implements PatronReply {}

  public record Renewals(List<RenewalResult> results) implements PatronReply {}

  public record LoanEndedReply(String barcode) implements PatronReply {}

  /**
   * {@code ownCardKnown}: registered since patrons record the loss of their own card, so {@code
   * ownCardLost} can be trusted; otherwise the card entity answers for the card.
   */
  public record Identified(boolean registered, boolean ownCardKnown, Card.Lost ownCardLost)
      implements PatronReply {}

  public record NoticesReply(List<Notice> notices) implements PatronReply {}

  /** R39: nothing of the account is left. */
  public record AccountErased(Instant at) implements PatronReply {}

  /** R41: what the patron entity holds, whole (the access export leaves out the PIN's hash). */
  public record Account(PatronState state) implements PatronReply {}

  /**
   * A deadline handled ({@code indexed}: the next one is in the index, so this one may go): {@code
   * events} recorded for what fell due (R30, R31, R33).
   */
  public record Reminded(int events, boolean indexed) implements PatronReply {}

  /** R40: the record named is forgotten (or was not known). */
  public record Forgotten() implements PatronReply {}

  public record Rejected(Rejection rejection)
      implements PatronReply, dk.library.circulation.Refusal {}

  /**
   * What a patron or staff sees: loans with due dates and renewal counts. {@code
   * flaggedInactiveAt}: R38, the account was idle for its agency's months but has loans or debt, so
   * staff decide. {@code rights}: R41, a restriction of the processing and the objections recorded.
   */
  public record Status(
      String cardNumber,
      String name,
      String email,
      String mobile,
      String homeAgencyId,
      String category,
      PatronFacts facts,
      String noticeChannel,
      List<Loan> loans,
      List<PendingCheckout> pendingCheckouts,
      int balanceDkk,
      int depositDkk,
      List<Fees.Fee> fees,
      List<Fees.Payment> payments,
      Fees.Suspension suspension,
      List<Fees.Block> blocks,
      boolean pinLocked,
      Map<String, String> holds,
      Fees.Exclusion exclusion,
      List<Fees.Claim> claims,
      Instant flaggedInactiveAt,
      DataRights rights)
      implements CborSerializable {

    /** The same status, shown under the card number the request used (R12: a replacement). */
    public Status withCardNumber(String card) {
      return new Status(
          card,
          name,
          email,
          mobile,
          homeAgencyId,
          category,
          facts,
          noticeChannel,
          loans,
          pendingCheckouts,
          balanceDkk,
          depositDkk,
          fees,
          payments,
          suspension,
          blocks,
          pinLocked,
          holds,
          exclusion,
          claims,
          flaggedInactiveAt,
          rights);
    }
  }

  public record RenewalResult(
      String barcode, boolean renewed, LocalDate dueDate, int renewals, Rejection refusal)
      implements CborSerializable {}
}
