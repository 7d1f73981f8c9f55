package dk.library.circulation.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class EntityLimitTest {

  static Config limit(String value) {
    return ConfigFactory.parseString(EntityLimit.SETTING + " = \"" + value + "\"");
  }

  @Test
  void autoFitsHalfTheHeapOverTheTypesThatGrow_aNumberIsTakenAsItIs() {
    long gib = 1024L * 1024 * 1024;
    assertEquals(26_214, EntityLimit.of(limit("auto"), gib));
    assertEquals(104_857, EntityLimit.of(limit("auto"), 4 * gib));
    assertEquals(1_000, EntityLimit.of(limit("auto"), 1024 * 1024), "never below 1,000");
    assertEquals(350_000, EntityLimit.of(limit("350000"), gib));
    assertEquals(
        26_214,
        EntityLimit.applyTo(limit("auto"), gib).getInt(EntityLimit.SHARDING_SETTING),
        "the server hands the limit to sharding's passivation strategy");
  }

  @Test
  void aLimitThatIsNeitherAutoNorAPositiveNumberIsRefusedWithTheSettingsName() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> EntityLimit.of(limit("lots"), 1));
    assertEquals(true, refused.getMessage().contains("LIBRARY_ACTIVE_ENTITY_LIMIT"));
    assertThrows(IllegalArgumentException.class, () -> EntityLimit.of(limit("0"), 1));
  }
}
