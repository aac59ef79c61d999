package fleet.driver;

import fleet.driver.cgminer.CgminerDriver;
import fleet.driver.luxos.LuxosDriver;
import java.util.Map;
import java.util.Set;

/**
 * What the system knows about its drivers without talking to a miner: their names (the values {@code device.driver}
 * allows) and the capabilities a device of each gets at registration. No network access and no Vert.x: this is the
 * part of {@code fleet.driver} the api-service may use (the layering rules allow it and nothing that opens a
 * connection, such as {@link DriverRegistry}).
 */
public final class DriverCatalog {

    private static final Map<String, Capabilities> DEFAULTS = Map.of(
            LuxosDriver.NAME, LuxosDriver.DEFAULT_CAPABILITIES,
            CgminerDriver.NAME, CgminerDriver.DEFAULT_CAPABILITIES);

    private DriverCatalog() {
    }

    /** The known driver names ({@code luxos}, {@code cgminer}); the values {@code device.driver} allows. */
    public static Set<String> driverNames() {
        return DEFAULTS.keySet();
    }

    /** True for a name in {@link #driverNames()}. */
    public static boolean isKnownDriver(String name) {
        return name != null && DEFAULTS.containsKey(name);
    }

    /**
     * The capability flags a device of that driver gets at registration, as the database's names
     * ({@code curtail_full}, {@code curtail_efficiency}, {@code power_target}, {@code power_reported},
     * {@code reboot}, {@code mining_start_stop}).
     *
     * @throws IllegalArgumentException for an unknown driver name
     */
    public static Set<String> defaultCapabilities(String driverName) {
        return defaultCapabilityProfile(driverName).flagNames();
    }

    /** The full default {@link Capabilities} of a driver (flags, power source, transition times). */
    public static Capabilities defaultCapabilityProfile(String driverName) {
        Capabilities caps = driverName == null ? null : DEFAULTS.get(driverName);
        if (caps == null) {
            throw new IllegalArgumentException("unknown driver '" + driverName + "', known: " + DEFAULTS.keySet());
        }
        return caps;
    }
}
