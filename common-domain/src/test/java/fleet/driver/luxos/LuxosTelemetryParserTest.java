package fleet.driver.luxos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import fleet.driver.CommandOutcome;
import fleet.driver.MinerCallException;
import fleet.driver.MinerState;
import fleet.driver.PowerSource;
import fleet.driver.TelemetrySample;
import fleet.driver.testsupport.Replies;
import fleet.driver.transport.CgminerReply;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LuxosTelemetryParserTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private static Map<String, CgminerReply> replies(String summary, String power, String config, String pools) {
        Map<String, CgminerReply> m = new LinkedHashMap<>();
        if (summary != null) {
            m.put("summary", Replies.fixture("luxos/" + summary + ".json"));
        }
        if (power != null) {
            m.put("power", Replies.fixture("luxos/" + power + ".json"));
        }
        if (config != null) {
            m.put("config", Replies.fixture("luxos/" + config + ".json"));
        }
        if (pools != null) {
            m.put("pools", Replies.fixture("luxos/" + pools + ".json"));
        }
        return m;
    }

    @Test
    void aMiningMinerWithAnEstimatedWattage() {
        TelemetrySample s = LuxosTelemetryParser.parse(
                replies("summary_mining", "power_estimate", "config_normal", "pools_alive"), NOW);
        assertThat(s.observedAt()).isEqualTo(NOW);
        assertThat(s.powerW()).isEqualTo(3215.0);
        assertThat(s.powerSource()).isEqualTo(PowerSource.FIRMWARE_ESTIMATE);
        assertThat(s.hashrateThs()).isCloseTo(110.51237, within(1e-6));
        assertThat(s.hashrateAvgThs()).isCloseTo(109.87011, within(1e-6));
        assertThat(s.state()).isEqualTo(MinerState.MINING);
        assertThat(s.firmware()).startsWith("LUXminer 2025.4.8");
        assertThat(s.model()).isEqualTo("Antminer S19 Pro");
        assertThat(s.profile()).isEqualTo("default");
        assertThat(s.minerWhen()).isEqualTo(Instant.ofEpochSecond(1764310000));
    }

    @Test
    void psuTrueMeansMeasured() {
        TelemetrySample s = LuxosTelemetryParser.parse(
                replies("summary_mining", "power_psu", "config_normal", "pools_alive"), NOW);
        assertThat(s.powerSource()).isEqualTo(PowerSource.MEASURED_PSU);
        assertThat(s.powerW()).isEqualTo(3242.0);
    }

    @Test
    void aMissingWattsFieldMeansNoPowerRatherThanZero() {
        TelemetrySample s = LuxosTelemetryParser.parse(
                replies("summary_mining", "power_missing_watts", "config_normal", "pools_alive"), NOW);
        assertThat(s.powerW()).isNull();
        assertThat(s.powerSource()).isEqualTo(PowerSource.NONE);
        assertThat(s.hasPower()).isFalse();
    }

    @Test
    void aFirmwareWithoutThePowerCommandStillYieldsTelemetry() {
        TelemetrySample s = LuxosTelemetryParser.parse(
                replies("summary_mining", "invalid_command_14", "config_normal", null), NOW);
        assertThat(s.powerSource()).isEqualTo(PowerSource.NONE);
        assertThat(s.state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void sleepModeWithoutHashingIsSleepingEvenThoughTheAverageIsStillHigh() {
        TelemetrySample s = LuxosTelemetryParser.parse(
                replies("summary_sleeping", "power_estimate", "config_sleep", "pools_alive"), NOW);
        assertThat(s.state()).isEqualTo(MinerState.SLEEPING);
        assertThat(s.hashrateHs()).isZero();
        assertThat(s.hashrateAvgThs()).isGreaterThan(100.0);
    }

    @Test
    void stateRules() {
        assertThat(LuxosTelemetryParser.decideState(1e12, true, true, true))
                .as("acknowledged sleep but still hashing (stuck hashing)").isEqualTo(MinerState.MINING);
        assertThat(LuxosTelemetryParser.decideState(0.0, false, false, true)).isEqualTo(MinerState.NO_POOL);
        assertThat(LuxosTelemetryParser.decideState(0.0, false, true, false)).isEqualTo(MinerState.STOPPED);
        assertThat(LuxosTelemetryParser.decideState(0.0, false, true, true))
                .as("powered, not asleep, not hashing yet: waking").isEqualTo(MinerState.STARTING);
        assertThat(LuxosTelemetryParser.decideState(null, false, null, null)).isEqualTo(MinerState.UNKNOWN);
        assertThat(LuxosTelemetryParser.isCurtailed("None")).isFalse();
        assertThat(LuxosTelemetryParser.isCurtailed("Sleep")).isTrue();
        assertThat(LuxosTelemetryParser.isCurtailed(null)).isFalse();
    }

    @Test
    void deadPoolsMeanNoPool() {
        TelemetrySample s = LuxosTelemetryParser.parse(
                replies("summary_sleeping", "power_estimate", "config_normal", "pools_dead"), NOW);
        assertThat(s.state()).isEqualTo(MinerState.NO_POOL);
    }

    @Test
    void anErrorSummaryFailsTheReadWithItsOutcome() {
        assertThatThrownBy(() -> LuxosTelemetryParser.parse(
                replies("access_denied_45", "power_estimate", null, null), NOW))
                .isInstanceOfSatisfying(MinerCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(CommandOutcome.Kind.REFUSED));
    }
}
