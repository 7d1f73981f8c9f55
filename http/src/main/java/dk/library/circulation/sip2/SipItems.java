package dk.library.circulation.sip2;

import static dk.library.circulation.sip2.SipMessage.field;

import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.desk.HoldRequest;
import dk.library.circulation.desk.ItemStatus;
import dk.library.circulation.patron.PatronReply.Status;
import dk.library.circulation.title.Hold;
import dk.library.circulation.title.HoldView;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Items and holds at the machine: item information (17), item status update (19) and holds placed
 * or cancelled by the patron with card and PIN (15), at the login's agency.
 */
final class SipItems {

  private static final Pattern TITLE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

  private final SipServices s;

  SipItems(SipServices services) {
    this.s = services;
  }

  /**
   * 17/18: circulation status (03 available, 04 charged, 08 on the hold shelf), the due date, the
   * title, the owner and where the copy was last seen. Items of the login's agency only, as over
   * HTTP; another agency's item is unknown here.
   */
  CompletionStage<String> information(SipMessage m, SipTerminal t) {
    String barcode = m.field("AB");
    return ownItem(barcode, t)
        .thenApply(
            result -> {
              if (result instanceof Result.Refused<ItemStatus> refused) {
                return s.refused(m, t, refused.rejection());
              }
              ItemStatus item = ((Result.Ok<ItemStatus>) result).value();
              String circulation = item.onLoan() ? "04" : item.heldFor() != null ? "08" : "03";
              return "18"
                  + circulation
                  + "00"
                  + "01"
                  + s.date()
                  + (item.dueDate() == null ? "" : field("AH", s.date(item.dueDate())))
                  + field("AB", barcode)
                  + field("AJ", item.item().title())
                  + field("BG", item.item().agencyId())
                  + field("CK", item.item().materialType().equals("book") ? "001" : "000")
                  + field("AQ", item.item().agencyId())
                  + (item.location() == null ? "" : field("AP", item.location()));
            });
  }

  /**
   * 19/20: item properties (CH) belong to the catalogue, so none are set here; the machine is told
   * so, with the item's title when the item is known.
   */
  CompletionStage<String> statusUpdate(SipMessage m, SipTerminal t) {
    String barcode = m.field("AB");
    return ownItem(barcode, t)
        .thenApply(
            result -> {
              if (result instanceof Result.Refused<ItemStatus> refused) {
                return s.refused(m, t, refused.rejection());
              }
              return "200"
                  + s.date()
                  + field("AB", barcode)
                  + field("AJ", ((Result.Ok<ItemStatus>) result).value().item().title())
                  + SipResponses.screen(t.texts().itemPropertiesNotKept());
            });
  }

  /**
   * 15/16: '+' places a hold on the title (AJ, or the title of item AB) at the login's agency, to
   * be collected at BS or the machine's branch, not wanted after BW; a hold of type 3 asks for that
   * copy. '-' cancels the patron's hold on the title. The hold id comes from the machine's
   * transaction date and the title, so a repeated message is the same hold (R25, R27).
   */
  CompletionStage<String> hold(SipMessage m, SipTerminal t) {
    char mode = m.fixed().charAt(0);
    String card = m.field("AA");
    String pin = m.field("AD");
    if (mode != '+' && mode != '-') {
      return SipServices.done(s.refused(m, t, t.texts().holdChangeNotHere()));
    }
    if (m.field("AJ").isEmpty() && m.field("AB").isEmpty()) {
      return SipServices.done(s.refused(m, t, t.texts().titleOrItemRequired()));
    }
    return s.pinGuarded(card, t.clientId(), () -> s.desk().checkPin(card, pin))
        .thenCompose(
            patron -> {
              if (patron instanceof Result.Refused<Status> refused) {
                return SipServices.done(s.refused(m, t, refused.rejection()));
              }
              return title(m, t)
                  .thenCompose(
                      title -> {
                        if (title instanceof Result.Refused<String> refused) {
                          return SipServices.done(s.refused(m, t, refused.rejection()));
                        }
                        String titleId = ((Result.Ok<String>) title).value();
                        return mode == '+' ? place(m, t, titleId) : cancel(m, t, titleId);
                      });
            });
  }

  private CompletionStage<String> place(SipMessage m, SipTerminal t, String titleId) {
    String pickup = m.field("BS").isEmpty() ? t.branchId() : m.field("BS");
    String id = "sip-hold-" + m.fixed().substring(1, 19).replaceAll("[^0-9]", "") + "-" + titleId;
    // Hold ids are the title's own, so a cut id still names one hold of this title.
    String holdId = id.substring(0, Math.min(64, id.length()));
    HoldRequest request =
        new HoldRequest(
            holdId,
            m.field("AA"),
            t.agencyId(),
            titleId,
            pickup,
            m.field("BY").equals("3") ? m.field("AB") : null,
            expiry(m.field("BW")));
    return s.desk().holds().place(request).thenApply(result -> answer(m, t, result));
  }

  private CompletionStage<String> cancel(SipMessage m, SipTerminal t, String titleId) {
    String card = m.field("AA");
    return s.desk()
        .holds()
        .holdsOf(card)
        .thenCompose(
            holds -> {
              List<HoldView> mine =
                  holds instanceof Result.Ok<List<HoldView>> ok
                      ? ok.value().stream()
                          .filter(h -> h.outcome() == null)
                          .filter(h -> h.agencyId().equals(t.agencyId()))
                          .filter(h -> h.titleId().equals(titleId))
                          .toList()
                      : List.of();
              if (mine.isEmpty()) {
                return SipServices.done(s.refused(m, t, t.texts().noHoldOnTitle()));
              }
              return s.desk()
                  .holds()
                  .cancel(card, t.agencyId(), titleId, mine.get(0).holdId())
                  .thenApply(result -> answer(m, t, result));
            });
  }

  private String answer(SipMessage m, SipTerminal t, Result<HoldView> result) {
    if (result instanceof Result.Refused<HoldView> refused) {
      return s.refused(m, t, refused.rejection());
    }
    HoldView hold = ((Result.Ok<HoldView>) result).value();
    boolean ready = Hold.Status.READY.name().equals(hold.status());
    return "161"
        + (ready ? "Y" : "N")
        + s.date()
        + (hold.notInterestedAfter() == null ? "" : field("BW", s.date(hold.notInterestedAfter())))
        + (hold.outcome() == null && hold.position() > 0
            ? field("BR", Integer.toString(hold.position()))
            : "")
        + field("BS", hold.pickupBranchId())
        + field("AO", t.agencyId())
        + field("AA", m.field("AA"))
        + (m.field("AB").isEmpty() ? "" : field("AB", m.field("AB")))
        + field("AJ", hold.title() == null ? hold.titleId() : hold.title());
  }

  /** The title a hold message names: AJ as the title id, or the title of item AB. */
  private CompletionStage<Result<String>> title(SipMessage m, SipTerminal t) {
    String titleId = m.field("AJ");
    if (!titleId.isEmpty()) {
      return SipServices.done(
          TITLE_ID.matcher(titleId).matches()
              ? Result.ok(titleId)
              : Result.refused(
                  Rejection.of(
                      Rejection.Code.TITLE_NOT_HELD, "the agency holds no title " + titleId)));
    }
    return ownItem(m.field("AB"), t).thenApply(item -> item.map(i -> i.item().titleId()));
  }

  /** The item, if it is the login's agency's; another agency's item answers as unknown. */
  private CompletionStage<Result<ItemStatus>> ownItem(String barcode, SipTerminal t) {
    return s.desk()
        .itemStatus(barcode)
        .thenApply(
            result ->
                result instanceof Result.Ok<ItemStatus> ok
                        && !ok.value().item().agencyId().equals(t.agencyId())
                    ? Result.refused(
                        Rejection.of(
                            Rejection.Code.ITEM_NOT_FOUND,
                            "no item is registered with barcode " + barcode))
                    : result);
  }

  /** BW, the date after which the patron no longer wants the hold; blank or unreadable: none. */
  private static LocalDate expiry(String date) {
    if (!date.matches("[0-9]{8}.*")) {
      return null;
    }
    try {
      return LocalDate.parse(
          date.substring(0, 4) + "-" + date.substring(4, 6) + "-" + date.substring(6, 8));
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }
}
