package dk.library.circulation.sip2;

import static dk.library.circulation.sip2.SipMessage.field;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.desk.CheckoutRequest;
import dk.library.circulation.desk.ReturnRequest;
import dk.library.circulation.desk.ReturnSlip;
import dk.library.circulation.patron.CheckoutReceipt;
import dk.library.circulation.patron.PatronReply.RenewalResult;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Checkout (11), checkin (09), renew (29) and renew all (65): the same desk calls as {@code POST
 * /checkouts}, {@code /returns} and {@code /renewals}, under the same rules and idempotency.
 */
final class SipCirculation {

  private final SipServices s;

  SipCirculation(SipServices services) {
    this.s = services;
  }

  /** 11/12: the machine's transaction date and the item are the transaction id. */
  CompletionStage<String> checkout(SipMessage m, SipTerminal t) {
    String card = m.field("AA");
    String item = m.field("AB");
    CheckoutRequest request =
        new CheckoutRequest(
            t.clientId(),
            transactionId("out", m.fixed().substring(2, 20), item),
            card,
            m.field("AD"),
            item,
            t.agencyId(),
            t.branchId(),
            null,
            null);
    return s.pinGuarded(card, t.clientId(), () -> s.desk().checkout(request))
        .thenApply(
            result -> {
              if (result instanceof Result.Ok<CheckoutReceipt> ok) {
                return "121NNY"
                    + s.date()
                    + field("AO", t.agencyId())
                    + field("AA", card)
                    + field("AB", item)
                    + field("AJ", "")
                    + field("AH", s.date(ok.value().dueDate()));
              }
              return s.refused(m, t, ((Result.Refused<CheckoutReceipt>) result).rejection());
            });
  }

  /** 09/10: a return at the login's branch; AQ the owning agency, AJ the title. */
  CompletionStage<String> checkin(SipMessage m, SipTerminal t) {
    String item = m.field("AB");
    ReturnRequest request =
        new ReturnRequest(
            transactionId("in", m.fixed().substring(1, 19), item),
            item,
            t.agencyId(),
            t.branchId());
    return s.desk()
        .returnItem(request)
        .thenApply(
            result -> {
              if (result instanceof Result.Ok<ReturnSlip> ok) {
                return "101YNN"
                    + s.date()
                    + field("AO", t.agencyId())
                    + field("AB", item)
                    + field("AQ", ok.value().ownerAgencyId())
                    + field("AJ", ok.value().title());
              }
              return s.refused(m, t, ((Result.Refused<ReturnSlip>) result).rejection());
            });
  }

  /** 29/30: one loan (AB), proven by card and PIN; the new due date in AH. */
  CompletionStage<String> renew(SipMessage m, SipTerminal t) {
    String card = m.field("AA");
    String item = m.field("AB");
    return renewals(m, t, List.of(item))
        .thenApply(
            result -> {
              Rejection refusal;
              if (result instanceof Result.Ok<List<RenewalResult>> ok && ok.value().isEmpty()) {
                refusal =
                    Rejection.of(
                        Rejection.Code.LOAN_NOT_FOUND, "the patron has no loan of " + item);
              } else if (result instanceof Result.Ok<List<RenewalResult>> ok) {
                RenewalResult renewal = ok.value().get(0);
                if (renewal.renewed()) {
                  return "301YNN"
                      + s.date()
                      + field("AO", t.agencyId())
                      + field("AA", card)
                      + field("AB", item)
                      + field("AJ", "")
                      + field("AH", s.date(renewal.dueDate()));
                }
                refusal = renewal.refusal();
              } else {
                refusal = ((Result.Refused<List<RenewalResult>>) result).rejection();
              }
              return s.refused(m, t, refusal);
            });
  }

  /**
   * 65/66: every loan, each by its owner's policy; renewed items in BM, the others in BN with the
   * first refusal's rule on screen.
   */
  CompletionStage<String> renewAll(SipMessage m, SipTerminal t) {
    return renewals(m, t, List.of())
        .thenApply(
            result -> {
              if (result instanceof Result.Refused<List<RenewalResult>> refused) {
                return s.refused(m, t, refused.rejection());
              }
              List<RenewalResult> all = ((Result.Ok<List<RenewalResult>>) result).value();
              List<RenewalResult> renewed = all.stream().filter(RenewalResult::renewed).toList();
              List<RenewalResult> not = all.stream().filter(r -> !r.renewed()).toList();
              StringBuilder response =
                  new StringBuilder("661")
                      .append(SipMessage.count(renewed.size()))
                      .append(SipMessage.count(not.size()))
                      .append(s.date())
                      .append(field("AO", t.agencyId()));
              renewed.forEach(r -> response.append(field("BM", r.barcode())));
              not.forEach(r -> response.append(field("BN", r.barcode())));
              if (!not.isEmpty()) {
                response.append(SipResponses.screen(t.texts(), not.get(0).refusal()));
              }
              return response.toString();
            });
  }

  private CompletionStage<Result<List<RenewalResult>>> renewals(
      SipMessage m, SipTerminal t, List<String> items) {
    String card = m.field("AA");
    return s.pinGuarded(card, t.clientId(), () -> s.desk().renew(card, m.field("AD"), items));
  }

  /**
   * A machine sends no transaction id; its transaction date and the item name the transaction, so a
   * machine that sends the same request again after losing the answer gets the same receipt.
   */
  private static String transactionId(String kind, String transactionDate, String item) {
    String id = "sip-" + kind + "-" + transactionDate.replaceAll("[^0-9]", "") + "-" + item;
    return id.replaceAll("[^A-Za-z0-9._:-]", "_").substring(0, Math.min(64, id.length()));
  }
}
