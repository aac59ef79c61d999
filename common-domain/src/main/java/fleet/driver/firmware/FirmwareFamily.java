package fleet.driver.firmware;

/**
 * Firmware families told apart by the {@code version} reply (notes §1.3, §6.2), with the driver that
 * serves each today. Families without a curtail driver yet fall back to the telemetry-only
 * {@code cgminer} driver (SPEC §7.1: their devices are skipped as {@code curtail_unsupported}).
 */
public enum FirmwareFamily {
    /** Luxor LuxOS: {@code VERSION[0].LUXminer}. */
    LUXOS("LUXminer", "luxos"),
    /** Braiins OS / BOS+: {@code VERSION[0].BOSminer} (or {@code BOSminer+}). */
    BRAIINS_OS("BOSminer", "cgminer"),
    /** Bitmain stock Antminer: {@code VERSION[0].BMMiner}. */
    ANTMINER_STOCK("BMMiner", "cgminer"),
    /** Whatsminer btminer: {@code btminer} in the description. */
    WHATSMINER("btminer", "cgminer"),
    /** Vanilla cgminer (and firmware that claims only that): {@code VERSION[0].CGMiner}. */
    CGMINER("CGMiner", "cgminer"),
    /** Nothing recognisable. */
    UNKNOWN(null, "cgminer");

    private final String versionKey;
    private final String driverName;

    FirmwareFamily(String versionKey, String driverName) {
        this.versionKey = versionKey;
        this.driverName = driverName;
    }

    /** The key in {@code VERSION[0]} (or word in the description) that identifies the family. */
    public String versionKey() {
        return versionKey;
    }

    /** The registry name of the driver that serves this family today. */
    public String driverName() {
        return driverName;
    }
}
