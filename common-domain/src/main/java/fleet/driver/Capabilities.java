package fleet.driver;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a driver can do for one device, where its wattage comes from, and how long the firmware takes to
 * change state, so confirmation deadlines follow the firmware instead of one global value (SPEC §7.1).
 *
 * @param flags              the capability flags
 * @param powerSource        where telemetry wattage comes from ({@link PowerSource#NONE} without
 *                           {@link Capability#POWER_REPORTED})
 * @param expectedDown       typical time from an accepted curtail to the low-power state; zero when the
 *                           device cannot be curtailed
 * @param expectedUp         typical time from an accepted uncurtail back to full hashing; zero when the
 *                           device cannot be curtailed
 */
public record Capabilities(Set<Capability> flags, PowerSource powerSource, Duration expectedDown,
                           Duration expectedUp) {

    public Capabilities {
        flags = flags.isEmpty()
                ? Collections.unmodifiableSet(EnumSet.noneOf(Capability.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(flags));
        Objects.requireNonNull(powerSource, "powerSource");
        Objects.requireNonNull(expectedDown, "expectedDown");
        Objects.requireNonNull(expectedUp, "expectedUp");
        if (expectedDown.isNegative() || expectedUp.isNegative()) {
            throw new IllegalArgumentException("transition times must not be negative");
        }
    }

    /** True when the device has that capability. */
    public boolean has(Capability capability) {
        return flags.contains(capability);
    }

    /**
     * The flags as database names ({@code curtail_full}, …) in declaration order, ready for the
     * {@code device.capabilities text[]} column.
     */
    public Set<String> flagNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Capability c : flags) {
            names.add(c.dbName());
        }
        return Collections.unmodifiableSet(names);
    }

    /** A copy with a different flag set (e.g. after firmware detection removed curtail support). */
    public Capabilities withFlags(Set<Capability> newFlags) {
        return new Capabilities(newFlags, powerSource, expectedDown, expectedUp);
    }

    /** A copy with a different power source; drops {@link Capability#POWER_REPORTED} for {@code NONE}. */
    public Capabilities withPowerSource(PowerSource source) {
        EnumSet<Capability> newFlags = flags.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(flags);
        if (source == PowerSource.NONE) {
            newFlags.remove(Capability.POWER_REPORTED);
        } else {
            newFlags.add(Capability.POWER_REPORTED);
        }
        return new Capabilities(newFlags, source, expectedDown, expectedUp);
    }
}
