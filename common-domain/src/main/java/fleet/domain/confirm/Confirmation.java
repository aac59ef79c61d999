package fleet.domain.confirm;

import java.time.Instant;

/**
 * The confirmation and drift predicates of SPEC §6.5, pure functions of a target's baseline, one
 * observation and the time its last command was sent.
 *
 * <p>Rules shared by every predicate:
 * <ul>
 * <li>only a sample taken strictly after {@code commandSentAt} counts; a {@code null} observation,
 *     {@code null} {@code observedAt} or {@code null} {@code commandSentAt} counts as no sample;</li>
 * <li>a value that is {@code null}, NaN, infinite or negative is "not reported";</li>
 * <li>a baseline is usable only when finite and &gt; 0, otherwise the target has no baseline and is
 *     judged by hashrate;</li>
 * <li>"hashrate = 0" means exactly zero (a sleeping miner's short-window hashrate is 0).</li>
 * </ul>
 * The outcome without a usable sample is always the safe one: not curtailed (no false confirmation),
 * not drifted (no redispatch storm), not restored (keep trying, within the budget).
 */
public final class Confirmation {

    /** SPEC §9: confirmation factor 0.5 × baseline. */
    public static final double DEFAULT_FACTOR = 0.5;

    /** The predicates with {@link #DEFAULT_FACTOR}. */
    public static final Confirmation DEFAULT = new Confirmation(DEFAULT_FACTOR);

    private final double factor;

    /** @param factor fraction of the baseline separating curtailed from running; 0 &lt; factor ≤ 1 */
    public Confirmation(double factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1]: " + factor);
        }
        this.factor = factor;
    }

    public double factor() {
        return factor;
    }

    /**
     * Positive evidence the miner is curtailed. With a baseline: power reported and ≤ factor ×
     * baseline, and hashrate = 0 where the miner reports hashrate (power missing never confirms, even
     * at zero hashrate). Without a baseline: hashrate reported and = 0.
     */
    public boolean isCurtailed(Double baselinePowerW, Observation o, Instant commandSentAt) {
        if (!counts(o, commandSentAt)) {
            return false;
        }
        boolean hashReported = reported(o.hashrateThs());
        if (hasBaseline(baselinePowerW)) {
            return reported(o.powerW()) && o.powerW() <= factor * baselinePowerW
                    && (!hashReported || o.hashrateThs() == 0);
        }
        return hashReported && o.hashrateThs() == 0;
    }

    /**
     * The miner of a CONFIRMED target is running again: power &gt; factor × baseline (with a baseline),
     * or hashrate &gt; 0. Tolerant: missing values never drift.
     */
    public boolean isDrifted(Double baselinePowerW, Observation o, Instant commandSentAt) {
        if (!counts(o, commandSentAt)) {
            return false;
        }
        if (hasBaseline(baselinePowerW) && reported(o.powerW()) && o.powerW() > factor * baselinePowerW) {
            return true;
        }
        return reported(o.hashrateThs()) && o.hashrateThs() > 0;
    }

    /**
     * The miner is running again after the restore command. With a baseline: power &gt; factor ×
     * baseline; when that sample lacks power, hashrate &gt; 0 (a hashing miner is running). Without a
     * baseline: hashrate &gt; 0.
     */
    public boolean isRestored(Double baselinePowerW, Observation o, Instant commandSentAt) {
        if (!counts(o, commandSentAt)) {
            return false;
        }
        if (hasBaseline(baselinePowerW) && reported(o.powerW())) {
            return o.powerW() > factor * baselinePowerW;
        }
        return reported(o.hashrateThs()) && o.hashrateThs() > 0;
    }

    private static boolean counts(Observation o, Instant commandSentAt) {
        return o != null && o.observedAt() != null && commandSentAt != null && o.observedAt().isAfter(commandSentAt);
    }

    private static boolean reported(Double v) {
        return v != null && v >= 0 && v < Double.POSITIVE_INFINITY;
    }

    private static boolean hasBaseline(Double b) {
        return b != null && b > 0 && b < Double.POSITIVE_INFINITY;
    }
}
