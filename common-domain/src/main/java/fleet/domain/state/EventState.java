package fleet.domain.state;

import fleet.domain.WireEnum;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Lifecycle of a curtailment event (SPEC §6.2). Wire numbers are stable and pinned by a test.
 *
 * <p>Transition table ({@link #canMoveTo}); self-moves are never transitions (an operator repeating
 * an ending is an echo decided by the caller, not a write):
 * <pre>
 * PENDING   → ACTIVE                   no target pending/dispatching/dispatched/drifted, ≥ 1 CONFIRMED
 * PENDING   → COMPLETED_WITH_FAILURES  every target failed
 * PENDING   → RESTORING                Stop, or the max duration elapsed (system-initiated)
 * PENDING   → CANCELLED | FAILED       AdminTerminateEvent (no curtail command in flight); CANCELLED also ForceRelease
 * ACTIVE    → RESTORING                Stop, or the max duration elapsed (system-initiated)
 * ACTIVE    → CANCELLED                ForceRelease (AdminTerminateEvent refuses ACTIVE: "stop first")
 * RESTORING → COMPLETED                every target RESOLVED or RELEASED
 * RESTORING → COMPLETED_WITH_FAILURES  any target RESTORE_FAILED
 * RESTORING → CANCELLED | FAILED       AdminTerminateEvent; CANCELLED also ForceRelease
 * terminal  → nothing
 * </pre>
 * An event is inserted as PENDING, or directly as COMPLETED when a FULL_FLEET selection over a device
 * list has no eligible device ({@link #canBeCreatedIn()}).
 *
 * <p>Every guarded statement that writes {@code curtailment_event.state} is declared as a
 * {@code fleet.persistence.GuardedUpdate}, which refuses a move this table does not allow when the
 * statement is built.
 */
public enum EventState implements WireEnum {
    PENDING(1),
    ACTIVE(2),
    RESTORING(3),
    COMPLETED(4),
    COMPLETED_WITH_FAILURES(5),
    CANCELLED(6),
    FAILED(7);

    private static final EventState[] BY_WIRE = WireEnum.indexByWire(values());

    /** PENDING, ACTIVE, RESTORING ({@link #isLive}), unmodifiable. */
    public static final Set<EventState> LIVE = Collections.unmodifiableSet(EnumSet.of(PENDING, ACTIVE, RESTORING));

    /** COMPLETED, COMPLETED_WITH_FAILURES, CANCELLED, FAILED ({@link #isTerminal}), unmodifiable. */
    public static final Set<EventState> TERMINAL = Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.copyOf(LIVE)));

    private final int wire;

    EventState(int wire) {
        this.wire = wire;
    }

    @Override
    public int wire() {
        return wire;
    }

    /** @throws IllegalArgumentException for 0 (unspecified) or an unknown number */
    public static EventState fromWire(int wire) {
        return WireEnum.lookup(BY_WIRE, wire, "EventState");
    }

    /** COMPLETED, COMPLETED_WITH_FAILURES, CANCELLED, FAILED (wire 4..7): the event is over. */
    public boolean isTerminal() {
        return wire >= 4;
    }

    /** PENDING, ACTIVE, RESTORING: the event holds devices and is driven by a reconciler. */
    public boolean isLive() {
        return !isTerminal();
    }

    /** The states an event row may be inserted in: PENDING, or COMPLETED for an empty FULL_FLEET plan. */
    public boolean canBeCreatedIn() {
        return this == PENDING || this == COMPLETED;
    }

    /** Whether {@code this → next} is an edge of the table above. */
    public boolean canMoveTo(EventState next) {
        return Table.EDGES.get(this).contains(next);
    }

    /** Every state reachable in one move, as an unmodifiable set. */
    public Set<EventState> successors() {
        return Table.EDGES.get(this);
    }

    private static final class Table {
        static final Map<EventState, Set<EventState>> EDGES;

        static {
            Map<EventState, Set<EventState>> m = new EnumMap<>(EventState.class);
            m.put(PENDING, EnumSet.of(ACTIVE, COMPLETED_WITH_FAILURES, RESTORING, CANCELLED, FAILED));
            m.put(ACTIVE, EnumSet.of(RESTORING, CANCELLED));
            m.put(RESTORING, EnumSet.of(COMPLETED, COMPLETED_WITH_FAILURES, CANCELLED, FAILED));
            for (EventState s : values()) {
                m.putIfAbsent(s, EnumSet.noneOf(EventState.class));
            }
            m.replaceAll((k, v) -> Collections.unmodifiableSet(v));
            EDGES = Collections.unmodifiableMap(m);
        }
    }
}
