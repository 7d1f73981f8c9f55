package dk.library.circulation.agency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dk.library.circulation.Rejection;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgencyEntityTest {

  static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final List<Branch> BRANCHES =
      List.of(
          new Branch("hovedbiblioteket", "Hovedbiblioteket"), new Branch("hellerup", "Hellerup"));

  EventSourcedBehaviorTestKit<Agency.Command, Agency.Event, Agency.State> agency;

  @BeforeEach
  void setUp() {
    agency = EventSourcedBehaviorTestKit.create(testKit.system(), Agency.create("DK-715700"));
    agency.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private Agency.Reply create(String name) {
    return agency.<Agency.Reply>runCommand(r -> new Agency.Create(name, BRANCHES, r)).reply();
  }

  @Test
  void theAgencyIsPersistedWithItsBranches() {
    Agency.Found found = assertInstanceOf(Agency.Found.class, create("Gentofte"));
    assertEquals("Gentofte", found.agency().name());
    agency.restart();
    assertTrue(agency.getState().agency().hasBranch("hellerup"));
  }

  @Test
  void creatingTheSameAgencyAgainChangesNothing() {
    create("Gentofte");
    var again = agency.<Agency.Reply>runCommand(r -> new Agency.Create("Gentofte", BRANCHES, r));
    assertInstanceOf(Agency.Found.class, again.reply());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void anotherAgencyUnderATakenIdIsRefused() {
    create("Gentofte");
    var other =
        agency.<Agency.Reply>runCommand(r -> new Agency.Create("Gentofte Kommune", BRANCHES, r));
    Agency.Rejected rejected = assertInstanceOf(Agency.Rejected.class, other.reply());
    assertEquals(Rejection.Code.AGENCY_ALREADY_EXISTS, rejected.rejection().code());
    assertTrue(other.hasNoEvents());
  }

  @Test
  void anUnknownAgencyIsNotFound() {
    var reply = agency.<Agency.Reply>runCommand(Agency.Get::new).reply();
    assertEquals(
        Rejection.Code.AGENCY_NOT_FOUND,
        assertInstanceOf(Agency.Rejected.class, reply).rejection().code());
  }
}
