package fleet.domain.selection;

import fleet.domain.DeviceStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One live device of the scope with its latest telemetry sample: the planner's input row.
 *
 * @param deviceId          the device's id
 * @param identifier        the device identifier (unique per org); ranking tie-breaker
 * @param curtailFull       the driver has the {@code curtail_full} capability
 * @param maintenance       the operator maintenance flag
 * @param inOtherLiveEvent  the device has a live target in another non-terminal event
 * @param lastResolvedAt    end of the last event that resolved this device, or {@code null}
 * @param status            miner state of the latest poll, or {@code null} when there is no sample
 * @param sampledAt         when the latest sample was taken, or {@code null} when there is none
 * @param powerW            latest power in watts, or {@code null} when not reported. Callers pass
 *                          {@code null} when the power source is {@code NAMEPLATE_ESTIMATE} or
 *                          {@code NONE}: a constant estimate cannot prove a reduction.
 * @param hashrateThs       latest short-window hashrate in TH/s, or {@code null} when not reported
 * @param efficiencyJPerTh  smoothed efficiency in J/TH, or {@code null} when unknown
 */
public record Candidate(
        UUID deviceId,
        String identifier,
        boolean curtailFull,
        boolean maintenance,
        boolean inOtherLiveEvent,
        Instant lastResolvedAt,
        DeviceStatus status,
        Instant sampledAt,
        Double powerW,
        Double hashrateThs,
        Double efficiencyJPerTh) {

    public Candidate {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(identifier, "identifier");
    }
}
