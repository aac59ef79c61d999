package fleet.domain.selection;

import fleet.domain.CurtailmentMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of one selection run. Lists and maps are unmodifiable.
 *
 * @param mode                  the mode planned for
 * @param selected              the devices to curtail, by rank (rank 1 first); empty when insufficient
 * @param skipped               every skipped device with its reason, ordered by identifier then id
 * @param skipCounts            skipped devices per reason; every reason present, zeros included
 * @param devicesInScope        number of candidates
 * @param eligibleCount         candidates no row skipped (FIXED_KW may select fewer)
 * @param estimatedReductionKw  sum of the selected devices' sampled power, kW (0 when insufficient)
 * @param scopePowerKw          sum of the sampled power of every candidate with a sample, kW
 * @param candidateMinPowerW    the floor that applied, W
 * @param insufficientLoad      FIXED_KW only: present when the target cannot be met within tolerance
 */
public record Plan(
        CurtailmentMode mode,
        List<SelectedDevice> selected,
        List<SkippedDevice> skipped,
        Map<SkipReason, Integer> skipCounts,
        int devicesInScope,
        int eligibleCount,
        double estimatedReductionKw,
        double scopePowerKw,
        double candidateMinPowerW,
        Optional<InsufficientLoad> insufficientLoad) {

    /** False when FIXED_KW cannot reach {@code target − tolerance}; the request must then fail. */
    public boolean sufficient() {
        return insufficientLoad.isEmpty();
    }

    public int skipCount(SkipReason reason) {
        return skipCounts.getOrDefault(reason, 0);
    }

    /** {@code scopePowerKw − estimatedReductionKw}, never negative. */
    public double remainingPowerKw() {
        return Math.max(0, scopePowerKw - estimatedReductionKw);
    }
}
