package dk.library.circulation.patron;

import dk.library.circulation.CborSerializable;
import dk.library.circulation.Rejection;
import dk.library.circulation.card.Card;
import dk.library.circulation.notice.Notice;
import dk.library.circulation.patron.PatronEvent.CheckoutAbandoned;
import dk.library.circulation.patron.PatronEvent.CheckoutBegun;
import dk.library.circulation.patron.PatronEvent.CheckoutCompleted;
import dk.library.circulation.patron.PatronEvent.ContactUpdated;
import dk.library.circulation.patron.PatronEvent.DepositReceived;
import dk.library.circulation.patron.PatronEvent.ExclusionAnnounced;
import dk.library.circulation.patron.PatronEvent.ExclusionLifted;
import dk.library.circulation.patron.PatronEvent.ExclusionTookEffect;
import dk.library.circulation.patron.PatronEvent.ExclusionWithdrawn;
import dk.library.circulation.patron.PatronEvent.FeeCharged;
import dk.library.circulation.patron.PatronEvent.GuardianConsentRecorded;
import dk.library.circulation.patron.PatronEvent.HistoryForgotten;
import dk.library.circulation.patron.PatronEvent.HoldReleased;
import dk.library.circulation.patron.PatronEvent.HoldReserved;
import dk.library.circulation.patron.PatronEvent.IdentityVerified;
import dk.library.circulation.patron.PatronEvent.JournalErased;
import dk.library.circulation.patron.PatronEvent.LoanDeclaredLost;
import dk.library.circulation.patron.PatronEvent.LoanEnded;
import dk.library.circulation.patron.PatronEvent.LoanRenewed;
import dk.library.circulation.patron.PatronEvent.NoticeRecorded;
import dk.library.circulation.patron.PatronEvent.NoticeSent;
import dk.library.circulation.patron.PatronEvent.OwnCardLost;
import dk.library.circulation.patron.PatronEvent.PaymentReceived;
import dk.library.circulation.patron.PatronEvent.PinLocked;
import dk.library.circulation.patron.PatronEvent.PinReset;
import dk.library.circulation.patron.PatronEvent.PinUnlocked;
import dk.library.circulation.patron.PatronEvent.Registered;
import dk.library.circulation.patron.PatronEvent.RemindersTaken;
import dk.library.circulation.patron.PatronEvent.Suspended;
import dk.library.circulation.patron.PatronEvent.SuspensionLifted;
import dk.library.circulation.patron.PatronEvent.WrongPinEntered;
import dk.library.circulation.patron.PatronEvent.WrongPinsCleared;
import dk.library.circulation.patron.PatronReply.Status;
import dk.library.circulation.policy.AgencyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a patron entity remembers ({@link Patron}); {@code apply} is its event handler. {@code
 * profile} is null until registration. Loans are keyed by barcode, pending checkouts and remembered
 * outcomes by checkout id; outcomes keep insertion order and are bounded.
 */
public record PatronState(
    Profile profile,
    Map<String, Loan> loans,
    Map<String, PendingCheckout> pending,
    Map<String, CheckoutOutcome> outcomes,
    Fees.Ledger ledger,
    Fees.Suspension suspension,
    PinGuard pinGuard,
    Map<String, String> holds,
    List<Notice> notices,
    Fees.Exclusion exclusion,
    PatronHistory history)
    implements CborSerializable {

  static final int REMEMBERED_OUTCOMES = 100;
  static final int REMEMBERED_NOTICES = 50;

  /** Snapshots taken before holds, notices and the history existed have none. */
  public PatronState {
    holds = holds == null ? Map.of() : holds;
    notices = notices == null ? List.of() : notices;
    history = history == null ? PatronHistory.EMPTY : history;
  }

  PatronState withHold(String holdId, String titleEntityId) {
    Map<String, String> next = new LinkedHashMap<>(holds);
    next.put(holdId, titleEntityId);
    return new PatronState(
        profile,
        loans,
        pending,
        outcomes,
        ledger,
        suspension,
        pinGuard,
        next,
        notices,
        exclusion,
        history);
  }

  PatronState withoutHold(String holdId) {
    return new PatronState(
        profile,
        loans,
        pending,
        outcomes,
        ledger,
        suspension,
        pinGuard,
        without(holds, holdId),
        notices,
        exclusion,
        history);
  }

  /** Keeps every notice not yet sent and the last sent ones. */
  PatronState withNotice(Notice notice) {
    List<Notice> next =
        new ArrayList<>(
            notices.stream().filter(n -> !n.noticeId().equals(notice.noticeId())).toList());
    next.add(notice);
    long sent = next.stream().filter(n -> n.sentAt() != null).count();
    for (int i = 0; i < next.size() && sent > REMEMBERED_NOTICES; ) {
      if (next.get(i).sentAt() != null) {
        next.remove(i);
        sent--;
      } else {
        i++;
      }
    }
    return new PatronState(
        profile,
        loans,
        pending,
        outcomes,
        ledger,
        suspension,
        pinGuard,
        holds,
        List.copyOf(next),
        exclusion,
        history);
  }

  Optional<Notice> notice(String noticeId) {
    return notices.stream().filter(n -> n.noticeId().equals(noticeId)).findFirst();
  }

  /** The state after one more event: the entity's event handler, and an initial load's fold. */
  public PatronState apply(PatronEvent event) {
    if (event instanceof Registered e) {
      return withProfile(
              new Profile(
                  e.cardNumber(),
                  e.pin(),
                  e.name(),
                  e.email(),
                  e.mobile(),
                  e.homeAgencyId(),
                  e.category(),
                  e.facts(),
                  e.registeredAt(),
                  Boolean.TRUE.equals(e.ownCardKnown()),
                  null,
                  e.otherCards() == null ? List.of() : e.otherCards(),
                  DataRights.NONE))
          .withHistory(
              history
                  .actedAt(
                      e.registeredAt(),
                      e.retention() == null ? AgencyPolicy.Retention.DEFAULT : e.retention())
                  .withTerms(e.retention()));
    } else if (event instanceof OwnCardLost e) {
      return withProfile(profile().withOwnCardLost(e.lost()));
    } else if (event instanceof IdentityVerified e) {
      return withProfile(profile().withFacts(profile().facts().verified(e.verification())));
    } else if (event instanceof GuardianConsentRecorded e) {
      return withProfile(profile().withFacts(profile().facts().consented(e.consent())));
    } else if (event instanceof FeeCharged e) {
      return withLedger(ledger().charged(e.fee(), e.feeBlockThresholdDkk()));
    } else if (event instanceof PaymentReceived e) {
      return withLedger(ledger().paid(e.payment())).acted(e.payment().paidAt());
    } else if (event instanceof DepositReceived e) {
      return withLedger(ledger().deposited(e.amountDkk())).acted(e.at());
    } else if (event instanceof Suspended e) {
      return withSuspension(e.suspension());
    } else if (event instanceof ContactUpdated e) {
      return withProfile(profile().withContact(e.email(), e.mobile(), e.preferredChannel()))
          .acted(e.at());
    } else if (event instanceof WrongPinEntered) {
      return withPinGuard(pinGuard().wrong());
    } else if (event instanceof WrongPinsCleared) {
      return withPinGuard(PinGuard.open());
    } else if (event instanceof PinLocked) {
      return withPinGuard(pinGuard().lock());
    } else if (event instanceof PinUnlocked) {
      return withPinGuard(PinGuard.open());
    } else if (event instanceof PinReset e) {
      return withProfile(profile().withPin(e.pin())).withPinGuard(PinGuard.open());
    } else if (event instanceof SuspensionLifted) {
      return withSuspension(null);
    } else if (event instanceof CheckoutBegun e) {
      return withPending(e.pending()).acted(e.pending().approvedAt());
    } else if (event instanceof CheckoutCompleted e) {
      return completed(e.checkoutId());
    } else if (event instanceof CheckoutAbandoned e) {
      return abandoned(e.checkoutId(), e.reason());
    } else if (event instanceof LoanRenewed e) {
      return renewed(e.barcode(), e.dueDate()).acted(e.renewedAt());
    } else if (event instanceof LoanEnded e) {
      return loanEnded(e.barcode(), e.checkoutId(), e.returnedAt()).acted(e.returnedAt());
    } else if (event instanceof PatronEvent.DetailsCorrected e) {
      return withProfile(profile().corrected(e.name(), e.residence(), e.municipality()));
    } else if (event instanceof PatronEvent.ProcessingRestricted e) {
      return withProfile(profile().withRights(profile().rights().restricted(e.restriction())));
    } else if (event instanceof PatronEvent.RestrictionLifted) {
      return withProfile(profile().withRights(profile().rights().restricted(null)));
    } else if (event instanceof PatronEvent.ObjectionRecorded e) {
      return withProfile(profile().withRights(profile().rights().withObjection(e.objection())));
    } else if (event instanceof PatronEvent.Active e) {
      return acted(e.at());
    } else if (event instanceof PatronEvent.InactivityNoticed e) {
      return withHistory(history.withActivity(history.activity().noticed(e.at())));
    } else if (event instanceof PatronEvent.FlaggedInactive e) {
      return withHistory(history.withActivity(history.activity().flagged(e.at())));
    } else if (event instanceof HistoryForgotten e) {
      return forgotten(e);
    } else if (event instanceof JournalErased) {
      return withHistory(history.erased());
    } else if (event instanceof HoldReserved e) {
      return withHold(e.holdId(), e.titleEntityId())
          .withHistory(history.withHeldTitle(e.titleEntityId()));
    } else if (event instanceof PatronEvent.CardRecorded e) {
      return withProfile(profile().withOtherCard(e.cardId()));
    } else if (event instanceof PatronEvent.RecordedElsewhere e) {
      return withHistory(history.withNamedIn(e.record()));
    } else if (event instanceof PatronEvent.ElsewhereForgotten e) {
      return withHistory(history.elsewhereForgotten(e.record()));
    } else if (event instanceof PatronEvent.AccountErasureBegun e) {
      return empty().withHistory(PatronHistory.erasing(e.erasure()));
    } else if (event instanceof HoldReleased e) {
      String title = holds.get(e.holdId());
      return title == null || e.at() == null
          ? withoutHold(e.holdId())
          : withoutHold(e.holdId())
              .withHistory(
                  history.withEndedHold(
                      new PatronHistory.EndedHold(
                          e.holdId(),
                          title,
                          e.at().plus(Duration.ofDays(history.terms().returnedLoansDays())))));
    } else if (event instanceof NoticeRecorded e) {
      return withNotice(e.notice());
    } else if (event instanceof NoticeSent e) {
      return notice(e.noticeId()).map(n -> withNotice(n.sent(e.at()))).orElse(this);
    } else if (event instanceof RemindersTaken e) {
      return withLoan(e.barcode(), e.checkoutId(), loan -> loan.reminded(e.taken()));
    } else if (event instanceof LoanDeclaredLost e) {
      return withLoan(e.barcode(), e.checkoutId(), loan -> loan.lost(e.at()));
    } else if (event instanceof ExclusionAnnounced e) {
      return withExclusion(e.exclusion());
    } else if (event instanceof ExclusionTookEffect e) {
      return withExclusion(exclusion.inForceSince(e.at()));
    } else if (event instanceof ExclusionWithdrawn || event instanceof ExclusionLifted) {
      return withExclusion(null);
    } else if (event instanceof PatronEvent.ClaimHandedOver e) {
      return withLedger(ledger.handedOver(e.claim()));
    } else if (event instanceof PatronEvent.ClaimsWrittenOff) {
      return withLedger(ledger.writtenOff());
    }
    throw new IllegalArgumentException("unknown patron event " + event);
  }

  public static PatronState empty() {
    return new PatronState(
        null,
        Map.of(),
        Map.of(),
        Map.of(),
        Fees.Ledger.empty(),
        null,
        PinGuard.open(),
        Map.of(),
        List.of(),
        null,
        PatronHistory.EMPTY);
  }

  public boolean registered() {
    return profile != null;
  }

  /** The patron as staff and the patron see them, with the blocks in force on {@code today}. */
  public Status status(LocalDate today) {
    return new Status(
        profile.cardNumber(),
        profile.name(),
        profile.email(),
        profile.mobile(),
        profile.homeAgencyId(),
        profile.category(),
        profile.facts(),
        profile.noticeChannel(),
        List.copyOf(loans.values()),
        List.copyOf(pending.values()),
        ledger.balanceDkk(),
        ledger.depositDkk(),
        ledger.fees(),
        ledger.payments(),
        suspension,
        blocks(today),
        pinGuard.locked(),
        holds,
        exclusion,
        ledger.claims(),
        history.activity() == null ? null : history.activity().flaggedAt(),
        profile.rights());
  }

  /**
   * R35 a claim with debt collection, R33 an exclusion in force, R46 a running suspension, R32 a
   * fee block not yet paid off.
   */
  List<Fees.Block> blocks(LocalDate today) {
    List<Fees.Block> blocks = new ArrayList<>();
    if (ledger.openClaimsDkk() > 0) {
      blocks.add(
          new Fees.Block(
              "WITH_DEBT_COLLECTION",
              ledger.openClaimsDkk()
                  + " DKK is with debt collection; borrowing and renewing are blocked until it is"
                  + " paid"));
    }
    if (exclusion != null && exclusion.inForce()) {
      blocks.add(
          new Fees.Block(
              "PATRON_EXCLUDED",
              "excluded from borrowing since "
                  + exclusion.effectiveOn()
                  + " ("
                  + exclusion.cause()
                  + "); staff can lift it"));
    }
    if (suspension != null && suspension.activeOn(today)) {
      blocks.add(
          new Fees.Block(
              "PATRON_SUSPENDED",
              "suspended until " + suspension.until() + ": " + suspension.reason()));
    }
    if (ledger.blocked() && ledger.balanceDkk() > 0) {
      blocks.add(
          new Fees.Block(
              "FEES_OWED",
              "owes "
                  + ledger.balanceDkk()
                  + " DKK; borrowing and renewing are blocked until it is all paid"));
    }
    return blocks;
  }

  PatronState withProfile(Profile p) {
    return new PatronState(
        p,
        loans,
        pending,
        outcomes,
        ledger,
        suspension,
        pinGuard,
        holds,
        notices,
        exclusion,
        history);
  }

  PatronState withPending(PendingCheckout p) {
    Map<String, PendingCheckout> next = new LinkedHashMap<>(pending);
    next.put(p.checkoutId(), p);
    return new PatronState(
        profile,
        loans,
        Map.copyOf(next),
        outcomes,
        ledger,
        suspension,
        pinGuard,
        holds,
        notices,
        exclusion,
        history);
  }

  PatronState completed(String checkoutId) {
    PendingCheckout p = pending.get(checkoutId);
    if (p == null) {
      return this;
    }
    Map<String, Loan> nextLoans = new LinkedHashMap<>(loans);
    nextLoans.put(p.barcode(), p.toLoan());
    return new PatronState(
        profile,
        nextLoans,
        without(pending, checkoutId),
        remember(checkoutId, CheckoutOutcome.lent(p.receipt(profile.cardNumber()))),
        ledger,
        suspension,
        pinGuard,
        holds,
        notices,
        exclusion,
        history);
  }

  PatronState abandoned(String checkoutId, Rejection reason) {
    PendingCheckout p = pending.get(checkoutId);
    if (p == null) {
      return this;
    }
    return new PatronState(
        profile,
        loans,
        without(pending, checkoutId),
        remember(checkoutId, CheckoutOutcome.refused(p.barcode(), reason)),
        ledger,
        suspension,
        pinGuard,
        holds,
        notices,
        exclusion,
        history);
  }

  PatronState renewed(String barcode, LocalDate dueDate) {
    Loan loan = loans.get(barcode);
    if (loan == null) {
      return this;
    }
    Map<String, Loan> next = new LinkedHashMap<>(loans);
    next.put(barcode, loan.renewedUntil(dueDate));
    return new PatronState(
        profile,
        next,
        pending,
        outcomes,
        ledger,
        suspension,
        pinGuard,
        holds,
        notices,
        exclusion,
        history);
  }

  /**
   * R40: the loan leaves the patron's loans and is kept among the returned until its window ends.
   */
  PatronState loanEnded(String barcode, String checkoutId, Instant returnedAt) {
    Loan loan = loans.get(barcode);
    if (loan == null || !loan.checkoutId().equals(checkoutId)) {
      return this;
    }
    Instant keptUntil = returnedAt.plus(Duration.ofDays(loan.terms().keptDaysAfterReturn()));
    return new PatronState(
        profile,
        without(loans, barcode),
        pending,
        outcomes,
        ledger,
        suspension,
        pinGuard,
        holds,
        notices,
        exclusion,
        history.withReturned(
            new PatronHistory.Returned(barcode, checkoutId, returnedAt, keptUntil)));
  }

  /**
   * R40: the returned loans whose window ended leave the history, their checkouts' remembered
   * outcomes go, and so do notices sent before the notices' window.
   */
  PatronState forgotten(HistoryForgotten e) {
    List<String> checkoutIds = e.checkoutIds();
    Map<String, CheckoutOutcome> keptOutcomes = new LinkedHashMap<>(outcomes);
    keptOutcomes.keySet().removeAll(checkoutIds);
    List<Notice> keptNotices =
        notices.stream()
            .filter(n -> n.sentAt() == null || n.sentAt().isAfter(e.noticesSentBefore()))
            .toList();
    return new PatronState(
        profile,
        loans,
        pending,
        keptOutcomes,
        ledger.forgetting(e.feesSettledBy(), e.compensationSettledBy(), e.paymentsSettledBefore()),
        suspension,
        pinGuard,
        holds,
        keptNotices,
        exclusion,
        history
            .forgetting(checkoutIds)
            .endedHoldsForgotten(e.at(), holds.values())
            .withoutNamedIn(RetentionRules.sessionsForgotten(this, e)));
  }

  /** R38: the patron acted; profiles from before R38 get the default terms. */
  PatronState acted(Instant at) {
    return withHistory(history.actedAt(at, AgencyPolicy.Retention.DEFAULT));
  }

  PatronState withHistory(PatronHistory next) {
    return new PatronState(
        profile,
        loans,
        pending,
        outcomes,
        ledger,
        suspension,
        pinGuard,
        holds,
        notices,
        exclusion,
        next);
  }

  PatronState withLoan(String barcode, String checkoutId, UnaryOperator<Loan> change) {
    Loan loan = loans.get(barcode);
    if (loan == null || !loan.checkoutId().equals(checkoutId)) {
      return this;
    }
    Map<String, Loan> next = new LinkedHashMap<>(loans);
    next.put(barcode, change.apply(loan));
    return new PatronState(
        profile,
        next,
        pending,
        outcomes,
        ledger,
        suspension,
        pinGuard,
        holds,
        notices,
        exclusion,
        history);
  }

  PatronState withExclusion(Fees.Exclusion next) {
    return new PatronState(
        profile,
        loans,
        pending,
        outcomes,
        ledger,
        suspension,
        pinGuard,
        holds,
        notices,
        next,
        history);
  }

  PatronState withLedger(Fees.Ledger next) {
    return new PatronState(
        profile,
        loans,
        pending,
        outcomes,
        next,
        suspension,
        pinGuard,
        holds,
        notices,
        exclusion,
        history);
  }

  PatronState withPinGuard(PinGuard next) {
    return new PatronState(
        profile,
        loans,
        pending,
        outcomes,
        ledger,
        suspension,
        next,
        holds,
        notices,
        exclusion,
        history);
  }

  PatronState withSuspension(Fees.Suspension next) {
    return new PatronState(
        profile, loans, pending, outcomes, ledger, next, pinGuard, holds, notices, exclusion,
        history);
  }

  private Map<String, CheckoutOutcome> remember(String checkoutId, CheckoutOutcome outcome) {
    LinkedHashMap<String, CheckoutOutcome> next = new LinkedHashMap<>(outcomes);
    next.put(checkoutId, outcome);
    while (next.size() > REMEMBERED_OUTCOMES) {
      next.remove(next.keySet().iterator().next());
    }
    return next;
  }

  private static <V> Map<String, V> without(Map<String, V> map, String key) {
    Map<String, V> next = new LinkedHashMap<>(map);
    next.remove(key);
    return next;
  }

  public record Profile(
      String cardNumber,
      PinHash pin,
      String name,
      String email,
      String mobile,
      String homeAgencyId,
      String category,
      PatronFacts facts,
      Instant registeredAt,
      boolean ownCardKnown,
      Card.Lost ownCardLost,
      List<String> otherCards,
      DataRights rights)
      implements CborSerializable {

    /**
     * {@code otherCards}: the card index entries besides the patron's key that name this patron (a
     * CPR given beside the card, replacement and institution cards), so a deleted account takes
     * them along (R39). Profiles from before they were recorded know the replacement of their own
     * lost card only.
     */
    public Profile {
      rights = rights == null ? DataRights.NONE : rights;
      if (otherCards == null) {
        otherCards = ownCardLost == null ? List.of() : List.of(ownCardLost.replacement());
      } else {
        otherCards = List.copyOf(otherCards);
      }
    }

    Profile withRights(DataRights next) {
      return new Profile(
          cardNumber,
          pin,
          name,
          email,
          mobile,
          homeAgencyId,
          category,
          facts,
          registeredAt,
          ownCardKnown,
          ownCardLost,
          otherCards,
          next);
    }

    /** R41: staff corrected the name, or where the patron lives (null: unchanged). */
    Profile corrected(String newName, String residence, String municipality) {
      return new Profile(
          cardNumber,
          pin,
          newName == null ? name : newName,
          email,
          mobile,
          homeAgencyId,
          category,
          facts.correctedAddress(residence, municipality),
          registeredAt,
          ownCardKnown,
          ownCardLost,
          otherCards,
          rights);
    }

    Profile withOtherCard(String cardId) {
      if (otherCards.contains(cardId) || cardId.equals(cardNumber)) {
        return this;
      }
      List<String> next = new ArrayList<>(otherCards);
      next.add(cardId);
      return new Profile(
          cardNumber,
          pin,
          name,
          email,
          mobile,
          homeAgencyId,
          category,
          facts,
          registeredAt,
          ownCardKnown,
          ownCardLost,
          next,
          rights);
    }

    Profile withContact(String newEmail, String newMobile, String channel) {
      return new Profile(
          cardNumber,
          pin,
          name,
          newEmail,
          newMobile,
          homeAgencyId,
          category,
          facts.withPreferredChannel(channel),
          registeredAt,
          ownCardKnown,
          ownCardLost,
          otherCards,
          rights);
    }

    /** A notice to this patron by their channel and its address now (R5, R43). */
    public Notice notice(
        String noticeId, String templateKey, Map<String, String> data, Instant now) {
      String channel = noticeChannel();
      String address =
          switch (channel) {
            case "email" -> email;
            case "sms" -> mobile;
            default -> null;
          };
      return new Notice(noticeId, channel, address, templateKey, data, now, null);
    }

    /** R5, R43: the patron's choice, else email, else SMS, else the digital mailbox. */
    public String noticeChannel() {
      if (facts.preferredChannel() != null) {
        return facts.preferredChannel();
      }
      return email != null ? "email" : mobile != null ? "sms" : "digital-mailbox";
    }

    Profile withPin(PinHash next) {
      return new Profile(
          cardNumber,
          next,
          name,
          email,
          mobile,
          homeAgencyId,
          category,
          facts,
          registeredAt,
          ownCardKnown,
          ownCardLost,
          otherCards,
          rights);
    }

    Profile withFacts(PatronFacts next) {
      return new Profile(
          cardNumber,
          pin,
          name,
          email,
          mobile,
          homeAgencyId,
          category,
          next,
          registeredAt,
          ownCardKnown,
          ownCardLost,
          otherCards,
          rights);
    }

    Profile withOwnCardLost(Card.Lost lost) {
      return new Profile(
          cardNumber,
          pin,
          name,
          email,
          mobile,
          homeAgencyId,
          category,
          facts,
          registeredAt,
          ownCardKnown,
          lost,
          otherCards,
          rights);
    }
  }
}
