package dk.library.circulation.sip2;

import dk.library.circulation.access.Caller;

/**
 * A logged-in machine (93): the registered terminal client it logged in as, the one agency that
 * client serves, the branch it stands at (CP), and the language its screens speak.
 */
record SipTerminal(Caller caller, String agencyId, String branchId, SipTexts texts) {

  String clientId() {
    return caller.clientId();
  }

  SipTerminal speaking(SipTexts language) {
    return new SipTerminal(caller, agencyId, branchId, language);
  }

  /** Who did it, in the patron's record: the machine's agency and client id. */
  String actor() {
    return "sip:" + agencyId + ":" + caller.clientId();
  }
}
