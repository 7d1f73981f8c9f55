package dk.library.circulation.patron;

import static dk.library.circulation.patron.PatronRulesTest.CARD;
import static dk.library.circulation.patron.PatronRulesTest.NOW;
import static dk.library.circulation.patron.PatronRulesTest.refusal;
import static dk.library.circulation.patron.PatronRulesTest.registered;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.library.circulation.Decision;
import dk.library.circulation.Rejection.Code;
import org.junit.jupiter.api.Test;

/** R5, R11, R43: contact data is optional, the patron's to update, and decides the notices. */
class PatronContactTest {

  static PatronState update(PatronState s, String email, String mobile, String channel) {
    Decision<PatronEvent> d =
        PatronRules.updateContact(
            s, CARD, new PatronCommand.UpdateContact(email, mobile, channel, "patron", null), NOW);
    PatronEvent.ContactUpdated e =
        (PatronEvent.ContactUpdated) ((Decision.Persist<PatronEvent>) d).events().get(0);
    return s.withProfile(s.profile().withContact(e.email(), e.mobile(), e.preferredChannel()));
  }

  @Test
  void R5_withNeitherEmailNorMobileNoticesGoToTheDigitalMailbox() {
    assertEquals("digital-mailbox", registered().profile().noticeChannel());
    assertEquals(
        "email", update(registered(), "k@example.dk", null, null).profile().noticeChannel());
    assertEquals("sms", update(registered(), null, "+4512345678", null).profile().noticeChannel());
  }

  @Test
  void R11_R43_thePatronUpdatesContactDataAndMayChooseTheChannel() {
    PatronState s = update(registered(), "k@example.dk", "+4512345678", "sms");
    assertEquals("sms", s.profile().noticeChannel());
    assertEquals("k@example.dk", s.profile().email());
    assertEquals(
        Code.CONTACT_CHANNEL_WITHOUT_ADDRESS,
        refusal(
            PatronRules.updateContact(
                s,
                CARD,
                new PatronCommand.UpdateContact(null, null, "email", "patron", null),
                NOW)));
  }
}
