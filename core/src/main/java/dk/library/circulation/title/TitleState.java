package dk.library.circulation.title;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.title.TitleEvent.CopyAdded;
import dk.library.circulation.title.TitleEvent.CopyOffered;
import dk.library.circulation.title.TitleEvent.CopyReleased;
import dk.library.circulation.title.TitleEvent.CopyShelved;
import dk.library.circulation.title.TitleEvent.DispatchDelivered;
import dk.library.circulation.title.TitleEvent.HoldChanged;
import dk.library.circulation.title.TitleEvent.HoldEnded;
import dk.library.circulation.title.TitleEvent.HoldInTransit;
import dk.library.circulation.title.TitleEvent.HoldPlaced;
import dk.library.circulation.title.TitleEvent.HoldReady;
import dk.library.circulation.title.TitleEvent.OfferDeclined;
import dk.library.circulation.title.TitleEvent.PatronForgotten;
import dk.library.circulation.title.TitleEvent.ProxyAuthorised;
import dk.library.circulation.title.TitleEvent.ReleaseRequired;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ended}: the last holds that left the queue, by id (bounded), so a repeated request is
 * answered and a hold's outcome can be looked up. {@code outbox} and {@code releases}: work owed to
 * patrons and copies, done again after a restart until confirmed.
 */
public record TitleState(
    String agencyId,
    String titleId,
    String name,
    Map<String, Copy> copies,
    List<Hold> holds,
    Map<String, HoldView> ended,
    List<Dispatch> outbox,
    List<Release> releases,
    int pickupCounter)
    implements CborSerializable {

  /** A copy to be released for a hold that ended, until the copy confirms. */
  public record Release(String holdId, String barcode) implements CborSerializable {}

  static final int REMEMBERED_ENDED = 500;

  public static TitleState empty() {
    return new TitleState(null, null, null, Map.of(), List.of(), Map.of(), List.of(), List.of(), 0);
  }

  public Optional<Hold> hold(String holdId) {
    return holds.stream().filter(h -> h.holdId().equals(holdId)).findFirst();
  }

  List<String> materialTypes() {
    return copies.values().stream().map(Copy::materialType).distinct().sorted().toList();
  }

  public HoldView view(Hold hold) {
    int position = 0;
    if (!hold.hasCopy()) {
      for (Hold h : holds) {
        if (!h.hasCopy()) {
          position++;
        }
        if (h == hold) {
          break;
        }
      }
    }
    return new HoldView(
        hold.holdId(),
        agencyId,
        titleId,
        name,
        hold.patronKey(),
        hold.pickupBranchId(),
        hold.status().name(),
        position,
        hold.copy(),
        hold.pickupNumber(),
        hold.pickupDeadline(),
        hold.notInterestedAfter(),
        hold.placedAt(),
        null);
  }

  public Optional<HoldView> lookup(String holdId) {
    Optional<HoldView> active = hold(holdId).map(this::view);
    return active.isPresent() ? active : Optional.ofNullable(ended.get(holdId));
  }

  /** The state after an event; the entity's event handler and the rule tests both use it. */
  public TitleState apply(TitleEvent event) {
    if (event instanceof CopyAdded e) {
      return copyAdded(e);
    } else if (event instanceof HoldPlaced e) {
      List<Hold> next = new ArrayList<>(holds);
      next.add(e.hold());
      return withHolds(next);
    } else if (event instanceof CopyOffered e) {
      return mapHold(e.holdId(), h -> h.offered(e.barcode()))
          .mapCopy(e.barcode(), c -> c.heldFor(e.holdId()));
    } else if (event instanceof OfferDeclined e) {
      return mapHold(e.holdId(), Hold::backInQueue)
          .mapCopy(e.barcode(), c -> c.heldFor(null).shelved(false));
    } else if (event instanceof HoldInTransit e) {
      return mapHold(e.holdId(), Hold::inTransit).mapCopy(e.barcode(), c -> c.shelved(false));
    } else if (event instanceof HoldReady e) {
      return ready(e);
    } else if (event instanceof HoldEnded e) {
      return holdEnded(e);
    } else if (event instanceof ReleaseRequired e) {
      return releaseRequired(e);
    } else if (event instanceof CopyReleased e) {
      return released(e);
    } else if (event instanceof CopyShelved e) {
      return mapCopy(e.barcode(), c -> c.shelved(e.onShelf()));
    } else if (event instanceof ProxyAuthorised e) {
      return mapHold(e.holdId(), h -> h.withProxy(e.proxyKey()));
    } else if (event instanceof HoldChanged e) {
      return mapHold(e.holdId(), h -> h.changed(e.pickupBranchId(), e.notInterestedAfter()));
    } else if (event instanceof DispatchDelivered e) {
      return delivered(e.dispatchId());
    } else if (event instanceof PatronForgotten e) {
      Map<String, HoldView> keptEnded = new LinkedHashMap<>(ended);
      keptEnded.keySet().removeAll(e.holdIds());
      List<Dispatch> keptOutbox =
          outbox.stream().filter(d -> !e.dispatchIds().contains(d.dispatchId())).toList();
      return new TitleState(
          agencyId, titleId, name, copies, holds, keptEnded, keptOutbox, releases, pickupCounter);
    }
    throw new IllegalArgumentException("unknown title event " + event);
  }

  TitleState copyAdded(CopyAdded e) {
    Map<String, Copy> next = new LinkedHashMap<>(copies);
    next.put(e.copy().barcode(), e.copy());
    return new TitleState(
        e.agencyId(), e.titleId(), e.name(), next, holds, ended, outbox, releases, pickupCounter);
  }

  TitleState withHolds(List<Hold> next) {
    return new TitleState(
        agencyId, titleId, name, copies, List.copyOf(next), ended, outbox, releases, pickupCounter);
  }

  TitleState mapHold(String holdId, java.util.function.UnaryOperator<Hold> change) {
    return withHolds(
        holds.stream().map(h -> h.holdId().equals(holdId) ? change.apply(h) : h).toList());
  }

  TitleState mapCopy(String barcode, java.util.function.UnaryOperator<Copy> change) {
    Copy copy = copies.get(barcode);
    if (copy == null) {
      return this;
    }
    Map<String, Copy> next = new LinkedHashMap<>(copies);
    next.put(barcode, change.apply(copy));
    return new TitleState(
        agencyId, titleId, name, next, holds, ended, outbox, releases, pickupCounter);
  }

  TitleState ready(HoldReady e) {
    List<Dispatch> nextOutbox = new ArrayList<>(outbox);
    nextOutbox.add(e.notice());
    TitleState s =
        mapHold(e.holdId(), h -> h.ready(e.pickupNumber(), e.pickupDeadline(), e.pickupToken()));
    return new TitleState(
        agencyId,
        titleId,
        name,
        s.copies,
        s.holds,
        ended,
        List.copyOf(nextOutbox),
        releases,
        Math.max(pickupCounter, e.pickupNumber()));
  }

  TitleState holdEnded(HoldEnded e) {
    Optional<Hold> hold = hold(e.holdId());
    if (hold.isEmpty()) {
      return this;
    }
    LinkedHashMap<String, HoldView> nextEnded = new LinkedHashMap<>(ended);
    HoldView last = view(hold.get());
    nextEnded.put(
        e.holdId(),
        new HoldView(
            last.holdId(),
            last.agencyId(),
            last.titleId(),
            last.title(),
            last.patronKey(),
            last.pickupBranchId(),
            "ENDED",
            0,
            last.barcode(),
            last.pickupNumber(),
            last.pickupDeadline(),
            last.notInterestedAfter(),
            last.placedAt(),
            e.outcome()));
    while (nextEnded.size() > REMEMBERED_ENDED) {
      nextEnded.remove(nextEnded.keySet().iterator().next());
    }
    List<Dispatch> nextOutbox = new ArrayList<>(outbox);
    nextOutbox.addAll(e.dispatches());
    List<Release> nextReleases = new ArrayList<>(releases);
    if (e.releaseCopy() != null) {
      nextReleases.add(new Release(e.holdId(), e.releaseCopy()));
    }
    TitleState s = this;
    if (e.outcome() == Hold.Outcome.COLLECTED && hold.get().copy() != null) {
      s = s.mapCopy(hold.get().copy(), c -> c.heldFor(null).shelved(false));
    }
    return new TitleState(
        agencyId,
        titleId,
        name,
        s.copies,
        holds.stream().filter(h -> !h.holdId().equals(e.holdId())).toList(),
        nextEnded,
        List.copyOf(nextOutbox),
        List.copyOf(nextReleases),
        pickupCounter);
  }

  TitleState releaseRequired(ReleaseRequired e) {
    List<Release> next = new ArrayList<>(releases);
    next.add(new Release(e.holdId(), e.barcode()));
    return new TitleState(
        agencyId, titleId, name, copies, holds, ended, outbox, List.copyOf(next), pickupCounter);
  }

  TitleState released(CopyReleased e) {
    TitleState s =
        mapCopy(
            e.barcode(),
            c -> (e.holdId().equals(c.heldFor()) ? c.heldFor(null) : c).shelved(e.onShelf()));
    List<Release> next =
        releases.stream()
            .filter(r -> !(r.holdId().equals(e.holdId()) && r.barcode().equals(e.barcode())))
            .toList();
    return new TitleState(
        agencyId, titleId, name, s.copies, holds, ended, outbox, next, pickupCounter);
  }

  TitleState delivered(String dispatchId) {
    List<Dispatch> next = outbox.stream().filter(d -> !d.dispatchId().equals(dispatchId)).toList();
    return new TitleState(
        agencyId, titleId, name, copies, holds, ended, next, releases, pickupCounter);
  }
}
