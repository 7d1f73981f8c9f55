package dk.library.circulation.title;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hold queue's rules as pure functions: state + command + clock -> events or a refusal. */
class TitleRulesTest {

  static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
  static final LocalDate TODAY = LocalDate.parse("2026-11-22");

  static TitleState apply(TitleState state, Decision<TitleEvent> decision) {
    assertInstanceOf(Decision.Persist.class, decision, decision.toString());
    TitleState s = state;
    for (TitleEvent e : ((Decision.Persist<TitleEvent>) decision).events()) {
      s = s.apply(e);
    }
    return s;
  }

  static TitleState withCopies(String... types) {
    TitleState s = TitleState.empty();
    int n = 0;
    for (String type : types) {
      s =
          apply(
              s,
              TitleRules.addCopies(
                  s,
                  new TitleCommand.AddCopies(
                      "A1",
                      "T1",
                      "Kongens Fald",
                      List.of(new TitleCommand.NewCopy("X" + (++n), type)),
                      null)));
    }
    return s;
  }

  static TitleCommand.PlaceHold place(String holdId, String patron, String pickup) {
    return new TitleCommand.PlaceHold(
        holdId, patron, "A1", "T1", pickup, null, null, Set.of("book"), false, 7, null);
  }

  static TitleState placed(TitleState s, String holdId, String patron) {
    return apply(s, TitleRules.placeHold(s, place(holdId, patron, "main"), NOW));
  }

  static Rejection.Code refusal(Decision<?> decision) {
    return ((Decision.Refuse<?>) decision).rejection().code();
  }

  @Test
  void R25_holdsQueueInPlacementOrderAndShowTheirPosition() {
    TitleState s = placed(placed(withCopies("book"), "h1", "P1"), "h2", "P2");
    assertEquals(1, s.view(s.hold("h1").orElseThrow()).position());
    assertEquals(2, s.view(s.hold("h2").orElseThrow()).position());
    assertInstanceOf(
        Decision.Unchanged.class, TitleRules.placeHold(s, place("h1", "P1", "main"), NOW));
    assertEquals(
        Rejection.Code.HOLD_ALREADY_PLACED,
        refusal(TitleRules.placeHold(s, place("h3", "P1", "main"), NOW)));
  }

  @Test
  void R25_aTitleTheAgencyDoesNotHoldIsRefused() {
    assertEquals(
        Rejection.Code.TITLE_NOT_HELD,
        refusal(TitleRules.placeHold(TitleState.empty(), place("h1", "P1", "main"), NOW)));
  }

  @Test
  void R23_onlyMaterialThePolicyLetsBeReservedCanBeReserved() {
    TitleState reference = withCopies("reference");
    assertEquals(
        Rejection.Code.NOT_RESERVABLE,
        refusal(TitleRules.placeHold(reference, place("h1", "P1", "main"), NOW)));
    TitleState mixed = withCopies("reference", "book");
    assertInstanceOf(
        Decision.Persist.class, TitleRules.placeHold(mixed, place("h1", "P1", "main"), NOW));
  }

  @Test
  void R26_theFirstWaitingHoldIsOfferedTheFreeCopyOneOfferAtATime() {
    TitleState s = placed(placed(withCopies("book", "book"), "h1", "P1"), "h2", "P2");
    TitleEvent.CopyOffered first = TitleRules.nextOffer(s, TODAY).orElseThrow();
    assertEquals("h1", first.holdId());
    s = apply(s, Decision.persist(first));
    assertTrue(TitleRules.nextOffer(s, TODAY).isEmpty(), "one offer under way at a time");
    s =
        apply(
            s,
            TitleRules.answerOffer(
                s,
                new TitleCommand.OfferAnswered(
                    "h1", "X1", true, "main", NOW.plus(Duration.ofDays(7))),
                "tok"));
    TitleEvent.CopyOffered second = TitleRules.nextOffer(s, TODAY).orElseThrow();
    assertEquals("h2", second.holdId());
    assertEquals("X2", second.barcode(), "a copy is never offered to two holds");
  }

  @Test
  void R26_aReadyHoldHasAPickupNumberADeadlineAndANoticeForItsPatron() {
    TitleState s = placed(withCopies("book"), "h1", "P1");
    s = apply(s, Decision.persist(TitleRules.nextOffer(s, TODAY).orElseThrow()));
    Instant deadline = NOW.plus(Duration.ofDays(7));
    Decision<TitleEvent> ready =
        TitleRules.answerOffer(
            s, new TitleCommand.OfferAnswered("h1", "X1", true, "main", deadline), "tok");
    TitleEvent.HoldReady event =
        (TitleEvent.HoldReady) ((Decision.Persist<TitleEvent>) ready).events().get(0);
    assertEquals(1, event.pickupNumber());
    assertEquals(deadline, event.pickupDeadline());
    assertEquals("P1", event.notice().patronKey());
    assertEquals("hold-ready", event.notice().templateKey());
    assertEquals("1", event.notice().data().get("pickupNumber"));
  }

  @Test
  void R26_aCopyNotCollectedByTheDeadlineExpiresAndIsReleasedToTheNextInLine() {
    TitleState s = placed(placed(withCopies("book"), "h1", "P1"), "h2", "P2");
    s = apply(s, Decision.persist(TitleRules.nextOffer(s, TODAY).orElseThrow()));
    Instant deadline = NOW.plus(Duration.ofDays(7));
    s =
        apply(
            s,
            TitleRules.answerOffer(
                s, new TitleCommand.OfferAnswered("h1", "X1", true, "main", deadline), "tok"));
    assertInstanceOf(
        Decision.Unchanged.class,
        TitleRules.lapsedAndExpired(s, deadline.minusSeconds(1), TODAY.plusDays(6)));
    Decision<TitleEvent> expired = TitleRules.lapsedAndExpired(s, deadline, TODAY.plusDays(7));
    TitleEvent.HoldEnded ended =
        (TitleEvent.HoldEnded) ((Decision.Persist<TitleEvent>) expired).events().get(0);
    assertEquals(Hold.Outcome.EXPIRED, ended.outcome());
    assertEquals("X1", ended.releaseCopy());
    assertEquals(
        List.of("hold-expired", "ended"),
        ended.dispatches().stream().map(d -> d.dispatchId().substring(3)).toList());
  }

  @Test
  void R27_aCopyHeldAtAnotherBranchTravelsAndIsReadyOnArrivalAtThePickupBranch() {
    TitleState s = withCopies("book");
    s = apply(s, TitleRules.placeHold(s, place("h1", "P1", "north"), NOW));
    s = apply(s, Decision.persist(TitleRules.nextOffer(s, TODAY).orElseThrow()));
    s =
        apply(
            s,
            TitleRules.answerOffer(
                s, new TitleCommand.OfferAnswered("h1", "X1", true, "main", null), "tok"));
    assertEquals(Hold.Status.IN_TRANSIT, s.hold("h1").orElseThrow().status());
    assertInstanceOf(
        Decision.Unchanged.class, TitleRules.arrive(s, "h1", "X1", "main", NOW, "tok"));
    s = apply(s, TitleRules.arrive(s, "h1", "X1", "north", NOW.plus(Duration.ofDays(7)), "tok"));
    assertEquals(Hold.Status.READY, s.hold("h1").orElseThrow().status());
  }

  @Test
  void R25_R27_theHolderChangesAWaitingHoldButNotOneACopyIsAllocatedTo() {
    TitleState s = placed(withCopies("book"), "h1", "P1");
    LocalDate later = TODAY.plusDays(60);
    assertEquals(
        Rejection.Code.HOLD_NOT_FOUND,
        refusal(
            TitleRules.change(s, new TitleCommand.ChangeHold("h1", "P2", "north", null, null))));
    s =
        apply(
            s, TitleRules.change(s, new TitleCommand.ChangeHold("h1", "P1", "north", later, null)));
    Hold changed = s.hold("h1").orElseThrow();
    assertEquals("north", changed.pickupBranchId());
    assertEquals(later, changed.notInterestedAfter());
    assertInstanceOf(
        Decision.Unchanged.class,
        TitleRules.change(s, new TitleCommand.ChangeHold("h1", "P1", null, null, null)));

    s = apply(s, Decision.persist(TitleRules.nextOffer(s, TODAY).orElseThrow()));
    assertEquals(
        Rejection.Code.HOLD_ALREADY_ALLOCATED,
        refusal(TitleRules.change(s, new TitleCommand.ChangeHold("h1", "P1", "main", null, null))));
    assertEquals("north", s.hold("h1").orElseThrow().pickupBranchId());
  }

  @Test
  void R28_theHolderTheirProxyOrTheNoticesBearerMayCollect_neverAProxyForNoProxyMaterial() {
    TitleState s = placed(withCopies("book"), "h1", "P1");
    s = apply(s, Decision.persist(TitleRules.nextOffer(s, TODAY).orElseThrow()));
    s =
        apply(
            s,
            TitleRules.answerOffer(
                s, new TitleCommand.OfferAnswered("h1", "X1", true, "main", NOW), "secret"));
    assertNull(TitleRules.collectRefusal(s, "h1", "P1", null, false));
    assertEquals(
        Rejection.Code.NOT_AUTHORISED_TO_COLLECT,
        TitleRules.collectRefusal(s, "h1", "P2", null, false).code());
    assertNull(TitleRules.collectRefusal(s, "h1", "P2", "secret", false));
    assertEquals(
        Rejection.Code.NOT_AUTHORISED_TO_COLLECT,
        TitleRules.collectRefusal(s, "h1", "P2", "wrong", false).code());
    s = apply(s, TitleRules.authoriseProxy(s, "h1", "P1", "P3"));
    assertNull(TitleRules.collectRefusal(s, "h1", "P3", null, false));
    assertEquals(
        Rejection.Code.NOT_AUTHORISED_TO_COLLECT,
        TitleRules.collectRefusal(s, "h1", "P3", null, true).code());
    assertNull(TitleRules.collectRefusal(s, "h1", "P1", null, true), "the holder always may");
  }

  @Test
  void R18_aTitleIsReservedByOthersWhileAnotherPatronWaitsForACopy() {
    TitleState s = placed(withCopies("book"), "h1", "P1");
    assertTrue(TitleRules.reservedByOthers(s, "P2", "X1"));
    assertTrue(!TitleRules.reservedByOthers(s, "P1", "X1"), "one's own hold does not count");
  }

  @Test
  void copiesAddedTogetherAreOneDecision_andACopyAddedAgainChangesNothing() {
    TitleState s = withCopies("book");
    Decision<TitleEvent> batch =
        TitleRules.addCopies(
            s,
            new TitleCommand.AddCopies(
                "A1",
                "T1",
                "Kongens Fald",
                List.of(
                    new TitleCommand.NewCopy("X1", "book"),
                    new TitleCommand.NewCopy("X2", "book"),
                    new TitleCommand.NewCopy("X2", "book"),
                    new TitleCommand.NewCopy("X3", "dvd")),
                null));
    assertEquals(
        List.of("X2", "X3"),
        ((Decision.Persist<TitleEvent>) batch)
            .events().stream().map(e -> ((TitleEvent.CopyAdded) e).copy().barcode()).toList(),
        "only copies the title does not hold yet, each once");
    s = apply(s, batch);
    assertEquals(List.of("X1", "X2", "X3"), List.copyOf(s.copies().keySet()));
    assertTrue(
        TitleRules.addCopies(
                s,
                new TitleCommand.AddCopies(
                    "A1",
                    "T1",
                    "Kongens Fald",
                    List.of(new TitleCommand.NewCopy("X3", "dvd")),
                    null))
            instanceof Decision.Unchanged<TitleEvent>);
  }

  @Test
  void aHoldNotFilledByItsNotInterestedAfterDateEnds() {
    TitleState s = withCopies("book");
    s =
        apply(
            s,
            TitleRules.placeHold(
                s,
                new TitleCommand.PlaceHold(
                    "h1",
                    "P1",
                    "A1",
                    "T1",
                    "main",
                    TODAY.plusDays(2),
                    null,
                    Set.of("book"),
                    false,
                    7,
                    null),
                NOW));
    s = s.mapCopy("X1", c -> c.shelved(false));
    assertInstanceOf(
        Decision.Unchanged.class, TitleRules.lapsedAndExpired(s, NOW, TODAY.plusDays(2)));
    TitleEvent.HoldEnded ended =
        (TitleEvent.HoldEnded)
            ((Decision.Persist<TitleEvent>) TitleRules.lapsedAndExpired(s, NOW, TODAY.plusDays(3)))
                .events()
                .get(0);
    assertEquals(Hold.Outcome.NOT_INTERESTED_ANY_MORE, ended.outcome());
  }
}
