package dk.library.circulation.fbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.Rejection.Code;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rule codes in the FBS contract's words, as docs/fbs.md tabulates them. */
class FbsMappingTest {

  @Test
  void R18_R19_R20_R32_renewalRefusalsHaveTheirOwnStatus() {
    assertEquals("deniedReserved", FbsMapping.renewalStatus(Code.TITLE_RESERVED));
    assertEquals("deniedMaxRenewalsReached", FbsMapping.renewalStatus(Code.RENEWAL_LIMIT_REACHED));
    assertEquals("deniedLoanerIsBlocked", FbsMapping.renewalStatus(Code.FEES_OWED));
    assertEquals("deniedLoanerIsBlocked", FbsMapping.renewalStatus(Code.PATRON_SUSPENDED));
    assertEquals(
        "deniedMaterialIsNotLoanable", FbsMapping.renewalStatus(Code.EXPRESS_LOAN_NOT_RENEWABLE));
    assertEquals("deniedLoanerNotFound", FbsMapping.renewalStatus(Code.CARD_REPORTED_LOST));
    assertEquals("deniedOtherReason", FbsMapping.renewalStatus(Code.RENEWAL_WOULD_NOT_EXTEND));
  }

  @Test
  void R21_R23_R32_reservationRefusalsHaveTheirOwnResult() {
    assertEquals(
        "exceeds_max_reservations", FbsMapping.reservationResult(Code.RESERVATION_LIMIT_REACHED));
    assertEquals("already_reserved", FbsMapping.reservationResult(Code.HOLD_ALREADY_PLACED));
    assertEquals("material_not_reservable", FbsMapping.reservationResult(Code.NOT_RESERVABLE));
    assertEquals("no_reservable_materials", FbsMapping.reservationResult(Code.TITLE_NOT_HELD));
    assertEquals("patron_is_blocked", FbsMapping.reservationResult(Code.IDENTITY_NOT_VERIFIED));
    assertEquals("patron_not_found", FbsMapping.reservationResult(Code.PATRON_NOT_FOUND));
  }

  @Test
  void idsAreStableDistinctPerKindAndPositive() {
    assertEquals(FbsIds.loan("sst-1"), FbsIds.loan("sst-1"));
    assertNotEquals(FbsIds.loan("x"), FbsIds.reservation("x"));
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      long id = FbsIds.patron("C" + i);
      assertTrue(id >= 0, Long.toString(id));
      seen.add(id);
    }
    assertEquals(10_000, seen.size());
  }
}
