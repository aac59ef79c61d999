package fleet.simulator;

/**
 * Everything one telemetry reply reports, captured at one instant (with read noise applied). The
 * frozen-telemetry fault keeps serving one of these.
 *
 * @param when            epoch seconds of the simulator clock ({@code STATUS[0].When})
 * @param elapsedSeconds  miner seconds since boot ({@code Elapsed})
 * @param state           physical state at that instant
 * @param watts           power as the firmware reports it
 * @param ghs5s           short-window hashrate, follows the hashboards instantly
 * @param ghs1m           1 minute decaying average
 * @param ghs5m           5 minute decaying average
 * @param ghs15m          15 minute decaying average
 * @param ghsAv           lifetime average since boot
 * @param totalGigahashes hashes since boot, in GH (drives the share counters)
 * @param sleepRequested  {@code CurtailMode} is "Sleep"
 * @param psuOn           {@code IsPowerSupplyOn}
 * @param operatingWatts  power at the current profile / power target
 * @param operatingGhs    hashrate at the current profile / power target
 * @param profile         LuxOS profile name
 * @param powerTargetW    power target set with {@code powertargetset}, 0 when none
 */
record TelemetryReading(
        long when,
        long elapsedSeconds,
        MinerState state,
        double watts,
        double ghs5s,
        double ghs1m,
        double ghs5m,
        double ghs15m,
        double ghsAv,
        double totalGigahashes,
        boolean sleepRequested,
        boolean psuOn,
        double operatingWatts,
        double operatingGhs,
        String profile,
        int powerTargetW) {

    boolean poolAlive() {
        return state != MinerState.NO_POOL;
    }

    /** Pool shares: one per ~2.8e5 GH, i.e. pool difficulty 65 536. */
    long acceptedShares() {
        return (long) (totalGigahashes / 281_475.0);
    }

    long rejectedShares() {
        return acceptedShares() / 400;
    }

    /** Board temperature: ambient plus heat from the current draw. */
    double boardTemperature() {
        double load = operatingWatts > 0 ? Math.min(1.2, watts / operatingWatts) : 0;
        return Math.round((28.0 + 38.0 * load) * 10) / 10.0;
    }
}
