package fleet.driver.cgminer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fleet.driver.MinerState;
import fleet.driver.PowerSource;
import fleet.driver.TelemetrySample;
import fleet.driver.testsupport.Replies;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgminerTelemetryParserTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void stockAntminerReportsHashrateButNoPower() {
        TelemetrySample s = CgminerTelemetryParser.parse(Map.of(
                "summary", Replies.fixture("cgminer/summary_bmminer.json"),
                "pools", Replies.fixture("cgminer/pools_alive.json"),
                "version", Replies.fixture("cgminer/version_bmminer.json")), NOW);
        assertThat(s.hashrateThs()).as("\"GHS 5s\" arrives as a string").isCloseTo(104.51233, within(1e-6));
        assertThat(s.powerW()).isNull();
        assertThat(s.powerSource()).isEqualTo(PowerSource.NONE);
        assertThat(s.state()).isEqualTo(MinerState.MINING);
        assertThat(s.firmware()).isEqualTo("BMMiner 2.0.0 rwglr");
        assertThat(s.model()).isEqualTo("Antminer S19 Pro");
        assertThat(s.observedAt()).isEqualTo(NOW);
    }

    @Test
    void whatsminerSummaryPowerIsAFirmwareEstimate() {
        TelemetrySample s = CgminerTelemetryParser.parse(Map.of(
                "summary", Replies.fixture("cgminer/summary_whatsminer.json")), NOW);
        assertThat(s.powerW()).isEqualTo(3310.0);
        assertThat(s.powerSource()).isEqualTo(PowerSource.FIRMWARE_ESTIMATE);
        assertThat(s.firmware()).isEqualTo("btminer");
    }

    @Test
    void notHashingLongAfterStartIsStopped() {
        TelemetrySample s = CgminerTelemetryParser.parse(Map.of(
                "summary", Replies.fixture("cgminer/summary_stopped.json"),
                "pools", Replies.fixture("cgminer/pools_alive.json")), NOW);
        assertThat(s.state()).isEqualTo(MinerState.STOPPED);
        assertThat(CgminerTelemetryParser.decideState(0.0, true, 60L)).isEqualTo(MinerState.STARTING);
        assertThat(CgminerTelemetryParser.decideState(0.0, false, 60L)).isEqualTo(MinerState.NO_POOL);
    }
}
