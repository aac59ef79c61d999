package fleet.domain;

/**
 * The miner state of a device's latest poll ({@code device_telemetry_latest.status}, stored as the
 * constant's name). The first four mean the poll itself failed or the miner is mid-maintenance; the
 * rest are states a reachable miner reported.
 */
public enum DeviceStatus {
    /** Hashing normally. */
    MINING,
    /** Asleep (curtailed), by us or by someone else. */
    SLEEPING,
    /** Last poll failed: offline, refused, timed out. */
    UNREACHABLE,
    /** Last poll failed: credentials refused. */
    AUTH_FAILED,
    /** Firmware update in progress. */
    UPDATING,
    /** Rebooting. */
    REBOOTING,
    /** Reachable, no working pool: typically idle draw or phantom load with zero hashrate. */
    NO_POOL,
    /** Reachable, mining stopped by an operator command. */
    STOPPED,
    /** Reachable, ramping up (boot, wake-up, tuning). */
    STARTING,
    /** Reachable, the firmware reports an error state. */
    ERROR;

    /**
     * True when the last poll produced no trustworthy view of the miner (SPEC §4 row 4): the miner is
     * offline, refused our credentials, or is updating or rebooting.
     */
    public boolean pollFailed() {
        return this == UNREACHABLE || this == AUTH_FAILED || this == UPDATING || this == REBOOTING;
    }

    /** Parses the database text; {@code null} stays {@code null}. */
    public static DeviceStatus fromDb(String name) {
        return name == null ? null : valueOf(name);
    }
}
