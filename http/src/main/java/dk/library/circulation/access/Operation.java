package dk.library.circulation.access;

import static dk.library.circulation.access.Operation.Scope.ANY_AGENCY;
import static dk.library.circulation.access.Operation.Scope.OWN_AGENCY;
import static dk.library.circulation.access.Operation.Scope.OWN_RECORD;
import static dk.library.circulation.client.Role.DOOR;
import static dk.library.circulation.client.Role.NETWORK;
import static dk.library.circulation.client.Role.OPERATOR;
import static dk.library.circulation.client.Role.PATRON;
import static dk.library.circulation.client.Role.STAFF;
import static dk.library.circulation.client.Role.TERMINAL;

import dk.library.circulation.client.Role;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything the API lets a caller do, and which roles may do it in which scope. This table is the
 * whole access policy: routes only name their operation. docs/security.md explains each row.
 */
public enum Operation {
  READ_METRICS("read the metrics", Map.of(OPERATOR, ANY_AGENCY)),
  CREATE_AGENCY("create agencies", Map.of(OPERATOR, ANY_AGENCY)),
  READ_AGENCY(
      "read agencies",
      Map.of(OPERATOR, ANY_AGENCY, NETWORK, ANY_AGENCY, STAFF, OWN_AGENCY, TERMINAL, OWN_AGENCY)),
  MANAGE_CLIENTS("manage API clients", Map.of(OPERATOR, ANY_AGENCY)),
  READ_POLICY(
      "read agency policies",
      Map.of(OPERATOR, ANY_AGENCY, NETWORK, ANY_AGENCY, STAFF, OWN_AGENCY, TERMINAL, OWN_AGENCY)),
  CHANGE_POLICY("change agency policies", Map.of(OPERATOR, ANY_AGENCY)),
  /** Charges and payments on the ledger of a patron of the staff's own agency. */
  MANAGE_FEES("charge fees and take payments", Map.of(STAFF, OWN_AGENCY)),
  SUSPEND_PATRON("suspend patrons", Map.of(STAFF, OWN_AGENCY)),
  /** R35: what the agency handed to debt collection, with the debtors' names. */
  READ_DEBT_COLLECTION("read the debt-collection ledger", Map.of(STAFF, OWN_AGENCY)),
  /**
   * R36: a payment session for the patron's fees, opened by the library website's back end, by the
   * patron with their own token, or at the desk.
   */
  PAY_ONLINE(
      "open online payment sessions",
      Map.of(TERMINAL, OWN_AGENCY, STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /** R12: a lost or stolen card, reported by staff or by the patron. */
  REPORT_LOST_CARD("report lost cards", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /** R9: further cards for an institution account. */
  ISSUE_CARD("issue institution cards", Map.of(STAFF, OWN_AGENCY)),
  /** R5, R11: contact data, kept current by the patron or by staff. */
  UPDATE_CONTACT("update contact data", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /** R4: unlock a card locked by wrong PINs, or reset a forgotten PIN after an identity check. */
  MANAGE_PIN("unlock cards and reset PINs", Map.of(STAFF, OWN_AGENCY)),
  /** Staff saw ID (R2, R15) or recorded a guardian's consent (R6). */
  VERIFY_PATRON("record identity checks and guardian consent", Map.of(STAFF, OWN_AGENCY)),
  READ_AUDIT("read the audit trail", Map.of(OPERATOR, ANY_AGENCY)),
  /** R42: anonymous counts of loans, returns, renewals and holds. */
  READ_STATISTICS("read circulation statistics", Map.of(OPERATOR, ANY_AGENCY, STAFF, OWN_AGENCY)),
  REGISTER_PATRON("register patrons", Map.of(STAFF, OWN_AGENCY)),
  /**
   * R1: a patron signs up on the library's website with a digital signature; the website's back end
   * registers them, the person registry giving name and birth date (FBS API).
   */
  REGISTER_ON_WEB(
      "register patrons who sign up on the library website", Map.of(TERMINAL, OWN_AGENCY)),
  READ_PATRON("read patron records", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /** R41: everything stored about the patron, for the patron or for staff answering a request. */
  EXPORT_PATRON_DATA("export a patron's data", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /** R41: staff correct a patron's name or where they live. */
  RECTIFY_PATRON("correct patrons' names and addresses", Map.of(STAFF, OWN_AGENCY)),
  /** R41: the processing of a patron's data restricted, and lifted again, at their request. */
  RESTRICT_PROCESSING("restrict the processing of patrons' data", Map.of(STAFF, OWN_AGENCY)),
  /** R41: an objection recorded, by staff or by the patron. */
  RECORD_OBJECTION("record patrons' objections", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /** R39: deletion at the patron's request, with photo ID seen at the desk. */
  ERASE_PATRON("delete patron accounts", Map.of(STAFF, OWN_AGENCY)),
  /** The patron proves themselves with card + PIN in the request, at any agency's machine. */
  CHECK_PATRON_PIN(
      "check a patron's status with card and PIN", Map.of(TERMINAL, ANY_AGENCY, STAFF, ANY_AGENCY)),
  LOG_IN_PATRON("log a patron in with card and PIN", Map.of(TERMINAL, ANY_AGENCY)),
  REGISTER_ITEM("register items", Map.of(STAFF, OWN_AGENCY)),
  READ_ITEM("read items", Map.of(STAFF, OWN_AGENCY, TERMINAL, OWN_AGENCY, NETWORK, ANY_AGENCY)),
  CHECKOUT("check out", Map.of(TERMINAL, OWN_AGENCY, STAFF, OWN_AGENCY)),
  RETURN("return items", Map.of(TERMINAL, OWN_AGENCY, STAFF, OWN_AGENCY)),
  /** Like a status check, renewal is the patron's own act, proven by card + PIN. */
  RENEW("renew loans", Map.of(TERMINAL, ANY_AGENCY, STAFF, ANY_AGENCY)),
  /** The patron renews on the library website with the token card + PIN gave them (FBS API). */
  RENEW_OWN_LOANS("renew one's own loans with a patron token", Map.of(PATRON, OWN_RECORD)),
  /**
   * An agency's branches and its titles' availability and holdings: no personal data, read by the
   * library website for any visitor (FBS API) as by the agency's own clients.
   */
  READ_CATALOGUE(
      "read branches, availability and holdings",
      Map.of(
          OPERATOR,
          ANY_AGENCY,
          NETWORK,
          ANY_AGENCY,
          STAFF,
          OWN_AGENCY,
          TERMINAL,
          OWN_AGENCY,
          PATRON,
          ANY_AGENCY)),
  /** R25: on the web (the patron's own token), by phone or at the desk (staff of the agency). */
  PLACE_HOLD("place holds", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  CANCEL_HOLD("cancel holds", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /** R28: the holder names a proxy; staff may record it for them. */
  AUTHORISE_PROXY(
      "authorise proxies to collect holds", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  READ_HOLD_QUEUE("read hold queues", Map.of(STAFF, OWN_AGENCY)),
  /** R27: a copy in transit received at its pickup branch. */
  RECEIVE_ITEM("receive items in transit", Map.of(STAFF, OWN_AGENCY)),
  /** R29: the borrowing library (or the patron on the web) asks other agencies for a title. */
  REQUEST_INTERLIBRARY("request interlibrary loans", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /** R29: the lending library answers by its own rules, or recalls its copy. */
  ANSWER_INTERLIBRARY("answer interlibrary requests", Map.of(STAFF, OWN_AGENCY)),
  /** Both libraries (their staff), partner systems, and the patron who asked. */
  READ_INTERLIBRARY(
      "read interlibrary requests",
      Map.of(STAFF, OWN_AGENCY, NETWORK, ANY_AGENCY, PATRON, OWN_RECORD)),
  CANCEL_INTERLIBRARY("cancel interlibrary requests", Map.of(STAFF, OWN_AGENCY)),
  /** R44: staff define their branches' PCs, meeting rooms and study cells. */
  MANAGE_RESOURCES("define bookable resources", Map.of(STAFF, OWN_AGENCY)),
  /** Free slots hold no personal data: a patron may look at any agency's. */
  READ_RESOURCES(
      "read bookable resources and their free slots",
      Map.of(STAFF, OWN_AGENCY, TERMINAL, OWN_AGENCY, PATRON, ANY_AGENCY)),
  /** R44: with card + PIN at the agency's terminal, or with the patron's own token. */
  BOOK_RESOURCE(
      "book PCs, meeting rooms and study cells", Map.of(TERMINAL, OWN_AGENCY, PATRON, OWN_RECORD)),
  CANCEL_BOOKING(
      "cancel bookings", Map.of(TERMINAL, OWN_AGENCY, STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /** The patron at the PC or room, with card + PIN: the booking is used and not released. */
  CHECK_IN_BOOKING("check in to bookings", Map.of(TERMINAL, OWN_AGENCY)),
  /** R45: the door controller of one of its agencies' open libraries. */
  OPEN_DOOR("open the open library's door to card and PIN", Map.of(DOOR, OWN_AGENCY)),
  READ_VISITS("read the open library's visits", Map.of(STAFF, OWN_AGENCY)),
  /** R45: staff sign a patron up for their agency's open library; the patron may do it online. */
  SIGN_UP_OPEN_LIBRARY(
      "sign patrons up for the open library", Map.of(STAFF, OWN_AGENCY, PATRON, OWN_RECORD)),
  /**
   * A library's data arriving in bulk: agencies by the operator, patrons and items by staff of
   * their agencies; each line is checked like its single-record route.
   */
  IMPORT(
      "import agencies, patrons and items in bulk",
      Map.of(OPERATOR, ANY_AGENCY, STAFF, OWN_AGENCY));

  /** Where a permitted role may act. */
  public enum Scope {
    /** Any agency's data (an operator, an interlibrary partner's reads, PIN-proven acts). */
    ANY_AGENCY,
    /** Only the agencies the client is registered for. */
    OWN_AGENCY,
    /** Only the patron's own record (patron tokens). */
    OWN_RECORD
  }

  private final String description;
  private final Map<Role, Scope> allowed;

  Operation(String description, Map<Role, Scope> allowed) {
    this.description = description;
    this.allowed = allowed;
  }

  /** The role's scope for this operation; empty when the role may not do it at all. */
  public Optional<Scope> scopeFor(Role role) {
    return Optional.ofNullable(allowed.get(role));
  }

  /** Whether the caller may act on data of {@code agencyId} (checked once the agency is known). */
  public boolean permits(Caller caller, String agencyId) {
    Scope scope = allowed.get(caller.role());
    return scope == ANY_AGENCY || (scope == OWN_AGENCY && caller.actsFor(agencyId));
  }

  public String description() {
    return description;
  }

  public String roles() {
    return allowed.keySet().stream()
        .sorted()
        .map(r -> r.name().toLowerCase())
        .collect(Collectors.joining(" or "));
  }
}
