package fleet.driver;

import java.time.Instant;
import java.util.Objects;

/**
 * One telemetry read of one miner.
 *
 * @param observedAt    when we asked for it (the request's send time), from the driver's injected {@code Clock}
 *                      (never the miner's clock: confirmation and drift compare it with our own command times).
 *                      The state reported is at least that recent; a later instant is not safe to claim, since a
 *                      read in flight across a curtail command would then look newer than its confirmation
 * @param powerW        wattage, or null when the firmware reported none (confirmation then relies on
 *                      hashrate; missing telemetry never confirms)
 * @param powerSource   where {@code powerW} came from; {@link PowerSource#NONE} exactly when it is null
 * @param hashrateHs    short-window hashrate in H/s ({@code 5s}/{@code 1m} fields), never the lifetime
 *                      average; null when the reply had none
 * @param hashrateAvgHs the firmware's lifetime average in H/s ({@code av}), for display only: it decays
 *                      slowly after a stop and must never confirm one
 * @param state         what the miner is doing
 * @param firmware      firmware name and version as reported (e.g. {@code LUXminer 2025.4.8}); may be null
 * @param model         hardware model as reported; may be null
 * @param profile       the firmware's active power/performance profile (LuxOS {@code Profile}); may be null
 * @param minerWhen     the miner's own clock ({@code STATUS.When}); may be null, may be skewed
 */
public record TelemetrySample(Instant observedAt, Double powerW, PowerSource powerSource, Double hashrateHs,
                              Double hashrateAvgHs, MinerState state, String firmware, String model,
                              String profile, Instant minerWhen) {

    private static final double HS_PER_THS = 1e12;

    public TelemetrySample {
        Objects.requireNonNull(observedAt, "observedAt");
        Objects.requireNonNull(powerSource, "powerSource");
        Objects.requireNonNull(state, "state");
        if ((powerW == null) != (powerSource == PowerSource.NONE)) {
            throw new IllegalArgumentException("powerSource must be NONE exactly when powerW is null");
        }
    }

    /** Short-window hashrate in TH/s (the unit of {@code device_telemetry_latest.hashrate_ths}). */
    public Double hashrateThs() {
        return hashrateHs == null ? null : hashrateHs / HS_PER_THS;
    }

    /** Lifetime-average hashrate in TH/s. */
    public Double hashrateAvgThs() {
        return hashrateAvgHs == null ? null : hashrateAvgHs / HS_PER_THS;
    }

    /** True when the sample carries a wattage. */
    public boolean hasPower() {
        return powerW != null;
    }
}
