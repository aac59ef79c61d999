package fleet.simulator;

/**
 * What a simulated miner is physically doing, as ground truth (never derived from a reply).
 *
 * <p>Transitional states ({@link #RAMPING_DOWN}, {@link #WAKING}, {@link #REBOOTING}) end on their
 * own once their (time-scaled) duration has passed; the next state is computed lazily the next time
 * the miner is read or commanded.
 */
public enum MinerState {
    /** Hashing at its operating point. */
    MINING,
    /** Acknowledged {@code curtail sleep}; hashboards and PSU are shutting down. */
    RAMPING_DOWN,
    /** Asleep: ~25 W, no hashrate, {@code CurtailMode} "Sleep". */
    SLEEPING,
    /** Power and then hashrate are ramping back up (after wakeup, a board restart or a boot). */
    WAKING,
    /** Mining stopped by an operator outside the curtailment system; fans and control board only. */
    STOPPED,
    /** No live pool: hashrate 0 while the boards still draw near-full power (phantom load). */
    NO_POOL,
    /** The whole device is rebooting; its API port refuses connections until it is back. */
    REBOOTING,
    /**
     * Unreachable over the network (offline or flapping fault). The hashboards keep doing whatever
     * they did, so the true power is still reported by the ground truth.
     */
    OFFLINE
}
