package fleet.domain;

/** How deep a miner is curtailed (SPEC §3); ordered by ascending power reduction. Wire numbers are stable. */
public enum CurtailmentLevel implements WireEnum {
    /** Reserved: a peak-efficiency setting instead of a full stop; refused in v1. */
    EFFICIENCY(1),
    /** Sleep the miner. */
    FULL(2);

    private static final CurtailmentLevel[] BY_WIRE = WireEnum.indexByWire(values());

    private final int wire;

    CurtailmentLevel(int wire) {
        this.wire = wire;
    }

    @Override
    public int wire() {
        return wire;
    }

    /** @throws IllegalArgumentException for 0 (unspecified) or an unknown number */
    public static CurtailmentLevel fromWire(int wire) {
        return WireEnum.lookup(BY_WIRE, wire, "CurtailmentLevel");
    }
}
