package dk.library.circulation.patron;

import dk.library.circulation.fee.DebtCollection;
import dk.library.circulation.fee.DebtCollection.Entry;
import dk.library.circulation.fee.DebtCollection.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * R35: the entries of the debt-collection ledger that a patron's events stand for: a hand-over, and
 * each part of a payment or write-off that settles a handed-over claim (oldest claim first, as the
 * ledger settles them). Entry ids come from the claim and the payment or write-off id, so a
 * decision taken again writes the same entries.
 */
final class DebtEntries {

  private DebtEntries() {}

  static List<DebtCollection.Entry> of(PatronState before, List<PatronEvent> events) {
    List<Entry> entries = new ArrayList<>();
    PatronState state = before;
    for (PatronEvent event : events) {
      PatronState.Profile p = state.profile();
      if (event instanceof PatronEvent.ClaimHandedOver e) {
        Fees.Claim c = e.claim();
        entries.add(
            new Entry(
                c.agencyId(),
                c.claimId(),
                Kind.HANDED_OVER,
                c.claimId(),
                p.cardNumber(),
                p.name(),
                c.amountDkk(),
                c.handedOverAt()));
      } else if (event instanceof PatronEvent.PaymentReceived e) {
        settled(
            state,
            e.payment().amountDkk(),
            e.payment().paymentId(),
            Kind.PAID,
            e.payment().paidAt(),
            entries);
      } else if (event instanceof PatronEvent.ClaimsWrittenOff e) {
        settled(state, e.amountDkk(), e.writeOffId(), Kind.WRITTEN_OFF, e.at(), entries);
      }
      state = state.apply(event);
    }
    return entries;
  }

  private static void settled(
      PatronState state,
      int amount,
      String id,
      Kind kind,
      java.time.Instant at,
      List<Entry> entries) {
    int left = amount;
    for (Fees.Claim claim : state.ledger().claims()) {
      int part = Math.min(left, claim.openDkk());
      if (part <= 0) {
        continue;
      }
      entries.add(
          new Entry(
              claim.agencyId(),
              id + ":" + claim.claimId(),
              kind,
              claim.claimId(),
              state.profile().cardNumber(),
              state.profile().name(),
              part,
              at));
      left -= part;
    }
  }
}
