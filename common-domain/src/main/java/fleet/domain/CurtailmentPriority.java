package fleet.domain;

/** The curtailment priority (SPEC §3). Wire numbers are stable. */
public enum CurtailmentPriority implements WireEnum {
    /** Honours post-event cooldown and curtail pacing. */
    NORMAL(1),
    /** Bypasses post-event cooldown and curtail pacing. */
    EMERGENCY(2);

    private static final CurtailmentPriority[] BY_WIRE = WireEnum.indexByWire(values());

    private final int wire;

    CurtailmentPriority(int wire) {
        this.wire = wire;
    }

    @Override
    public int wire() {
        return wire;
    }

    /** @throws IllegalArgumentException for 0 (unspecified) or an unknown number */
    public static CurtailmentPriority fromWire(int wire) {
        return WireEnum.lookup(BY_WIRE, wire, "CurtailmentPriority");
    }
}
