package dk.library.circulation.title;

import static dk.library.circulation.Rejection.Code.HOLD_ALREADY_ALLOCATED;
import static dk.library.circulation.Rejection.Code.HOLD_ALREADY_PLACED;
import static dk.library.circulation.Rejection.Code.HOLD_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.HOLD_NOT_READY;
import static dk.library.circulation.Rejection.Code.ITEM_LEVEL_HOLDS_NOT_ALLOWED;
import static dk.library.circulation.Rejection.Code.NOT_AUTHORISED_TO_COLLECT;
import static dk.library.circulation.Rejection.Code.NOT_RESERVABLE;
import static dk.library.circulation.Rejection.Code.TITLE_NOT_HELD;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The hold queue of one title at one agency as pure functions (R18, R23, R25-R28). */
public final class TitleRules {

  private TitleRules() {}

  /** The first copy makes the title known; registering a copy again changes nothing. */
  public static Decision<TitleEvent> addCopies(TitleState state, TitleCommand.AddCopies cmd) {
    Map<String, TitleEvent> added = new LinkedHashMap<>();
    for (TitleCommand.NewCopy copy : cmd.copies()) {
      if (!state.copies().containsKey(copy.barcode())) {
        added.putIfAbsent(
            copy.barcode(),
            new TitleEvent.CopyAdded(
                cmd.agencyId(),
                cmd.titleId(),
                cmd.name(),
                new Copy(copy.barcode(), copy.materialType(), true, null)));
      }
    }
    return added.isEmpty()
        ? Decision.unchanged()
        : new Decision.Persist<>(List.copyOf(added.values()));
  }

  /**
   * R25: a patron reserves a title the agency holds, in placement order; R23: only material its
   * policy lets be reserved; R27: at the pickup branch the patron chose. A repeat of the same hold
   * id changes nothing.
   */
  public static Decision<TitleEvent> placeHold(
      TitleState state, TitleCommand.PlaceHold cmd, Instant now) {
    if (state.hold(cmd.holdId()).isPresent() || state.ended().containsKey(cmd.holdId())) {
      return Decision.unchanged();
    }
    if (state.copies().isEmpty()) {
      return Decision.refuse(
          TITLE_NOT_HELD,
          "agency "
              + cmd.agencyId()
              + " holds no copy of title "
              + cmd.titleId()
              + "; ask for it from another agency (interlibrary request)");
    }
    if (cmd.barcode() != null) {
      if (!cmd.itemLevelHoldsAllowed()) {
        return Decision.refuse(
            ITEM_LEVEL_HOLDS_NOT_ALLOWED,
            "agency " + cmd.agencyId() + " takes holds on titles, not on single copies");
      }
      if (!state.copies().containsKey(cmd.barcode())) {
        return Decision.refuse(
            HOLD_NOT_FOUND, "item " + cmd.barcode() + " is not a copy of title " + cmd.titleId());
      }
    }
    boolean reservable =
        state.copies().values().stream()
            .filter(c -> cmd.barcode() == null || c.barcode().equals(cmd.barcode()))
            .anyMatch(c -> cmd.reservableTypes().contains(c.materialType()));
    if (!reservable) {
      return Decision.refuse(
          NOT_RESERVABLE,
          "title "
              + cmd.titleId()
              + " is "
              + state.materialTypes()
              + " material, which agency "
              + cmd.agencyId()
              + " does not let be reserved (R23)");
    }
    boolean alreadyQueued =
        state.holds().stream().anyMatch(h -> h.patronKey().equals(cmd.patronKey()));
    if (alreadyQueued) {
      return Decision.refuse(
          HOLD_ALREADY_PLACED, "the patron already has a hold on title " + cmd.titleId());
    }
    return Decision.persist(
        new TitleEvent.HoldPlaced(
            Hold.waiting(
                cmd.holdId(),
                cmd.patronKey(),
                cmd.pickupBranchId(),
                now,
                cmd.notInterestedAfter(),
                cmd.barcode(),
                cmd.pickupDays())));
  }

  /**
   * The next copy to offer, if no offer is under way: the first hold in placement order that a copy
   * on the shelf, not held for anyone, can fill. Holds past their "not interested after" date are
   * skipped (and ended by {@link #lapsedAndExpired}).
   */
  public static Optional<TitleEvent.CopyOffered> nextOffer(TitleState state, LocalDate today) {
    if (state.holds().stream().anyMatch(h -> h.status() == Hold.Status.OFFERED)) {
      return Optional.empty();
    }
    for (Hold hold : state.holds()) {
      if (hold.status() != Hold.Status.WAITING || hold.lapsedOn(today)) {
        continue;
      }
      Optional<Copy> copy =
          state.copies().values().stream()
              .filter(c -> c.onShelf() && c.heldFor() == null)
              .filter(c -> hold.barcode() == null || c.barcode().equals(hold.barcode()))
              .findFirst();
      if (copy.isPresent()) {
        return Optional.of(new TitleEvent.CopyOffered(hold.holdId(), copy.get().barcode()));
      }
    }
    return Optional.empty();
  }

  /**
   * The item's answer to an offer. Held at the pickup branch: ready with a pickup number, the
   * deadline already in the deadline index, and a notice to the patron (R26). Held elsewhere: in
   * transit to the pickup branch (R27). Not available: the copy is not on the shelf after all and
   * the hold waits again. An answer for a hold that has meanwhile left the queue releases the copy.
   */
  public static Decision<TitleEvent> answerOffer(
      TitleState state, TitleCommand.OfferAnswered answer, String token) {
    Optional<Hold> found = state.hold(answer.holdId());
    boolean current =
        found.isPresent()
            && found.get().status() == Hold.Status.OFFERED
            && answer.barcode().equals(found.get().copy());
    if (!current) {
      return answer.held()
          ? Decision.persist(new TitleEvent.ReleaseRequired(answer.holdId(), answer.barcode()))
          : Decision.unchanged();
    }
    Hold hold = found.get();
    if (!answer.held()) {
      return Decision.persist(new TitleEvent.OfferDeclined(hold.holdId(), answer.barcode()));
    }
    if (!hold.pickupBranchId().equals(answer.location())) {
      return Decision.persist(new TitleEvent.HoldInTransit(hold.holdId(), answer.barcode()));
    }
    return Decision.persist(ready(state, hold, answer.deadline(), token));
  }

  /** R27: a copy in transit has reached the pickup branch; it is now ready for pickup. */
  public static Decision<TitleEvent> arrive(
      TitleState state,
      String holdId,
      String barcode,
      String branchId,
      Instant deadline,
      String token) {
    Optional<Hold> found = state.hold(holdId);
    if (found.isEmpty() || !barcode.equals(found.get().copy())) {
      return Decision.refuse(
          HOLD_NOT_FOUND, "item " + barcode + " is not held for an active hold " + holdId);
    }
    Hold hold = found.get();
    // Ready already, or passing through another branch: the answer says where the copy goes.
    if (hold.status() == Hold.Status.READY || !hold.pickupBranchId().equals(branchId)) {
      return Decision.unchanged();
    }
    if (hold.status() != Hold.Status.IN_TRANSIT) {
      return Decision.refuse(
          HOLD_NOT_READY, "item " + barcode + " is not on its way to hold " + holdId + " yet");
    }
    return Decision.persist(ready(state, hold, deadline, token));
  }

  private static TitleEvent.HoldReady ready(
      TitleState state, Hold hold, Instant deadline, String token) {
    int number = state.pickupCounter() + 1;
    Map<String, String> data =
        Map.of(
            "title", String.valueOf(state.name()),
            "branch", hold.pickupBranchId(),
            "pickupNumber", String.valueOf(number),
            "collectBy", deadline.toString(),
            "pickupToken", token);
    return new TitleEvent.HoldReady(
        hold.holdId(),
        number,
        deadline,
        token,
        Dispatch.notice(hold.holdId(), hold.patronKey(), "hold-ready", data));
  }

  /**
   * The holder cancels; staff may cancel any hold. A copy held for it is released to the next in
   * line. Cancelling a hold that has already left the queue changes nothing.
   */
  public static Decision<TitleEvent> cancel(TitleState state, String holdId, String patronKey) {
    // Whose hold it is comes first, whatever its state: another patron's hold, active or ended,
    // answers as unknown.
    HoldView ended = state.ended().get(holdId);
    Optional<Hold> found = state.hold(holdId);
    String holder = ended != null ? ended.patronKey() : found.map(Hold::patronKey).orElse(null);
    if (holder == null || (patronKey != null && !holder.equals(patronKey))) {
      return Decision.refuse(HOLD_NOT_FOUND, "no hold " + holdId + " of this patron");
    }
    if (ended != null) {
      return Decision.unchanged();
    }
    return Decision.persist(ended(found.get(), Hold.Outcome.CANCELLED, List.of()));
  }

  /**
   * The holder changes their hold: the "not interested after" date while it waits (R25), and the
   * pickup branch (R27) only while no copy is allocated to it, since an allocated copy is already
   * on its way to, or waiting at, the branch chosen. Another patron's hold answers as unknown.
   */
  public static Decision<TitleEvent> change(TitleState state, TitleCommand.ChangeHold cmd) {
    Optional<Hold> found = state.hold(cmd.holdId());
    if (found.isEmpty() || !found.get().patronKey().equals(cmd.patronKey())) {
      return Decision.refuse(HOLD_NOT_FOUND, "no hold " + cmd.holdId() + " of this patron");
    }
    Hold hold = found.get();
    String branch = cmd.pickupBranchId() == null ? hold.pickupBranchId() : cmd.pickupBranchId();
    LocalDate until =
        cmd.notInterestedAfter() == null ? hold.notInterestedAfter() : cmd.notInterestedAfter();
    if (branch.equals(hold.pickupBranchId()) && Objects.equals(until, hold.notInterestedAfter())) {
      return Decision.unchanged();
    }
    if (hold.hasCopy()) {
      return Decision.refuse(
          HOLD_ALREADY_ALLOCATED,
          "a copy is already allocated to hold "
              + cmd.holdId()
              + (hold.status() == Hold.Status.READY
                  ? " and waits at " + hold.pickupBranchId() + "; collect it there"
                  : " and goes to " + hold.pickupBranchId() + "; it can no longer be changed"));
    }
    return Decision.persist(new TitleEvent.HoldChanged(cmd.holdId(), branch, until));
  }

  /**
   * R26: holds not collected by their deadline expire and their copies go to the next in line;
   * holds still waiting after their "not interested after" date end too. Each patron is told.
   */
  public static Decision<TitleEvent> lapsedAndExpired(
      TitleState state, Instant now, LocalDate today) {
    List<TitleEvent> events = new ArrayList<>();
    for (Hold hold : state.holds()) {
      if (hold.status() == Hold.Status.READY && !hold.pickupDeadline().isAfter(now)) {
        events.add(
            ended(
                hold,
                Hold.Outcome.EXPIRED,
                List.of(
                    Dispatch.notice(
                        hold.holdId(),
                        hold.patronKey(),
                        "hold-expired",
                        Map.of("title", String.valueOf(state.name()))))));
      } else if (hold.lapsedOn(today)) {
        events.add(ended(hold, Hold.Outcome.NOT_INTERESTED_ANY_MORE, List.of()));
      }
    }
    return events.isEmpty() ? Decision.unchanged() : new Decision.Persist<>(events);
  }

  /** The copy held for the hold has been lent to its holder or a proxy. */
  public static Decision<TitleEvent> collected(TitleState state, String holdId) {
    return state
        .hold(holdId)
        .<Decision<TitleEvent>>map(
            h -> Decision.persist(ended(h, Hold.Outcome.COLLECTED, List.of())))
        .orElse(Decision.unchanged());
  }

  private static TitleEvent.HoldEnded ended(
      Hold hold, Hold.Outcome outcome, List<Dispatch> notices) {
    List<Dispatch> dispatches = new ArrayList<>(notices);
    dispatches.add(Dispatch.holdEnded(hold.holdId(), hold.patronKey()));
    boolean release = hold.hasCopy() && outcome != Hold.Outcome.COLLECTED;
    return new TitleEvent.HoldEnded(
        hold.holdId(), hold.patronKey(), outcome, release ? hold.copy() : null, dispatches);
  }

  /** R28: the holder authorises another patron to collect the copy for them. */
  public static Decision<TitleEvent> authoriseProxy(
      TitleState state, String holdId, String holderKey, String proxyKey) {
    Optional<Hold> found = state.hold(holdId);
    if (found.isEmpty() || !found.get().patronKey().equals(holderKey)) {
      return Decision.refuse(HOLD_NOT_FOUND, "no hold " + holdId + " of this patron");
    }
    if (found.get().proxies().contains(proxyKey)) {
      return Decision.unchanged();
    }
    return Decision.persist(new TitleEvent.ProxyAuthorised(holdId, proxyKey));
  }

  /**
   * R28: who may collect a held copy: the holder, a patron the holder authorised, or whoever bears
   * the forwarded pickup notice's token; never a proxy for material that must be collected in
   * person. Null when the collector may take it.
   */
  public static Rejection collectRefusal(
      TitleState state, String holdId, String collectorKey, String pickupToken, boolean noProxy) {
    Optional<Hold> found = state.hold(holdId);
    if (found.isEmpty()) {
      return Rejection.of(HOLD_NOT_FOUND, "no active hold " + holdId);
    }
    Hold hold = found.get();
    if (hold.status() != Hold.Status.READY) {
      return Rejection.of(
          HOLD_NOT_READY, "the copy for hold " + holdId + " is not ready for pickup yet");
    }
    if (hold.patronKey().equals(collectorKey)) {
      return null;
    }
    if (noProxy) {
      return Rejection.of(
          NOT_AUTHORISED_TO_COLLECT,
          "this material must be collected by the patron who reserved it, not by a proxy (R28)");
    }
    boolean authorised =
        hold.proxies().contains(collectorKey)
            || (pickupToken != null
                && hold.pickupToken() != null
                && MessageDigest.isEqual(
                    pickupToken.getBytes(StandardCharsets.UTF_8),
                    hold.pickupToken().getBytes(StandardCharsets.UTF_8)));
    return authorised
        ? null
        : Rejection.of(
            NOT_AUTHORISED_TO_COLLECT,
            "the copy is held for another patron; a proxy needs the holder's authorisation or the"
                + " forwarded pickup notice (R28)");
  }

  /**
   * R18: does a patron other than {@code patronKey} wait for a copy that {@code barcode} could
   * fill?
   */
  public static boolean reservedByOthers(TitleState state, String patronKey, String barcode) {
    return state.holds().stream()
        .anyMatch(
            h ->
                !h.patronKey().equals(patronKey)
                    && (h.status() == Hold.Status.WAITING || h.status() == Hold.Status.OFFERED)
                    && (h.barcode() == null || h.barcode().equals(barcode)));
  }
}
