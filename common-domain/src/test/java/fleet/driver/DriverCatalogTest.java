package fleet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DriverCatalogTest {

    @Test
    void defaultCapabilitiesUseTheDatabaseVocabularyWithoutNetwork() {
        assertThat(DriverCatalog.defaultCapabilities("luxos"))
                .containsExactly("curtail_full", "power_target", "power_reported", "reboot");
        assertThat(DriverCatalog.defaultCapabilities("cgminer")).isEmpty();
        assertThat(DriverCatalog.defaultCapabilityProfile("cgminer").powerSource()).isEqualTo(PowerSource.NONE);
        assertThat(DriverCatalog.driverNames()).containsExactlyInAnyOrder("luxos", "cgminer");
        assertThat(DriverCatalog.isKnownDriver("antminer")).isFalse();
        assertThatThrownBy(() -> DriverCatalog.defaultCapabilities("antminer"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
