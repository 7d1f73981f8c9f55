package dk.library.circulation.ill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** R29's request life by ISO 18626 as pure functions. */
class InterlibraryRulesTest {

  static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
  static final InterlibraryRequest.Details DETAILS =
      new InterlibraryRequest.Details("r1", "P1", "B", "main", "T1", NOW);

  static InterlibraryRequestState apply(
      InterlibraryRequestState state, Decision<InterlibraryRequestEvent> decision) {
    assertInstanceOf(Decision.Persist.class, decision, decision.toString());
    InterlibraryRequestState s = state;
    for (InterlibraryRequestEvent e :
        ((Decision.Persist<InterlibraryRequestEvent>) decision).events()) {
      s = s.apply(e);
    }
    return s;
  }

  static InterlibraryRequestState created(String... lenders) {
    return apply(
        InterlibraryRequestState.empty(),
        InterlibraryRules.create(
            InterlibraryRequestState.empty(),
            new InterlibraryRequestCommand.Create(DETAILS, List.of(lenders), Set.of(), null),
            NOW));
  }

  static InterlibraryRequestCommand.Answer answer(String lender, IsoStatus status) {
    return new InterlibraryRequestCommand.Answer(lender, status, "X1", 25, 14, null, null);
  }

  static Rejection.Code refusal(Decision<?> decision) {
    return ((Decision.Refuse<?>) decision).rejection().code();
  }

  static InterlibraryRequestState createdWithPartners(Set<String> partners, String... lenders) {
    return apply(
        InterlibraryRequestState.empty(),
        InterlibraryRules.create(
            InterlibraryRequestState.empty(),
            new InterlibraryRequestCommand.Create(DETAILS, List.of(lenders), partners, null),
            NOW));
  }

  @Test
  void R29_aRequestsWorklistRowsFollowItsStatusAndLender_andItsEarlierRowsAreRemoved() {
    InterlibraryRequestState s = created("L1", "L2");
    s = apply(s, InterlibraryRules.answer(s, answer("L1", IsoStatus.Unfilled), NOW));
    List<Worklists.Entry> keep = InterlibraryRequest.listed(s);
    assertEquals(
        Set.of("borrowing:B/RequestReceived", "lending:L2/RequestReceived", "patron:P1/any"),
        rows(keep));
    assertEquals(
        Set.of(
            "borrowing:B/Unfilled",
            "lending:L1/RequestReceived",
            "lending:L1/Unfilled",
            "lending:L2/Unfilled"),
        rows(InterlibraryRequest.unlisted(s, keep)));
    assertTrue(
        rows(InterlibraryRequest.unlisted(s, List.of())).containsAll(rows(keep)),
        "an erased request leaves every list");
  }

  private static Set<String> rows(List<Worklists.Entry> entries) {
    return entries.stream()
        .map(e -> e.list() + "/" + e.status())
        .collect(java.util.stream.Collectors.toSet());
  }

  static InterlibraryRequestState decided(
      InterlibraryRequestState state, Decision<InterlibraryRequestEvent> decision) {
    return apply(state, InterlibraryRules.tellBorrowingPartner(state, decision, NOW));
  }

  @Test
  void R29_aPartnersRequestToUsIsAnsweredShippedAndCheckedInEachChangeToldToThePartner() {
    InterlibraryRequest.Details asked =
        new InterlibraryRequest.Details("p-1", null, "EXT1", "EXT1", "T1", NOW, "theirs-7");
    InterlibraryRequestState s =
        decided(
            InterlibraryRequestState.empty(),
            InterlibraryRules.create(
                InterlibraryRequestState.empty(),
                new InterlibraryRequestCommand.Create(asked, List.of("L1"), Set.of("EXT1"), null),
                NOW));
    assertTrue(s.forPartner());
    assertTrue(s.partnerMessages().isEmpty(), "the Request's confirmation says RequestReceived");

    s = decided(s, InterlibraryRules.answer(s, answer("L1", IsoStatus.WillSupply), NOW));
    assertEquals(PartnerMessage.Kind.SUPPLY_STATUS, s.partnerMessages().get(0).kind());
    assertEquals(IsoStatus.WillSupply, s.partnerMessages().get(0).status());
    s = decided(s, InterlibraryRules.shipToPartner(s, "L1", NOW));
    PartnerMessage loaned = s.partnerMessages().get(1);
    assertEquals(IsoStatus.Loaned, loaned.status());
    assertEquals(NOW.plusSeconds(14 * 86_400), loaned.dueAt(), "the lender's loan period");
    s =
        decided(
            s,
            InterlibraryRules.fromBorrowingPartner(
                s,
                new InterlibraryRequestCommand.FromBorrowingPartner(
                    "EXT1", "m1", "ShippedReturn", null, null),
                NOW));
    assertTrue(s.returnShipped());
    assertEquals(2, s.partnerMessages().size(), "no status change, nothing told");
    assertInstanceOf(
        Decision.Unchanged.class,
        InterlibraryRules.fromBorrowingPartner(
            s,
            new InterlibraryRequestCommand.FromBorrowingPartner(
                "EXT1", "m1", "ShippedReturn", null, null),
            NOW));
    s = decided(s, InterlibraryRules.checkInFromPartner(s, "L1", NOW));
    assertEquals(IsoStatus.LoanCompleted, s.status());
    assertEquals(IsoStatus.LoanCompleted, s.partnerMessages().get(2).status());
    assertTrue(s.outbox().isEmpty(), "no patron of ours to notify");
    assertEquals(
        Rejection.Code.NOT_THE_CURRENT_LENDER,
        refusal(InterlibraryRules.shipToPartner(s, "L2", NOW)));
  }

  @Test
  void R29_aPartnersRequestGetsTheSameIdHoweverOftenItComes() {
    assertEquals(
        InterlibraryRules.partnerRequestId("EXT1", "theirs-7"),
        InterlibraryRules.partnerRequestId("EXT1", "theirs-7"));
    assertTrue(
        !InterlibraryRules.partnerRequestId("EXT1", "theirs-7")
            .equals(InterlibraryRules.partnerRequestId("EXT2", "theirs-7")));
    assertTrue(InterlibraryRules.partnerRequestId("EXT1", "x").matches("p-[0-9a-f]{24}"));
  }

  static InterlibraryRequestCommand.FromPartner fromPartner(
      String partner, String key, IsoStatus status, Instant dueAt) {
    return new InterlibraryRequestCommand.FromPartner(
        partner, "B", key, status, "X9", dueAt, null, null);
  }

  @Test
  void R29_aPartnerLenderIsSentTheRequestAndItsRefusalPassesItOnAsAnyLendersWould() {
    InterlibraryRequestState s = createdWithPartners(Set.of("EXT1", "EXT2"), "EXT1", "EXT2");
    assertEquals(1, s.partnerMessages().size());
    PartnerMessage first = s.partnerMessages().get(0);
    assertEquals(PartnerMessage.Kind.REQUEST, first.kind());
    assertEquals("EXT1", first.partnerAgencyId());
    assertTrue(first.pending());

    s =
        apply(
            s,
            InterlibraryRules.fromPartner(
                s, fromPartner("EXT1", "k1", IsoStatus.Unfilled, null), NOW));
    assertEquals("EXT2", s.lender());
    assertEquals(IsoStatus.RequestReceived, s.status());
    assertEquals(PartnerMessage.Kind.REQUEST, s.partnerMessages().get(1).kind());
    assertEquals("EXT2", s.partnerMessages().get(1).partnerAgencyId());
    assertEquals("r1/2", s.partnerMessages().get(1).messageId());
  }

  @Test
  void R29_aPartnerMessageDeliveredTwiceChangesNothingTheSecondTime() {
    InterlibraryRequestState s = createdWithPartners(Set.of("EXT1"), "EXT1");
    s =
        apply(
            s,
            InterlibraryRules.fromPartner(
                s, fromPartner("EXT1", "k1", IsoStatus.WillSupply, null), NOW));
    assertEquals(IsoStatus.WillSupply, s.status());
    assertInstanceOf(
        Decision.Unchanged.class,
        InterlibraryRules.fromPartner(
            s, fromPartner("EXT1", "k1", IsoStatus.WillSupply, null), NOW));
    assertEquals(
        Rejection.Code.INTERLIBRARY_STATUS_NOT_ALLOWED,
        refusal(
            InterlibraryRules.fromPartner(
                s, fromPartner("EXT1", "k2", IsoStatus.WillSupply, null), NOW)));
  }

  @Test
  void R29_onlyThePartnerTheRequestIsWithMayAnswer() {
    InterlibraryRequestState s = createdWithPartners(Set.of("EXT1", "EXT2"), "EXT1", "EXT2");
    assertEquals(
        Rejection.Code.NOT_THE_CURRENT_LENDER,
        refusal(
            InterlibraryRules.fromPartner(
                s, fromPartner("EXT2", "k1", IsoStatus.WillSupply, null), NOW)));
  }

  @Test
  void R29_aPartnersCopyIsReceivedAfterItsLoanedAndSentBackWithShippedReturn() {
    InterlibraryRequestState s = createdWithPartners(Set.of("EXT1"), "EXT1");
    Instant due = NOW.plusSeconds(30 * 86_400);
    s =
        apply(
            s,
            InterlibraryRules.fromPartner(
                s, fromPartner("EXT1", "k1", IsoStatus.WillSupply, null), NOW));
    assertEquals(
        Rejection.Code.INTERLIBRARY_STATUS_NOT_ALLOWED,
        refusal(InterlibraryRules.shipReturn(s, "B", NOW)));
    s =
        apply(
            s,
            InterlibraryRules.fromPartner(
                s, fromPartner("EXT1", "k2", IsoStatus.Loaned, due), NOW));
    assertEquals(due, s.dueAt());
    s = apply(s, InterlibraryRules.arrived(s, "main", NOW));
    assertTrue(s.atPickup());
    assertEquals(PartnerMessage.Kind.RECEIVED, s.partnerMessages().get(1).kind());
    s = apply(s, InterlibraryRules.shipReturn(s, "B", NOW));
    assertTrue(s.returnShipped());
    assertEquals(PartnerMessage.Kind.SHIPPED_RETURN, s.partnerMessages().get(2).kind());
    assertInstanceOf(Decision.Unchanged.class, InterlibraryRules.shipReturn(s, "B", NOW));
    s =
        apply(
            s,
            InterlibraryRules.fromPartner(
                s, fromPartner("EXT1", "k3", IsoStatus.LoanCompleted, null), NOW));
    assertEquals(IsoStatus.LoanCompleted, s.status());
  }

  @Test
  void R29_theBorrowersCancellationIsSentToThePartnerButAPartnersOwnIsNotEchoed() {
    InterlibraryRequestState s = createdWithPartners(Set.of("EXT1"), "EXT1");
    InterlibraryRequestState cancelled =
        apply(
            s,
            InterlibraryRules.advance(
                s,
                new InterlibraryRequestCommand.Advance(IsoStatus.Cancelled, "B", null, null, null),
                NOW));
    assertEquals(PartnerMessage.Kind.CANCEL, cancelled.partnerMessages().get(1).kind());
    InterlibraryRequestState byPartner =
        apply(
            s,
            InterlibraryRules.fromPartner(
                s, fromPartner("EXT1", "k1", IsoStatus.Cancelled, null), NOW));
    assertEquals(IsoStatus.Cancelled, byPartner.status());
    assertEquals(1, byPartner.partnerMessages().size());
  }

  @Test
  void R29_aRefusalPassesTheRequestToTheNextLenderAndTheLastEndsItUnfilledWithANotice() {
    InterlibraryRequestState s = created("L1", "L2");
    assertEquals(IsoStatus.RequestReceived, s.status());
    assertEquals("L1", s.lender());
    s = apply(s, InterlibraryRules.answer(s, answer("L1", IsoStatus.Unfilled), NOW));
    assertEquals(IsoStatus.RequestReceived, s.status());
    assertEquals("L2", s.lender());
    s = apply(s, InterlibraryRules.answer(s, answer("L2", IsoStatus.Unfilled), NOW));
    assertEquals(IsoStatus.Unfilled, s.status());
    assertEquals("ill-unfilled", s.outbox().get(0).templateKey());
  }

  @Test
  void R29_onlyTheCurrentLenderAnswersAndItsTermsAreKept() {
    InterlibraryRequestState s = created("L1", "L2");
    assertEquals(
        Rejection.Code.NOT_THE_CURRENT_LENDER,
        refusal(InterlibraryRules.answer(s, answer("L2", IsoStatus.WillSupply), NOW)));
    s = apply(s, InterlibraryRules.answer(s, answer("L1", IsoStatus.WillSupply), NOW));
    assertEquals(IsoStatus.WillSupply, s.status());
    assertEquals(25, s.chargeDkk());
    assertEquals(14, s.loanPeriodDays());
    assertEquals("X1", s.barcode());
  }

  @Test
  void R29_theStatusesFollowIso18626AndNothingFollowsAnEnd() {
    InterlibraryRequestState s = created("L1");
    s = apply(s, InterlibraryRules.answer(s, answer("L1", IsoStatus.WillSupply), NOW));
    assertEquals(
        Rejection.Code.INTERLIBRARY_STATUS_NOT_ALLOWED,
        refusal(
            InterlibraryRules.advance(
                s,
                new InterlibraryRequestCommand.Advance(IsoStatus.Recalled, "L1", null, null, null),
                NOW)));
    s =
        apply(
            s,
            InterlibraryRules.advance(
                s,
                new InterlibraryRequestCommand.Advance(IsoStatus.Loaned, null, null, NOW, null),
                NOW));
    s =
        apply(
            s,
            InterlibraryRules.advance(
                s,
                new InterlibraryRequestCommand.Advance(IsoStatus.Recalled, "L1", null, null, null),
                NOW));
    assertEquals("ill-recalled", s.outbox().get(0).templateKey());
    s =
        apply(
            s,
            InterlibraryRules.advance(
                s,
                new InterlibraryRequestCommand.Advance(
                    IsoStatus.LoanCompleted, null, null, null, null),
                NOW));
    assertEquals(
        Rejection.Code.INTERLIBRARY_STATUS_NOT_ALLOWED,
        refusal(
            InterlibraryRules.advance(
                s,
                new InterlibraryRequestCommand.Advance(IsoStatus.Cancelled, "B", null, null, null),
                NOW)));
    assertInstanceOf(
        Decision.Unchanged.class,
        InterlibraryRules.advance(
            s,
            new InterlibraryRequestCommand.Advance(IsoStatus.LoanCompleted, null, null, null, null),
            NOW),
        "a repeated return notice changes nothing");
  }
}
