package fleet.driver;

/**
 * What a reachable miner is doing, as far as one telemetry read can tell. Failures to read are not states
 * here: they are {@link MinerCallException}s (the poller records them as {@code UNREACHABLE} etc.).
 * The names match {@code fleet.domain.DeviceStatus} where both exist, so the poller maps by name;
 * {@link #UNKNOWN} has no column value and is the poller's decision.
 */
public enum MinerState {
    /** Hashing (short-window hashrate above zero). */
    MINING,
    /** Asleep: curtailed by the firmware's sleep verb and no longer hashing. */
    SLEEPING,
    /** Powered and reachable but not hashing, and not asleep (mining stopped or PSU off). */
    STOPPED,
    /** Not hashing yet while nothing says it is stopped: booting, waking up, tuning. */
    STARTING,
    /** No live pool: hashes nothing yet may draw near-full power (phantom load). */
    NO_POOL,
    /** Rebooting. */
    REBOOTING,
    /** The firmware reports an error state. */
    ERROR,
    /** The reply did not carry enough to decide (e.g. no hashrate field). */
    UNKNOWN
}
