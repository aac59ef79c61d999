package fleet.domain;

/** The curtailment mode (SPEC §3). Wire numbers are stable. */
public enum CurtailmentMode implements WireEnum {
    /** Shed at least target_kw (minus tolerance), least efficient devices first. */
    FIXED_KW(1),
    /** Shed every eligible device in scope. */
    FULL_FLEET(2);

    private static final CurtailmentMode[] BY_WIRE = WireEnum.indexByWire(values());

    private final int wire;

    CurtailmentMode(int wire) {
        this.wire = wire;
    }

    @Override
    public int wire() {
        return wire;
    }

    /** @throws IllegalArgumentException for 0 (unspecified) or an unknown number */
    public static CurtailmentMode fromWire(int wire) {
        return WireEnum.lookup(BY_WIRE, wire, "CurtailmentMode");
    }
}
