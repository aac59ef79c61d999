package fleet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.driver.testsupport.MutableClock;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DriverRegistryTest {

    @Test
    void capabilityNamesAreExactlyTheSchemaVocabulary() {
        assertThat(Arrays.stream(Capability.values()).map(Capability::dbName))
                .containsExactly("curtail_full", "curtail_efficiency", "power_target", "power_reported",
                        "reboot", "mining_start_stop");
        assertThat(Capability.fromDbName("reboot")).contains(Capability.REBOOT);
    }

    @Test
    void driversAreLookedUpByName() {
        Vertx vertx = Vertx.vertx();
        try (DriverRegistry registry = new DriverRegistry(vertx, new MutableClock(Instant.EPOCH),
                DriverSettings.defaults())) {
            assertThat(registry.driver("luxos").name()).isEqualTo("luxos");
            assertThat(registry.driver("cgminer").defaultCapabilities())
                    .isEqualTo(DriverCatalog.defaultCapabilityProfile("cgminer"));
            assertThat(registry.find("whatsminer")).isEmpty();
            assertThatThrownBy(() -> registry.driver("whatsminer")).isInstanceOf(IllegalArgumentException.class);
        } finally {
            vertx.close();
        }
    }
}
