package dk.library.circulation.ill;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.ill.InterlibraryRequest.Details;
import dk.library.circulation.ill.InterlibraryRequestEvent.Created;
import dk.library.circulation.ill.InterlibraryRequestEvent.DispatchDelivered;
import dk.library.circulation.ill.InterlibraryRequestEvent.FromPartnerSeen;
import dk.library.circulation.ill.InterlibraryRequestEvent.PartnerConfirmed;
import dk.library.circulation.ill.InterlibraryRequestEvent.PassedOn;
import dk.library.circulation.ill.InterlibraryRequestEvent.ReceivedAtPickup;
import dk.library.circulation.ill.InterlibraryRequestEvent.ReturnShipped;
import dk.library.circulation.ill.InterlibraryRequestEvent.StatusChanged;
import dk.library.circulation.ill.InterlibraryRequestEvent.ToPartner;
import dk.library.circulation.ill.RequestView.StatusChange;
import dk.library.circulation.title.Dispatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

public record InterlibraryRequestState(
    Details details,
    List<String> lenders,
    int lenderIndex,
    IsoStatus status,
    String barcode,
    int chargeDkk,
    Integer loanPeriodDays,
    boolean atPickup,
    Instant dueAt,
    List<StatusChange> history,
    List<Dispatch> outbox,
    Set<String> partners,
    List<PartnerMessage> partnerMessages,
    Set<String> seenFromPartners,
    boolean returnShipped)
    implements CborSerializable {

  public InterlibraryRequestState {
    // Null in snapshots taken before lenders outside the core.
    partners = partners == null ? Set.of() : partners;
    partnerMessages = partnerMessages == null ? List.of() : partnerMessages;
    seenFromPartners = seenFromPartners == null ? Set.of() : seenFromPartners;
  }

  public static InterlibraryRequestState empty() {
    return new InterlibraryRequestState(
        null, List.of(), 0, null, null, 0, null, false, null, List.of(), List.of(), Set.of(),
        List.of(), Set.of(), false);
  }

  public String lender() {
    return lenders.isEmpty() ? null : lenders.get(lenderIndex);
  }

  /** Whether the request is now with a lender outside the core. */
  public boolean withPartner() {
    return partners.contains(lender());
  }

  /** Whether a partner system asked this core for the loan (we are the supplier). */
  public boolean forPartner() {
    return details != null && partners.contains(details.borrowingAgencyId());
  }

  public RequestView view() {
    return new RequestView(
        details.requestId(),
        details.patronKey(),
        status,
        details.borrowingAgencyId(),
        details.pickupBranchId(),
        details.titleId(),
        lender(),
        lenders,
        barcode,
        chargeDkk,
        loanPeriodDays,
        atPickup,
        history,
        partnerMessages,
        returnShipped,
        details.partnerRequestId());
  }

  public InterlibraryRequestState apply(InterlibraryRequestEvent event) {
    if (event instanceof Created e) {
      return new InterlibraryRequestState(
          e.details(),
          List.copyOf(e.lenders()),
          0,
          null,
          null,
          0,
          null,
          false,
          null,
          history,
          outbox,
          e.partners() == null ? Set.of() : Set.copyOf(e.partners()),
          partnerMessages,
          seenFromPartners,
          false);
    } else if (event instanceof StatusChanged e) {
      return new InterlibraryRequestState(
          details,
          lenders,
          lenderIndex,
          e.change().status(),
          e.barcode() != null ? e.barcode() : barcode,
          e.chargeDkk() != null ? e.chargeDkk() : chargeDkk,
          e.loanPeriodDays() != null ? e.loanPeriodDays() : loanPeriodDays,
          atPickup,
          e.dueAt() != null ? e.dueAt() : dueAt,
          plus(history, e.change()),
          plusAll(outbox, e.notices()),
          partners,
          partnerMessages,
          seenFromPartners,
          returnShipped);
    } else if (event instanceof PassedOn e) {
      return new InterlibraryRequestState(
          details,
          lenders,
          e.lenderIndex(),
          status,
          barcode,
          chargeDkk,
          loanPeriodDays,
          atPickup,
          dueAt,
          history,
          outbox,
          partners,
          partnerMessages,
          seenFromPartners,
          returnShipped);
    } else if (event instanceof ReceivedAtPickup e) {
      return new InterlibraryRequestState(
          details,
          lenders,
          lenderIndex,
          status,
          barcode,
          chargeDkk,
          loanPeriodDays,
          true,
          dueAt,
          history,
          plus(outbox, e.notice()),
          partners,
          partnerMessages,
          seenFromPartners,
          returnShipped);
    } else if (event instanceof DispatchDelivered e) {
      return withOutbox(
          outbox.stream().filter(d -> !d.dispatchId().equals(e.dispatchId())).toList());
    } else if (event instanceof ToPartner e) {
      return withPartnerMessages(plus(partnerMessages, e.message()));
    } else if (event instanceof PartnerConfirmed e) {
      return withPartnerMessages(
          partnerMessages.stream()
              .map(
                  m ->
                      m.messageId().equals(e.messageId()) && m.pending()
                          ? m.withOutcome(e.outcome())
                          : m)
              .toList());
    } else if (event instanceof FromPartnerSeen e) {
      Set<String> seen = new HashSet<>(seenFromPartners);
      seen.add(e.messageKey());
      return new InterlibraryRequestState(
          details,
          lenders,
          lenderIndex,
          status,
          barcode,
          chargeDkk,
          loanPeriodDays,
          atPickup,
          dueAt,
          history,
          outbox,
          partners,
          partnerMessages,
          Set.copyOf(seen),
          returnShipped);
    } else if (event instanceof ReturnShipped) {
      return new InterlibraryRequestState(
          details,
          lenders,
          lenderIndex,
          status,
          barcode,
          chargeDkk,
          loanPeriodDays,
          atPickup,
          dueAt,
          history,
          outbox,
          partners,
          partnerMessages,
          seenFromPartners,
          true);
    }
    throw new IllegalArgumentException("unknown request event " + event);
  }

  private InterlibraryRequestState withOutbox(List<Dispatch> next) {
    return new InterlibraryRequestState(
        details,
        lenders,
        lenderIndex,
        status,
        barcode,
        chargeDkk,
        loanPeriodDays,
        atPickup,
        dueAt,
        history,
        next,
        partners,
        partnerMessages,
        seenFromPartners,
        returnShipped);
  }

  private InterlibraryRequestState withPartnerMessages(List<PartnerMessage> next) {
    return new InterlibraryRequestState(
        details,
        lenders,
        lenderIndex,
        status,
        barcode,
        chargeDkk,
        loanPeriodDays,
        atPickup,
        dueAt,
        history,
        outbox,
        partners,
        next,
        seenFromPartners,
        returnShipped);
  }

  private static <T> List<T> plus(List<T> list, T element) {
    List<T> next = new ArrayList<>(list);
    next.add(element);
    return List.copyOf(next);
  }

  private static <T> List<T> plusAll(List<T> list, List<T> elements) {
    List<T> next = new ArrayList<>(list);
    next.addAll(elements);
    return List.copyOf(next);
  }
}
