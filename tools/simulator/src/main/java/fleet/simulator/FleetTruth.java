package fleet.simulator;

import java.time.Instant;
import java.util.Map;

/**
 * Ground truth for the whole fleet at one instant.
 *
 * @param at                   the simulator clock's instant
 * @param miners               fleet size
 * @param trueTotalPowerW      sum of real draws
 * @param trueTotalHashrateThs sum of real hashrates
 * @param countsByState        miners per {@link MinerView#state()} (every state present, zeros included)
 * @param sleepRequested       miners whose CurtailMode is "Sleep"
 * @param unreachable          miners whose API port refuses connections
 */
public record FleetTruth(
        Instant at,
        int miners,
        double trueTotalPowerW,
        double trueTotalHashrateThs,
        Map<MinerState, Integer> countsByState,
        int sleepRequested,
        int unreachable) {

    public double trueTotalKw() {
        return trueTotalPowerW / 1000.0;
    }
}
