package fleet.simulator;

import java.time.Duration;

/**
 * The physical constants of the simulated fleet, in <em>miner time</em> (before the time scale is
 * applied: with {@code timeScale = 10} a 3 s ramp takes 0.3 s of wall-clock time).
 *
 * @param rampDown          MINING → SLEEPING; LuxOS reaches ~25 W in under 5 s. Each miner jitters it by
 *                          ±30 % so a fleet does not land in one instant.
 * @param fastWake          SLEEPING → MINING with the {@link WakeProfile#FAST} profile (~10 s).
 * @param stockWake         SLEEPING → MINING with the {@link WakeProfile#STOCK} profile, also the warm-up
 *                          after a device boot (minutes).
 * @param deviceReboot      how long {@code rebootdevice} keeps the API port closed.
 * @param boardRestart      how long {@code reboot} keeps the hashboards off before they ramp again
 *                          (LuxOS: "started again after five seconds").
 * @param sleepWatts        draw while asleep (LuxOS: ~25 W).
 * @param idleWatts         draw with boards off but the PSU on (rebooting, restarting boards).
 * @param stoppedWatts      draw with mining stopped: fans and control board.
 * @param poolLossPowerShare share of the operating power a miner without a pool still draws.
 * @param efficiencySpread  per-miner spread of power at the nameplate hashrate (±, e.g. 0.07 = ±7 %).
 * @param readNoise         noise on each telemetry read of power and the 5 s hashrate (±, e.g. 0.015).
 */
public record PhysicsSettings(
        Duration rampDown,
        Duration fastWake,
        Duration stockWake,
        Duration deviceReboot,
        Duration boardRestart,
        double sleepWatts,
        double idleWatts,
        double stoppedWatts,
        double poolLossPowerShare,
        double efficiencySpread,
        double readNoise) {

    public PhysicsSettings {
        requirePositive(rampDown, "rampDown");
        requirePositive(fastWake, "fastWake");
        requirePositive(stockWake, "stockWake");
        requirePositive(deviceReboot, "deviceReboot");
        requirePositive(boardRestart, "boardRestart");
        if (sleepWatts < 0 || idleWatts < 0 || stoppedWatts < 0) {
            throw new IllegalArgumentException("watts must not be negative");
        }
        if (poolLossPowerShare < 0 || poolLossPowerShare > 1) {
            throw new IllegalArgumentException("poolLossPowerShare must be within [0, 1]");
        }
        if (efficiencySpread < 0 || efficiencySpread >= 0.5 || readNoise < 0 || readNoise >= 0.5) {
            throw new IllegalArgumentException("efficiencySpread and readNoise must be within [0, 0.5)");
        }
    }

    /** The values SPEC §7.2 and the protocol notes describe. */
    public static PhysicsSettings defaults() {
        return new PhysicsSettings(
                Duration.ofSeconds(3),
                Duration.ofSeconds(10),
                Duration.ofMinutes(4),
                Duration.ofSeconds(60),
                Duration.ofSeconds(5),
                25.0,
                120.0,
                180.0,
                0.9,
                0.07,
                0.015);
    }

    public PhysicsSettings withRampDown(Duration value) {
        return new PhysicsSettings(value, fastWake, stockWake, deviceReboot, boardRestart, sleepWatts, idleWatts,
                stoppedWatts, poolLossPowerShare, efficiencySpread, readNoise);
    }

    public PhysicsSettings withFastWake(Duration value) {
        return new PhysicsSettings(rampDown, value, stockWake, deviceReboot, boardRestart, sleepWatts, idleWatts,
                stoppedWatts, poolLossPowerShare, efficiencySpread, readNoise);
    }

    public PhysicsSettings withStockWake(Duration value) {
        return new PhysicsSettings(rampDown, fastWake, value, deviceReboot, boardRestart, sleepWatts, idleWatts,
                stoppedWatts, poolLossPowerShare, efficiencySpread, readNoise);
    }

    public PhysicsSettings withDeviceReboot(Duration value) {
        return new PhysicsSettings(rampDown, fastWake, stockWake, value, boardRestart, sleepWatts, idleWatts,
                stoppedWatts, poolLossPowerShare, efficiencySpread, readNoise);
    }

    /** Noise-free readings: for tests that compare replies with the ground truth exactly. */
    public PhysicsSettings withoutReadNoise() {
        return new PhysicsSettings(rampDown, fastWake, stockWake, deviceReboot, boardRestart, sleepWatts, idleWatts,
                stoppedWatts, poolLossPowerShare, efficiencySpread, 0.0);
    }

    double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration");
        }
    }
}
