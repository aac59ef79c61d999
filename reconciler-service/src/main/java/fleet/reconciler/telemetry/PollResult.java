package fleet.reconciler.telemetry;

import fleet.domain.DeviceStatus;
import fleet.driver.CommandOutcome;
import fleet.driver.MinerState;
import fleet.driver.PowerSource;
import fleet.driver.TelemetrySample;
import java.time.Instant;
import java.util.UUID;

/**
 * One device's poll outcome, ready for the bulk upsert. Numbers are sanitised here: a non-finite or negative wattage
 * or hashrate is stored as unknown (NULL), never as a number that would poison sums and rankings (PostgreSQL sorts
 * NaN above every number, so {@code NaN > 0} is true in SQL).
 *
 * @param deviceId    the device
 * @param shard       the device's shard (the write is skipped if the shard was lost during the round)
 * @param observedAt  our clock when the read finished (converted to database time when written)
 * @param status      {@code device_telemetry_latest.status}
 * @param powerW      wattage or null
 * @param powerSource where the wattage came from; NONE exactly when {@code powerW} is null
 * @param hashrateThs short-window hashrate in TH/s or null
 * @param firmware    firmware as reported, or null
 * @param model       model as reported, or null
 * @param lastError   why the read failed (or why the state is unknown), else null
 * @param success     the miner answered: resets {@code consecutive_failures}, sets {@code last_success_at}
 */
record PollResult(UUID deviceId, int shard, Instant observedAt, DeviceStatus status, Double powerW,
        PowerSource powerSource, Double hashrateThs, String firmware, String model, String lastError,
        boolean success) {

    static final int MAX_ERROR_LENGTH = 1_000;
    static final String UNKNOWN_STATE = "miner state unknown: the reply carried no short-window hashrate";

    static PollResult of(PolledDevice device, TelemetrySample sample) {
        Double watts = finiteNonNegative(sample.powerW());
        PowerSource source = watts == null ? PowerSource.NONE : sample.powerSource();
        return new PollResult(device.endpoint().deviceId(), device.shard(), sample.observedAt(),
                StatusMapping.statusOf(sample.state()), watts, source, finiteNonNegative(sample.hashrateThs()),
                sample.firmware(), sample.model(), sample.state() == MinerState.UNKNOWN ? UNKNOWN_STATE : null, true);
    }

    static PollResult failed(PolledDevice device, CommandOutcome failure, Instant observedAt) {
        return new PollResult(device.endpoint().deviceId(), device.shard(), observedAt,
                StatusMapping.statusOf(failure), null, PowerSource.NONE, null, null, null,
                truncate(failure.describe()), false);
    }

    private static Double finiteNonNegative(Double value) {
        return value == null || !Double.isFinite(value) || value < 0 ? null : value;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= MAX_ERROR_LENGTH ? s : s.substring(0, MAX_ERROR_LENGTH);
    }
}
