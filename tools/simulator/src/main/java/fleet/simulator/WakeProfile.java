package fleet.simulator;

/**
 * How fast a miner comes back from sleep after {@code curtail <sid>,wakeup}.
 *
 * <p>LuxOS ramps a default wakeup "similar to a reboot or profile change"; custom steps or
 * {@code mode=unsafe} bring it back in about ten seconds (docs.luxor.tech curtail page,
 * hashrateindex.com). The durations themselves live in {@link PhysicsSettings}.
 */
public enum WakeProfile {
    /** Custom wakeup steps: full power in ~10 s. */
    FAST,
    /** Firmware default ramp: minutes, like a reboot. */
    STOCK
}
