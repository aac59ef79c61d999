package fleet.driver;

import java.util.Optional;

/**
 * One thing a driver can do for a device. {@link #dbName()} is the vocabulary of
 * {@code device.capabilities} (a CHECK constraint in V1) and of proto-fleet's capability map; it never
 * changes once released.
 */
public enum Capability {
    /** {@code curtail(FULL)} / {@code uncurtail} put the miner to sleep and wake it. */
    CURTAIL_FULL("curtail_full"),
    /** {@code curtail(EFFICIENCY)}: a low-power setting instead of sleep. */
    CURTAIL_EFFICIENCY("curtail_efficiency"),
    /** {@code setPowerTarget(watts)}. */
    POWER_TARGET("power_target"),
    /** Telemetry carries a wattage (measured or firmware-estimated). */
    POWER_REPORTED("power_reported"),
    /** {@code reboot}. */
    REBOOT("reboot"),
    /** {@code startMining} / {@code stopMining}. */
    MINING_START_STOP("mining_start_stop");

    private final String dbName;

    Capability(String dbName) {
        this.dbName = dbName;
    }

    /** The flag's name in the database and in capability maps. */
    public String dbName() {
        return dbName;
    }

    /** The capability with that database name, if any. */
    public static Optional<Capability> fromDbName(String name) {
        for (Capability c : values()) {
            if (c.dbName.equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
