package fleet.driver.firmware;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.driver.testsupport.Replies;
import org.junit.jupiter.api.Test;

class FirmwareIdentityTest {

    @Test
    void luxosIsDetectedByItsVersionKey() {
        FirmwareIdentity id = FirmwareIdentity.fromVersionReply(Replies.fixture("luxos/version.json"));
        assertThat(id.family()).isEqualTo(FirmwareFamily.LUXOS);
        assertThat(id.version()).isEqualTo("2025.4.8.212806-2b1e8a41");
        assertThat(id.model()).isEqualTo("Antminer S19 Pro");
        assertThat(id.family().driverName()).isEqualTo("luxos");
    }

    @Test
    void stockAntminerBraiinsAndCgminerAreTelemetryOnlyFamilies() {
        assertThat(FirmwareIdentity.fromVersionReply(Replies.fixture("cgminer/version_bmminer.json")).family())
                .isEqualTo(FirmwareFamily.ANTMINER_STOCK);
        assertThat(FirmwareIdentity.fromVersionReply(Replies.fixture("cgminer/version_bosminer.json")).family())
                .isEqualTo(FirmwareFamily.BRAIINS_OS);
        FirmwareIdentity cg = FirmwareIdentity.fromVersionReply(Replies.fixture("cgminer/version_cgminer.json"));
        assertThat(cg.family()).isEqualTo(FirmwareFamily.CGMINER);
        assertThat(cg.family().driverName()).isEqualTo("cgminer");
        assertThat(cg.displayName()).isEqualTo("CGMiner 4.11.1");
    }

    @Test
    void aReplyWithoutVersionKeysFallsBackToTheDescription() {
        FirmwareIdentity id = FirmwareIdentity.fromVersionReply(Replies.fixture("cgminer/summary_whatsminer.json"));
        assertThat(id.family()).isEqualTo(FirmwareFamily.WHATSMINER);
        FirmwareIdentity none = FirmwareIdentity.fromVersionReply(Replies.fixture("quirks/whatsminer_flat_status.json"));
        assertThat(none.family()).isEqualTo(FirmwareFamily.UNKNOWN);
    }
}
