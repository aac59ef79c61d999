package fleet.domain.confirm;

import java.time.Instant;

/**
 * One telemetry read of a miner, as the confirmation predicates see it.
 *
 * @param powerW       power in watts, or {@code null} when not reported
 * @param hashrateThs  short-window hashrate in TH/s, or {@code null} when not reported
 * @param observedAt   when the sample was taken (our clock), or {@code null} when unknown
 */
public record Observation(Double powerW, Double hashrateThs, Instant observedAt) {
}
