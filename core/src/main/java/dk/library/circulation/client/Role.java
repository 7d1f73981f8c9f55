package dk.library.circulation.client;

/**
 * What kind of caller an API client is; docs/security.md lists what each may do. A patron is never
 * a registered client: patrons act through short-lived tokens a terminal obtains for them.
 */
public enum Role {
  /**
   * A self-service machine or a library website's back end, acting for a patron with card + PIN.
   */
  TERMINAL,
  /** A staff desk or library system administering its own agency's patrons and items. */
  STAFF,
  /** An interlibrary partner: reads other agencies' holdings for interlibrary loan. */
  NETWORK,
  /** A patron logged in with card + PIN; reads their own record. */
  PATRON,
  /** Runs the system: agencies and their policy, API clients, audit trail, metrics. */
  OPERATOR,
  /** R45: an open library's door controller; sends card + PIN and opens or stays shut. */
  DOOR
}
