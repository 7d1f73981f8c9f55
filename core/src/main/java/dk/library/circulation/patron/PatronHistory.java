package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a patron keeps of the past, and of the records elsewhere that name it. R40: loans already
 * returned, each until its window ends, and whether the journal still holds events from before the
 * last forgetting ({@code erasePending}: they are erased once the snapshot that replaces them is
 * durable, see {@link Patron}). R39: the titles whose records name the patron through a hold
 * ({@code heldTitles}), so a deleted account can have them forget it; and, once the account's
 * deletion has begun, what is left to erase ({@code accountErasure}). {@code terms}: the home
 * agency's retention at registration, which sets how long paid fees and payments are kept (R40).
 */
public record PatronHistory(
    List<Returned> returned,
    boolean erasePending,
    List<String> heldTitles,
    AccountErasure accountErasure,
    Activity activity,
    AgencyPolicy.Retention terms,
    List<EndedHold> endedHolds,
    List<NamedIn> namedIn)
    implements CborSerializable {

  /**
   * R39, R41: a record of another entity that names the patron and is found by its own id only (an
   * interlibrary request, an online payment session); recorded before that record is written, so a
   * deleted account takes it along and the export reads it.
   */
  public record NamedIn(Kind kind, String id, Instant recordedAt) implements CborSerializable {

    boolean sameAs(NamedIn other) {
      return kind == other.kind && id.equals(other.id);
    }

    public enum Kind {
      INTERLIBRARY_REQUEST,
      PAYMENT_SESSION
    }
  }

  /**
   * R40: a hold that ended (collected, cancelled, expired); the title remembers it, with the copy
   * collected, until {@code keptUntil}, when the patron has the title forget it.
   */
  public record EndedHold(String holdId, String titleEntityId, Instant keptUntil)
      implements CborSerializable {}

  /**
   * R38: when the patron last acted (registered, borrowed, returned, renewed, paid, updated their
   * contact data, logged in or opened the door), the terms an idle account is deleted under, taken
   * from the home agency's policy at registration, and whether the patron was told ({@code
   * noticedAt}) or the account flagged for staff ({@code flaggedAt}) since.
   */
  public record Activity(
      Instant lastActive, int inactiveMonths, int noticeDays, Instant noticedAt, Instant flaggedAt)
      implements CborSerializable {

    Activity acted(Instant at) {
      return at.isAfter(lastActive)
          ? new Activity(at, inactiveMonths, noticeDays, null, null)
          : this;
    }

    Activity noticed(Instant at) {
      return new Activity(lastActive, inactiveMonths, noticeDays, at, flaggedAt);
    }

    Activity flagged(Instant at) {
      return new Activity(lastActive, inactiveMonths, noticeDays, noticedAt, at);
    }
  }

  /** A returned loan, kept until {@code keptUntil} (R40). */
  public record Returned(String barcode, String checkoutId, Instant returnedAt, Instant keptUntil)
      implements CborSerializable {}

  public static final PatronHistory EMPTY =
      new PatronHistory(List.of(), false, List.of(), null, null, null, List.of(), List.of());

  /**
   * Snapshots taken before holds were remembered have no held titles; patrons registered before the
   * fee windows existed keep them by the defaults.
   */
  public PatronHistory {
    returned = returned == null ? List.of() : List.copyOf(returned);
    heldTitles = heldTitles == null ? List.of() : List.copyOf(heldTitles);
    terms = terms == null ? AgencyPolicy.Retention.DEFAULT : terms;
    endedHolds = endedHolds == null ? List.of() : List.copyOf(endedHolds);
    namedIn = namedIn == null ? List.of() : List.copyOf(namedIn);
  }

  PatronHistory withReturned(Returned r) {
    List<Returned> next = new ArrayList<>(returned);
    next.add(r);
    return new PatronHistory(
        next, erasePending, heldTitles, accountErasure, activity, terms, endedHolds, namedIn);
  }

  PatronHistory forgetting(List<String> checkoutIds) {
    return new PatronHistory(
        returned.stream().filter(r -> !checkoutIds.contains(r.checkoutId())).toList(),
        true,
        heldTitles,
        accountErasure,
        activity,
        terms,
        endedHolds,
        namedIn);
  }

  PatronHistory erased() {
    return new PatronHistory(
        returned, false, heldTitles, accountErasure, activity, terms, endedHolds, namedIn);
  }

  PatronHistory withHeldTitle(String titleEntityId) {
    if (heldTitles.contains(titleEntityId)) {
      return this;
    }
    List<String> next = new ArrayList<>(heldTitles);
    next.add(titleEntityId);
    return new PatronHistory(
        returned, erasePending, next, accountErasure, activity, terms, endedHolds, namedIn);
  }

  /** R39: the account's deletion has begun; nothing else is kept. */
  static PatronHistory erasing(AccountErasure erasure) {
    return new PatronHistory(
        List.of(), false, List.of(), erasure, null, null, List.of(), List.of());
  }

  PatronHistory withActivity(Activity next) {
    return new PatronHistory(
        returned, erasePending, heldTitles, accountErasure, next, terms, endedHolds, namedIn);
  }

  PatronHistory withEndedHold(EndedHold hold) {
    List<EndedHold> next = new ArrayList<>(endedHolds);
    next.add(hold);
    return new PatronHistory(
        returned, erasePending, heldTitles, accountErasure, activity, terms, next, namedIn);
  }

  /**
   * R40: the ended holds whose window ended by {@code at} were forgotten by their titles; a title
   * that now remembers nothing of the patron (no hold there in {@code current}, none ended and
   * kept) no longer needs remembering either.
   */
  PatronHistory endedHoldsForgotten(Instant at, Collection<String> current) {
    List<EndedHold> kept = endedHolds.stream().filter(h -> h.keptUntil().isAfter(at)).toList();
    Set<String> done = new HashSet<>();
    endedHolds.stream().filter(h -> !kept.contains(h)).forEach(h -> done.add(h.titleEntityId()));
    done.removeAll(current);
    kept.forEach(h -> done.remove(h.titleEntityId()));
    return new PatronHistory(
        returned,
        erasePending,
        heldTitles.stream().filter(t -> !done.contains(t)).toList(),
        accountErasure,
        activity,
        terms,
        kept,
        namedIn);
  }

  boolean names(NamedIn record) {
    return namedIn.stream().anyMatch(record::sameAs);
  }

  PatronHistory withNamedIn(NamedIn record) {
    if (names(record)) {
      return this;
    }
    List<NamedIn> next = new ArrayList<>(namedIn);
    next.add(record);
    return new PatronHistory(
        returned, erasePending, heldTitles, accountErasure, activity, terms, endedHolds, next);
  }

  /**
   * R40: a record erased where it was kept; the events that named it go under the snapshot taken
   * now.
   */
  PatronHistory elsewhereForgotten(NamedIn gone) {
    return new PatronHistory(
        returned,
        true,
        heldTitles,
        accountErasure,
        activity,
        terms,
        endedHolds,
        namedIn.stream().filter(n -> !n.sameAs(gone)).toList());
  }

  /** R40: these records were forgotten where they are kept. */
  PatronHistory withoutNamedIn(List<NamedIn> gone) {
    return new PatronHistory(
        returned,
        erasePending,
        heldTitles,
        accountErasure,
        activity,
        terms,
        endedHolds,
        namedIn.stream().filter(n -> gone.stream().noneMatch(n::sameAs)).toList());
  }

  /** R40: the windows of the patron's registration. */
  PatronHistory withTerms(AgencyPolicy.Retention next) {
    return new PatronHistory(
        returned, erasePending, heldTitles, accountErasure, activity, next, endedHolds, namedIn);
  }

  /** R38: the patron acted at {@code at}; profiles from before R38 start counting from it. */
  PatronHistory actedAt(Instant at, AgencyPolicy.Retention terms) {
    return withActivity(
        activity == null
            ? new Activity(
                at, terms.inactiveAccountMonths(), terms.inactivityNoticeDays(), null, null)
            : activity.acted(at));
  }
}
