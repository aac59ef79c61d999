package fleet.domain.selection;

import fleet.domain.WireEnum;
import java.util.Locale;

/**
 * Why selection left a device out (SPEC §4). Declaration order is the classification order: the
 * first matching row wins. Wire numbers are stable; {@link #code()} is the lower-snake name used in
 * SPEC §4 and in the {@code excluded.<code>} metadata keys of {@code INSUFFICIENT_CURTAILABLE_LOAD}.
 */
public enum SkipReason implements WireEnum {
    /** Row 1: the device has a live target in another non-terminal event. */
    ACTIVE_EVENT(1),
    /** Row 2: the driver cannot curtail it (no {@code curtail_full}). */
    CURTAIL_UNSUPPORTED(2),
    /** Row 3: operator maintenance flag, unless {@code include_maintenance}. */
    MAINTENANCE(3),
    /** Row 4: last poll failed, miner offline. */
    UNREACHABLE(4),
    /** Row 4: last poll failed, credentials refused. */
    AUTH_FAILED(5),
    /** Row 4: firmware update in progress. */
    UPDATING(6),
    /** Row 4: rebooting. */
    REBOOTING(7),
    /** Row 5: already asleep (curtailed by someone else). */
    ALREADY_CURTAILED(8),
    /** Row 6: no usable sample within the freshness window. */
    STALE_TELEMETRY(9),
    /** Row 7: resolved in an event that ended less than the post-event cooldown ago (NORMAL only). */
    COOLDOWN(10),
    /** Row 8 (FIXED_KW): power below the floor and not hashing. */
    BELOW_MIN_POWER(11),
    /** Row 9 (FIXED_KW): hashing while reporting power below the floor, or no power at all. */
    POWER_TELEMETRY_UNRELIABLE(12),
    /** Row 10 (FIXED_KW): drawing at least the floor with a reported hashrate of zero. */
    PHANTOM_LOAD_NO_HASH(13);

    private static final SkipReason[] BY_WIRE = WireEnum.indexByWire(values());

    private final int wire;
    private final String code;

    SkipReason(int wire) {
        this.wire = wire;
        this.code = name().toLowerCase(Locale.ROOT);
    }

    @Override
    public int wire() {
        return wire;
    }

    /** The lower-snake name of SPEC §4, e.g. {@code active_event}. */
    public String code() {
        return code;
    }

    /** @throws IllegalArgumentException for 0 (unspecified) or an unknown number */
    public static SkipReason fromWire(int wire) {
        return WireEnum.lookup(BY_WIRE, wire, "SkipReason");
    }
}
