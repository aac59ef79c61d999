package fleet.simulator;

/**
 * The averages cgminer-style firmware reports, kept exactly without sampling: the lifetime average
 * ({@code GHS av} = hashes since boot / elapsed) and exponentially decaying 1, 5 and 15 minute
 * averages ({@code GHS 1m/5m/15m}, cgminer's decaying "rolling" averages).
 *
 * <p>Because a trajectory is piecewise linear, both the hash integral and the exponential average
 * have closed forms per piece, so advancing over an hour costs the same as over a second. For a
 * piece {@code h(s) = a + b·s}, {@code 0 ≤ s ≤ Δ}, and {@code y' = (h − y)/τ}:
 * {@code y(Δ) = a + b(Δ − τ) + (y₀ − a + bτ)·e^(−Δ/τ)}.
 */
final class HashrateAverages {

    private static final double ONE_MINUTE = 60;
    private static final double FIVE_MINUTES = 300;
    private static final double FIFTEEN_MINUTES = 900;

    private double integratedUntil;
    private double bootedAt;
    private double totalGigahashes;
    private double oneMinute;
    private double fiveMinutes;
    private double fifteenMinutes;

    /** A miner that has been hashing steadily at {@code gigahashesPerSecond} for {@code uptimeSeconds}. */
    HashrateAverages(double now, double uptimeSeconds, double gigahashesPerSecond) {
        this.integratedUntil = now;
        this.bootedAt = now - uptimeSeconds;
        this.totalGigahashes = gigahashesPerSecond * uptimeSeconds;
        this.oneMinute = gigahashesPerSecond;
        this.fiveMinutes = gigahashesPerSecond;
        this.fifteenMinutes = gigahashesPerSecond;
    }

    /** Folds the hashrate of {@code course} from the last call up to {@code until} into the averages. */
    void integrate(Trajectory course, double until) {
        if (until <= integratedUntil) {
            return;
        }
        course.forEachHashratePiece(integratedUntil, until, this::foldPiece);
        integratedUntil = until;
    }

    /** The miner process (re)started at {@code at}: counters and averages start from zero. */
    void restart(double at) {
        integratedUntil = Math.max(integratedUntil, at);
        bootedAt = at;
        totalGigahashes = 0;
        oneMinute = 0;
        fiveMinutes = 0;
        fifteenMinutes = 0;
    }

    double oneMinute() {
        return oneMinute;
    }

    double fiveMinutes() {
        return fiveMinutes;
    }

    double fifteenMinutes() {
        return fifteenMinutes;
    }

    double totalGigahashes() {
        return totalGigahashes;
    }

    double elapsedSeconds(double now) {
        return Math.max(0, now - bootedAt);
    }

    /** {@code GHS av}: hashes since boot divided by time since boot. */
    double lifetimeAverage(double now) {
        double elapsed = elapsedSeconds(now);
        return elapsed > 0 ? totalGigahashes / elapsed : 0;
    }

    private void foldPiece(double t0, double t1, double g0, double g1) {
        double span = t1 - t0;
        double slope = (g1 - g0) / span;
        totalGigahashes += (g0 + g1) / 2 * span;
        oneMinute = decay(oneMinute, g0, slope, span, ONE_MINUTE);
        fiveMinutes = decay(fiveMinutes, g0, slope, span, FIVE_MINUTES);
        fifteenMinutes = decay(fifteenMinutes, g0, slope, span, FIFTEEN_MINUTES);
    }

    static double decay(double previous, double intercept, double slope, double span, double tau) {
        double settled = intercept + slope * (span - tau);
        return settled + (previous - intercept + slope * tau) * Math.exp(-span / tau);
    }
}
