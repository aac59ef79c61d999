package fleet.driver;

/**
 * Where a wattage came from; stored as the constant's name in {@code device_telemetry_latest.power_source}.
 * Confirmation treats every source alike but operators and reports need to know how far to trust it.
 */
public enum PowerSource {
    /** Read from the power supply (PMBus); LuxOS {@code power} with {@code PSU: true}. */
    MEASURED_PSU,
    /** Computed by the firmware from its own model; LuxOS {@code PSU: false}, Braiins tuner approximation. */
    FIRMWARE_ESTIMATE,
    /** Our estimate from nameplate × hashrate ratio (firmware that reports no power at all). */
    NAMEPLATE_ESTIMATE,
    /** No wattage. */
    NONE
}
