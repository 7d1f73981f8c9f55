package dk.library.circulation.sip2;

import static dk.library.circulation.sip2.SipMessage.count;
import static dk.library.circulation.sip2.SipMessage.field;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.patron.Fees;
import dk.library.circulation.patron.Loan;
import dk.library.circulation.patron.PatronReply.Status;
import dk.library.circulation.title.Hold;
import dk.library.circulation.title.HoldView;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The patron at the machine: status (23), information (63), end of session (35), fee paid (37),
 * block (01) and enable (25). Every one but the machine's own block is the patron's act, proven by
 * card and PIN as at the HTTP terminal. Contact data is never sent to a machine.
 */
final class SipPatrons {

  private static final Pattern WHOLE_KRONER = Pattern.compile("([0-9]{1,6})(\\.0{1,2})?");
  private static final Pattern TRANSACTION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

  private final SipServices s;

  SipPatrons(SipServices services) {
    this.s = services;
  }

  /** 23/24: the patron's standing, the first block on screen. */
  CompletionStage<String> status(SipMessage m, SipTerminal t) {
    return withPin(
        m, t, status -> SipServices.done(patronStatus("24", t, status) + blockScreen(t, status)));
  }

  /**
   * 63/64: counts of holds, overdue, charged and fine items, and the items of the one list the
   * summary field selects (hold, overdue, charged, fine, recall, unavailable hold), from BP to BQ.
   */
  CompletionStage<String> information(SipMessage m, SipTerminal t) {
    return withPin(
        m,
        t,
        status ->
            s.desk()
                .holds()
                .holdsOf(m.field("AA"))
                .thenApply(
                    holds -> {
                      List<HoldView> active =
                          holds instanceof Result.Ok<List<HoldView>> ok
                              ? ok.value().stream().filter(h -> h.outcome() == null).toList()
                              : List.of();
                      return information(m, t, status, active);
                    }));
  }

  private String information(SipMessage m, SipTerminal t, Status status, List<HoldView> holds) {
    LocalDate today = s.today();
    List<String> available = new ArrayList<>();
    List<String> unavailable = new ArrayList<>();
    for (HoldView hold : holds) {
      if (Hold.Status.READY.name().equals(hold.status())) {
        available.add(hold.barcode() != null ? hold.barcode() : hold.titleId());
      } else {
        unavailable.add(hold.titleId());
      }
    }
    List<String> charged = status.loans().stream().map(Loan::barcode).toList();
    List<String> overdue =
        status.loans().stream()
            .filter(l -> l.dueDate().isBefore(today))
            .map(Loan::barcode)
            .toList();
    List<String> fines = unpaid(status);
    StringBuilder response =
        new StringBuilder("64")
            .append(flags(status))
            .append(t.texts().code())
            .append(s.date())
            .append(count(available.size()))
            .append(count(overdue.size()))
            .append(count(charged.size()))
            .append(count(fines.size()))
            .append(count(0))
            .append(count(unavailable.size()))
            .append(field("AO", t.agencyId()))
            .append(field("AA", m.field("AA")))
            .append(field("AE", status.name()))
            .append(field("BL", "Y"))
            .append(field("CQ", "Y"))
            .append(field("BH", "DKK"))
            .append(field("BV", Integer.toString(status.balanceDkk())));
    String summary = m.fixed().substring(21);
    int selected = summary.indexOf('Y');
    List<List<String>> lists = List.of(available, overdue, charged, fines, List.of(), unavailable);
    List<String> codes = List.of("AS", "AT", "AU", "AV", "BU", "CD");
    if (selected >= 0 && selected < lists.size()) {
      List<String> items = lists.get(selected);
      int from = Math.max(1, number(m.field("BP"), 1));
      int to = Math.min(items.size(), number(m.field("BQ"), items.size()));
      for (int i = from; i <= to; i++) {
        response.append(field(codes.get(selected), items.get(i - 1)));
      }
    }
    return response.append(blockScreen(t, status)).toString();
  }

  /** The fees payments have not yet covered, oldest paid first: "id amount DKK reason". */
  private static List<String> unpaid(Status status) {
    int paid = status.payments().stream().mapToInt(Fees.Payment::amountDkk).sum();
    List<String> unpaid = new ArrayList<>();
    for (Fees.Fee fee : status.fees()) {
      int covered = Math.min(paid, fee.amountDkk());
      paid -= covered;
      if (covered < fee.amountDkk()) {
        unpaid.add(fee.feeId() + " " + (fee.amountDkk() - covered) + " DKK " + fee.reason());
      }
    }
    return unpaid;
  }

  /** 35/36: the core keeps no session of the patron's; the machine is told it ended. */
  CompletionStage<String> endSession(SipMessage m, SipTerminal t) {
    return SipServices.done(
        "36Y"
            + s.date()
            + field("AO", t.agencyId())
            + field("AA", m.field("AA"))
            + SipResponses.screen(t.texts().sessionEnded()));
  }

  /**
   * 37/38: a payment the machine took, in whole Danish kroner, against the patron's balance (R30).
   * The transaction id (BK, or the machine's transaction date) makes a repeated message one
   * payment.
   */
  CompletionStage<String> feePaid(SipMessage m, SipTerminal t) {
    var amount = WHOLE_KRONER.matcher(m.field("BV"));
    String currency = m.fixed().substring(22, 25);
    if (!amount.matches() || !(currency.equals("DKK") || currency.isBlank())) {
      return SipServices.done(s.refused(m, t, t.texts().wholeKroner()));
    }
    String card = m.field("AA");
    String paymentId =
        TRANSACTION_ID.matcher(m.field("BK")).matches()
            ? m.field("BK")
            : "sip-fee-" + m.fixed().substring(0, 18).replaceAll("[^0-9]", "") + "-" + card;
    int kroner = Integer.parseInt(amount.group(1));
    return withPin(
        m,
        t,
        status ->
            s.desk()
                .fees()
                .pay(card, paymentId, kroner)
                .thenApply(
                    paid ->
                        paid instanceof Result.Refused<Status> refused
                            ? s.refused(m, t, refused.rejection())
                            : "38Y"
                                + s.date()
                                + field("AO", t.agencyId())
                                + field("AA", card)
                                + field("BK", paymentId)));
  }

  /**
   * 01, answered by 24: the machine blocks the card it saw misused or retained. The patron is
   * suspended for {@code library.sip2.block-days} in the machine's name, unless a longer suspension
   * already runs; staff lift it, or a machine of the same agency with the patron's PIN (25).
   */
  CompletionStage<String> block(SipMessage m, SipTerminal t) {
    String card = m.field("AA");
    LocalDate until = s.today().plusDays(s.blockDays());
    String why = m.field("AL").replaceAll("\\p{Cntrl}", " ").strip();
    String reason =
        "blocked at a self-service machine"
            + (why.isEmpty() ? "" : ": " + why.substring(0, Math.min(100, why.length())));
    return s.desk()
        .patronStatus(card)
        .thenCompose(
            current -> {
              if (current instanceof Result.Refused<Status> refused) {
                return SipServices.done(s.refused(m, t, refused.rejection()));
              }
              Fees.Suspension running = ((Result.Ok<Status>) current).value().suspension();
              CompletionStage<Result<Status>> blocked =
                  running != null && !running.until().isBefore(until)
                      ? CompletableFuture.completedFuture(current)
                      : s.desk().fees().suspend(card, until, reason, t.actor());
              return blocked.thenApply(
                  result ->
                      result instanceof Result.Ok<Status> ok
                          ? patronStatus("24", t, ok.value())
                              + SipResponses.screen(t.texts().blockedByMachine())
                          : s.refused(m, t, ((Result.Refused<Status>) result).rejection()));
            });
  }

  /**
   * 25/26: lifts a block a machine of this agency set (01), once the patron gives the PIN. Other
   * blocks (staff suspensions, fees, lost cards) stay; the screen says the staff lift them.
   */
  CompletionStage<String> enable(SipMessage m, SipTerminal t) {
    String card = m.field("AA");
    return withPin(
        m,
        t,
        status -> {
          Fees.Suspension running = status.suspension();
          boolean byMachine =
              running != null && running.suspendedBy().startsWith("sip:" + t.agencyId() + ":");
          CompletionStage<Result<Status>> enabled =
              byMachine
                  ? s.desk().fees().liftSuspension(card, t.actor())
                  : CompletableFuture.completedFuture(Result.ok(status));
          return enabled.thenApply(
              result -> {
                if (result instanceof Result.Refused<Status> refused) {
                  return s.refused(m, t, refused.rejection());
                }
                Status now = ((Result.Ok<Status>) result).value();
                return patronStatus("26", t, now)
                    + (now.blocks().isEmpty()
                        ? ""
                        : SipResponses.screen(t.texts().blockedElsewhere())
                            + field("AG", now.blocks().get(0).code()));
              });
        });
  }

  /** Runs {@code then} with the patron's status once card and PIN match, or answers the refusal. */
  private CompletionStage<String> withPin(
      SipMessage m, SipTerminal t, Function<Status, CompletionStage<String>> then) {
    String card = m.field("AA");
    String pin = m.field("AD");
    return s.pinGuarded(card, t.clientId(), () -> s.desk().checkPin(card, pin))
        .thenCompose(
            result ->
                result instanceof Result.Ok<Status> ok
                    ? then.apply(ok.value())
                    : SipServices.done(
                        s.refused(m, t, ((Result.Refused<Status>) result).rejection())));
  }

  /**
   * The fixed part of 24 and 26 and the patron's fields: the standard's fourteen status flags, the
   * language, the date, then AO, AA, AE, BL, CQ, the balance in BH and BV.
   */
  private String patronStatus(String response, SipTerminal t, Status status) {
    return response
        + flags(status)
        + t.texts().code()
        + s.date()
        + field("AO", t.agencyId())
        + field("AA", status.cardNumber())
        + field("AE", status.name())
        + field("BL", "Y")
        + field("CQ", "Y")
        + field("BH", "DKK")
        + field("BV", Integer.toString(status.balanceDkk()));
  }

  /**
   * Charge, renewal and hold privileges denied while a block runs (R32, R33, R35, R46); excessive
   * fines and fees while fees block or a claim is with debt collection.
   */
  private static String flags(Status status) {
    boolean blocked = !status.blocks().isEmpty();
    boolean fees =
        status.blocks().stream()
            .anyMatch(b -> b.code().equals("FEES_OWED") || b.code().equals("WITH_DEBT_COLLECTION"));
    char[] flags = " ".repeat(14).toCharArray();
    if (blocked) {
      flags[0] = 'Y';
      flags[1] = 'Y';
      flags[3] = 'Y';
    }
    if (fees) {
      flags[10] = 'Y';
      flags[11] = 'Y';
    }
    return new String(flags);
  }

  private static String blockScreen(SipTerminal t, Status status) {
    if (status.blocks().isEmpty()) {
      return "";
    }
    Fees.Block block = status.blocks().get(0);
    return SipResponses.screen(
        t.texts(), Rejection.of(Rejection.Code.valueOf(block.code()), block.detail()));
  }

  private static int number(String text, int otherwise) {
    return text.matches("[0-9]{1,5}") ? Integer.parseInt(text) : otherwise;
  }
}
