package fleet.domain.selection;

import java.util.UUID;

/**
 * A device the plan curtails.
 *
 * @param rank                 1 = least efficient, curtailed first
 * @param candidate            the input row (latest sample included)
 * @param efficiencyJPerTh     the efficiency the ranking used, or {@code null} when unknown
 * @param baselinePowerW       the power confirmation compares against, or {@code null}: the target is
 *                             then confirmed by hashrate only (SPEC §4 "Baseline")
 * @param baselineHashrateThs  the sample's hashrate, or {@code null} when the miner does not report it
 */
public record SelectedDevice(
        int rank,
        Candidate candidate,
        Double efficiencyJPerTh,
        Double baselinePowerW,
        Double baselineHashrateThs) {

    public UUID deviceId() {
        return candidate.deviceId();
    }

    public String identifier() {
        return candidate.identifier();
    }

    /** The latest sampled power, or {@code null}. */
    public Double powerW() {
        return candidate.powerW();
    }
}
