package fleet.domain.selection;

import fleet.domain.CurtailmentMode;
import fleet.domain.CurtailmentPriority;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The settings one selection runs with. Validation of the request happened upstream (api-service);
 * the checks here only reject values the planner cannot give a meaning to.
 *
 * @param mode                FIXED_KW or FULL_FLEET
 * @param targetKw            kW to shed (FIXED_KW: finite, &gt; 0); ignored for FULL_FLEET
 * @param toleranceKw         accepted shortfall (FIXED_KW: finite, 0 ≤ tolerance &lt; target); ignored for FULL_FLEET
 * @param candidateMinPowerW  the power floor of rows 8–9 (org default 1 500 W, or the admin override); finite, &gt; 0
 * @param freshnessWindow     a sample older than this is stale (org default 180 s); ≥ 0
 * @param postEventCooldown   devices resolved more recently than this are skipped (NORMAL priority); ≥ 0
 * @param priority            NORMAL or EMERGENCY (EMERGENCY bypasses the cooldown)
 * @param includeMaintenance  select devices under the maintenance flag too (admin only)
 * @param now                 the instant selection is evaluated at (database time of the request)
 */
public record SelectionParams(
        CurtailmentMode mode,
        double targetKw,
        double toleranceKw,
        double candidateMinPowerW,
        Duration freshnessWindow,
        Duration postEventCooldown,
        CurtailmentPriority priority,
        boolean includeMaintenance,
        Instant now) {

    /** SPEC §9: the org default power floor. */
    public static final double DEFAULT_CANDIDATE_MIN_POWER_W = 1_500;
    /** SPEC §9: the org default telemetry freshness window. */
    public static final Duration DEFAULT_FRESHNESS_WINDOW = Duration.ofSeconds(180);

    public SelectionParams {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(freshnessWindow, "freshnessWindow");
        Objects.requireNonNull(postEventCooldown, "postEventCooldown");
        if (freshnessWindow.isNegative()) {
            throw new IllegalArgumentException("freshnessWindow must be >= 0");
        }
        if (postEventCooldown.isNegative()) {
            throw new IllegalArgumentException("postEventCooldown must be >= 0");
        }
        if (!(candidateMinPowerW > 0) || Double.isInfinite(candidateMinPowerW)) {
            throw new IllegalArgumentException("candidateMinPowerW must be finite and > 0");
        }
        if (mode == CurtailmentMode.FIXED_KW) {
            if (!(targetKw > 0) || Double.isInfinite(targetKw)) {
                throw new IllegalArgumentException("targetKw must be finite and > 0");
            }
            if (!(toleranceKw >= 0) || !(toleranceKw < targetKw)) {
                throw new IllegalArgumentException("toleranceKw must satisfy 0 <= tolerance < target");
            }
        }
    }

    /** FIXED_KW with the SPEC defaults: floor 1 500 W, freshness 180 s, no cooldown, NORMAL, no maintenance. */
    public static SelectionParams fixedKw(double targetKw, double toleranceKw, Instant now) {
        return new SelectionParams(CurtailmentMode.FIXED_KW, targetKw, toleranceKw, DEFAULT_CANDIDATE_MIN_POWER_W,
                DEFAULT_FRESHNESS_WINDOW, Duration.ZERO, CurtailmentPriority.NORMAL, false, now);
    }

    /** FULL_FLEET with the SPEC defaults: floor 1 500 W, freshness 180 s, no cooldown, NORMAL, no maintenance. */
    public static SelectionParams fullFleet(Instant now) {
        return new SelectionParams(CurtailmentMode.FULL_FLEET, 0, 0, DEFAULT_CANDIDATE_MIN_POWER_W,
                DEFAULT_FRESHNESS_WINDOW, Duration.ZERO, CurtailmentPriority.NORMAL, false, now);
    }

    public SelectionParams withCandidateMinPowerW(double value) {
        return new SelectionParams(mode, targetKw, toleranceKw, value, freshnessWindow, postEventCooldown,
                priority, includeMaintenance, now);
    }

    public SelectionParams withFreshnessWindow(Duration value) {
        return new SelectionParams(mode, targetKw, toleranceKw, candidateMinPowerW, value, postEventCooldown,
                priority, includeMaintenance, now);
    }

    public SelectionParams withPostEventCooldown(Duration value) {
        return new SelectionParams(mode, targetKw, toleranceKw, candidateMinPowerW, freshnessWindow, value,
                priority, includeMaintenance, now);
    }

    public SelectionParams withPriority(CurtailmentPriority value) {
        return new SelectionParams(mode, targetKw, toleranceKw, candidateMinPowerW, freshnessWindow,
                postEventCooldown, value, includeMaintenance, now);
    }

    public SelectionParams withIncludeMaintenance(boolean value) {
        return new SelectionParams(mode, targetKw, toleranceKw, candidateMinPowerW, freshnessWindow,
                postEventCooldown, priority, value, now);
    }
}
