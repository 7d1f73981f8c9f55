package dk.library.circulation.sip2;

import static java.util.Map.entry;

import dk.library.circulation.Rejection;
import dk.library.circulation.Rejection.Code;
import java.util.Map;

/**
 * What a machine shows the patron (AF), in Danish or English. English screens carry the rule's own
 * sentence, with its details; Danish screens say the same rule in Danish. The print line (AG) is
 * the rule's code in both, so a receipt or a support call names the rule exactly.
 */
enum SipTexts {
  DANISH,
  ENGLISH;

  /** The SIP2 language code of a 23 or 63 message; unknown codes keep {@code current}. */
  static SipTexts of(String sipLanguage, SipTexts current) {
    return switch (sipLanguage) {
      case "009" -> DANISH;
      case "001" -> ENGLISH;
      default -> current;
    };
  }

  /** {@code da} or {@code en}, as {@code library.sip2.language} names it. */
  static SipTexts named(String language) {
    return switch (language) {
      case "da" -> DANISH;
      case "en" -> ENGLISH;
      default ->
          throw new IllegalArgumentException(
              "library.sip2.language must be da or en, not " + language);
    };
  }

  /** The SIP2 language code this speaks. */
  String code() {
    return this == DANISH ? "009" : "001";
  }

  String refusal(Rejection refusal) {
    if (this == ENGLISH) {
      return refusal.message();
    }
    return DANISH_REFUSALS.getOrDefault(
        refusal.code(), "Det kan automaten ikke klare; spørg personalet");
  }

  String logInFirst() {
    return this == DANISH ? "Automaten er ikke logget på (SIP 93)" : "Log in first (SIP 93)";
  }

  String busy() {
    return this == DANISH
        ? "Biblioteket kan ikke svare lige nu; prøv igen"
        : "The library system is busy; please try again";
  }

  String pinLocked() {
    return this == DANISH
        ? "For mange forkerte pinkoder; vent lidt, eller spørg personalet"
        : "Too many wrong PINs; wait a while, or ask the staff to help";
  }

  String pinRequired() {
    return this == DANISH ? "Tast din pinkode" : "Enter your PIN";
  }

  String field(String code, String form) {
    return this == DANISH
        ? "Feltet " + code + " mangler eller er ugyldigt (" + form + ")"
        : "The field " + code + " must be " + form;
  }

  String itemPropertiesNotKept() {
    return this == DANISH
        ? "Eksemplarets egenskaber rettes i kataloget, ikke her"
        : "Item properties are kept in the catalogue, not in circulation";
  }

  String blockedByMachine() {
    return this == DANISH ? "Kortet er spærret af automaten" : "Card blocked by the machine";
  }

  String blockedElsewhere() {
    return this == DANISH
        ? "Spærringen kan kun ophæves af personalet"
        : "Only the staff can lift this block";
  }

  String wholeKroner() {
    return this == DANISH
        ? "Beløbet skal være hele kroner"
        : "The amount must be whole Danish kroner";
  }

  String noHoldOnTitle() {
    return this == DANISH
        ? "Du har ingen reservering på denne titel"
        : "You have no hold on this title";
  }

  String titleOrItemRequired() {
    return this == DANISH
        ? "Angiv eksemplar (AB) eller titel (AJ)"
        : "Name the item (AB) or the title (AJ)";
  }

  String holdChangeNotHere() {
    return this == DANISH
        ? "Ret reserveringen på nettet eller ved skranken"
        : "Change the hold on the web or at the desk";
  }

  String sessionEnded() {
    return this == DANISH ? "Tak for besøget" : "Thank you for your visit";
  }

  private static final Map<Code, String> DANISH_REFUSALS =
      Map.ofEntries(
          entry(Code.AGENCY_NOT_FOUND, "Biblioteket findes ikke"),
          entry(Code.BRANCH_NOT_FOUND, "Filialen findes ikke"),
          entry(Code.PATRON_NOT_FOUND, "Kortet er ukendt"),
          entry(Code.WRONG_PIN, "Forkert pinkode"),
          entry(Code.PIN_LOCKED, "Kortet er spærret efter for mange forkerte pinkoder"),
          entry(Code.ITEM_NOT_FOUND, "Eksemplaret er ukendt"),
          entry(Code.ITEM_ON_LOAN, "Eksemplaret er allerede udlånt"),
          entry(Code.ITEM_NOT_ON_LOAN, "Eksemplaret er ikke udlånt"),
          entry(Code.ITEM_NOT_OWNED_BY_AGENCY, "Eksemplaret tilhører et andet bibliotek"),
          entry(Code.LOAN_LIMIT_REACHED, "Du har lånt det største antal materialer"),
          entry(Code.LOAN_NOT_FOUND, "Du har ikke lånt dette eksemplar"),
          entry(Code.RENEWAL_LIMIT_REACHED, "Lånet kan ikke fornyes flere gange"),
          entry(Code.RENEWAL_WOULD_NOT_EXTEND, "En fornyelse ville ikke give længere lånetid"),
          entry(Code.TRANSACTION_ID_REUSED, "Transaktionen er allerede brugt; prøv igen"),
          entry(Code.CHECKOUT_CANCELLED, "Udlånet blev afbrudt; prøv igen"),
          entry(Code.NOT_FOR_HOME_LOAN, "Materialet kan ikke lånes med hjem"),
          entry(Code.EXPRESS_LOAN_NOT_RENEWABLE, "Kviklån kan ikke fornyes"),
          entry(Code.TITLE_RESERVED, "Titlen er reserveret af en anden låner"),
          entry(Code.PATRON_SUSPENDED, "Du er udelukket fra at låne i en periode"),
          entry(Code.PATRON_EXCLUDED, "Du er udelukket fra at låne; kontakt biblioteket"),
          entry(Code.LOAN_DECLARED_LOST, "Eksemplaret er meldt tabt; aflever det på biblioteket"),
          entry(Code.FEES_OWED, "Du skylder gebyrer; betal dem før du låner"),
          entry(Code.PAYMENT_EXCEEDS_BALANCE, "Beløbet er større end det, du skylder"),
          entry(Code.NOTHING_OWED, "Du skylder ikke noget"),
          entry(Code.WITH_DEBT_COLLECTION, "Et krav er sendt til inkasso; betal det før du låner"),
          entry(Code.PAYMENT_SESSION_NOT_FOUND, "Betalingen findes ikke"),
          entry(Code.PAYMENT_SESSION_CLOSED, "Betalingen er afbrudt; start en ny"),
          entry(Code.PAYMENT_AMOUNT_MISMATCH, "Beløbet passer ikke til betalingen"),
          entry(Code.FEE_NOT_FOUND, "Gebyret findes ikke"),
          entry(Code.NOT_ELIGIBLE, "Du kan ikke låne her"),
          entry(Code.RESIDENTS_ONLY, "Kun for borgere i kommunen"),
          entry(Code.IDENTITY_NOT_VERIFIED, "Vis legitimation ved skranken først"),
          entry(Code.CARD_REPORTED_LOST, "Kortet er meldt tabt og kan ikke bruges"),
          entry(Code.DEPOSIT_REQUIRED, "Der kræves depositum; spørg personalet"),
          entry(Code.TITLE_NOT_HELD, "Biblioteket har ikke titlen"),
          entry(Code.NOT_RESERVABLE, "Materialet kan ikke reserveres"),
          entry(
              Code.ITEM_LEVEL_HOLDS_NOT_ALLOWED, "Biblioteket reserverer titler, ikke eksemplarer"),
          entry(Code.HOLD_ALREADY_PLACED, "Du har allerede reserveret titlen"),
          entry(Code.HOLD_NOT_FOUND, "Reserveringen findes ikke"),
          entry(Code.HOLD_NOT_READY, "Reserveringen er ikke klar til afhentning"),
          entry(Code.RESERVATION_LIMIT_REACHED, "Du har reserveret det største antal titler"),
          entry(Code.ITEM_HELD_FOR_ANOTHER_PATRON, "Eksemplaret er reserveret til en anden låner"),
          entry(Code.NOT_AUTHORISED_TO_COLLECT, "Du må ikke afhente denne reservering"),
          entry(Code.TITLE_HELD_LOCALLY, "Titlen findes på biblioteket; lån den her"),
          entry(Code.NOT_FOR_INTERLIBRARY_LOAN, "Materialet udlånes ikke til andre biblioteker"));
}
