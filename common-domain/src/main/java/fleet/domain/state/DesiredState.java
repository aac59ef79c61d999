package fleet.domain.state;

import fleet.domain.WireEnum;

/**
 * What the reconciler drives a target towards (SPEC §6.3): the phase of the target. Wire numbers are
 * stable.
 */
public enum DesiredState implements WireEnum {
    /** Curtail phase: the miner should be asleep. */
    CURTAILED(1),
    /** Restore phase: the miner should be running again. */
    ACTIVE(2);

    private static final DesiredState[] BY_WIRE = WireEnum.indexByWire(values());

    private final int wire;

    DesiredState(int wire) {
        this.wire = wire;
    }

    @Override
    public int wire() {
        return wire;
    }

    /** @throws IllegalArgumentException for 0 (unspecified) or an unknown number */
    public static DesiredState fromWire(int wire) {
        return WireEnum.lookup(BY_WIRE, wire, "DesiredState");
    }
}
