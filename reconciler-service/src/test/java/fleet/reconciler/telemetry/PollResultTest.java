package fleet.reconciler.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.domain.DeviceStatus;
import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.MinerState;
import fleet.driver.PowerSource;
import fleet.driver.TelemetrySample;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PollResultTest {

    private static final PolledDevice DEVICE = new PolledDevice(
            new DeviceEndpoint(UUID.randomUUID(), "m-1", "127.0.0.1", 4028, "luxos"), 7);
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static TelemetrySample sample(Double watts, PowerSource source, Double hashrateHs, MinerState state) {
        return new TelemetrySample(AT, watts, source, hashrateHs, null, state, "LUXminer 2025.4.8", "S19 XP", null, null);
    }

    @Test
    void aSuccessCarriesTheSampleInDatabaseUnits() {
        PollResult r = PollResult.of(DEVICE, sample(3_000.0, PowerSource.MEASURED_PSU, 140e12, MinerState.MINING));
        assertThat(r.success()).isTrue();
        assertThat(r.shard()).isEqualTo(7);
        assertThat(r.status()).isEqualTo(DeviceStatus.MINING);
        assertThat(r.powerW()).isEqualTo(3_000.0);
        assertThat(r.powerSource()).isEqualTo(PowerSource.MEASURED_PSU);
        assertThat(r.hashrateThs()).isEqualTo(140.0);
        assertThat(r.lastError()).isNull();
    }

    @Test
    void nonFiniteOrNegativeNumbersAreStoredAsUnknown() {
        PollResult r = PollResult.of(DEVICE,
                sample(Double.POSITIVE_INFINITY, PowerSource.FIRMWARE_ESTIMATE, Double.NaN, MinerState.MINING));
        assertThat(r.powerW()).isNull();
        assertThat(r.powerSource()).as("no wattage, no source").isEqualTo(PowerSource.NONE);
        assertThat(r.hashrateThs()).isNull();
        PollResult negative = PollResult.of(DEVICE, sample(-1.0, PowerSource.FIRMWARE_ESTIMATE, -5.0, MinerState.MINING));
        assertThat(negative.powerW()).isNull();
        assertThat(negative.hashrateThs()).isNull();
    }

    @Test
    void anUnknownStateIsAnAnsweredReadWithAnExplanation() {
        PollResult r = PollResult.of(DEVICE, sample(3_000.0, PowerSource.MEASURED_PSU, null, MinerState.UNKNOWN));
        assertThat(r.success()).isTrue();
        assertThat(r.status()).isEqualTo(DeviceStatus.ERROR);
        assertThat(r.lastError()).isEqualTo(PollResult.UNKNOWN_STATE);
        assertThat(r.powerW()).isEqualTo(3_000.0);
    }

    @Test
    void aFailureCarriesNoNumbersAndABoundedError() {
        PollResult r = PollResult.failed(DEVICE, CommandOutcome.timeout("x".repeat(5_000)), AT);
        assertThat(r.success()).isFalse();
        assertThat(r.status()).isEqualTo(DeviceStatus.UNREACHABLE);
        assertThat(r.powerW()).isNull();
        assertThat(r.powerSource()).isEqualTo(PowerSource.NONE);
        assertThat(r.hashrateThs()).isNull();
        assertThat(r.lastError()).startsWith("TIMEOUT").hasSize(PollResult.MAX_ERROR_LENGTH);
        assertThat(r.observedAt()).isEqualTo(AT);
    }
}
