package fleet.domain.state;

import fleet.domain.WireEnum;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lifecycle of one device in one event (SPEC §6.3). Wire numbers are stable and pinned by a test.
 *
 * <p>The table is phase-aware: {@link #canMoveTo(TargetState, DesiredState)} takes the
 * {@code desired_state} the row carries <em>after</em> the move. {@link #canMoveTo(TargetState)} is
 * the union of both phases. Self-moves are never transitions (a failure "keeps the prior state" by
 * bumping {@code retry_count}, which is not a state change).
 *
 * <p>Curtail phase (desired CURTAILED):
 * <pre>
 * PENDING       → DISPATCHING (row written before the command is sent) | UNAVAILABLE | CURTAIL_FAILED
 * DISPATCHING   → DISPATCHED (accepted / already in state) | PENDING or DRIFTED (failed, back to the
 *                 prior state for a retry) | UNAVAILABLE | CURTAIL_FAILED (budget spent or permanent refusal)
 * DISPATCHED    → CONFIRMED (fresh telemetry proves it) | DISPATCHING (confirmation timeout, re-send)
 *                 | PENDING or DRIFTED (confirmation timeout, back to the prior state) | UNAVAILABLE | CURTAIL_FAILED
 * CONFIRMED     → DRIFTED (telemetry shows the miner running again)
 * DRIFTED       → DISPATCHING (re-dispatch) | CONFIRMED (curtailed again without a command)
 *                 | UNAVAILABLE | CURTAIL_FAILED
 * UNAVAILABLE   → PENDING | DISPATCHING (reachable again) | CONFIRMED (telemetry proves it) | CURTAIL_FAILED
 * CURTAIL_FAILED → (nothing in this phase: it keeps the device until the restore reset or an operator ending)
 * </pre>
 * Restore phase (desired ACTIVE):
 * <pre>
 * every live state except PENDING → PENDING   the restore reset on Stop (retry_count = 0); a PENDING
 *                                             target is reset by changing desired_state only
 * PENDING     → DISPATCHING | RESOLVED (nothing to undo, or already running) | RESTORE_FAILED
 * DISPATCHING → DISPATCHED | RESOLVED (already in state and nothing to resume: no command was needed)
 *               | PENDING (failed, retry) | UNAVAILABLE (unreachable, retry) | RESTORE_FAILED (budget spent
 *               or permanent refusal)
 * DISPATCHED  → RESOLVED (telemetry proves it) | DISPATCHING (timeout, re-send) | PENDING | RESTORE_FAILED
 * UNAVAILABLE → DISPATCHING (the retry, when due)
 * </pre>
 * Operator endings, either phase: every live state → RELEASED (ForceRelease, no restore command) and
 * → RESTORE_FAILED (AdminTerminateEvent closes open targets with its reason). Terminal states
 * (RESOLVED, RELEASED, RESTORE_FAILED) have no successors.
 *
 * <p>UNAVAILABLE (not described by SPEC): the device could not be reached for the command (UNREACHABLE
 * outcome, open circuit breaker). It still holds the device; the reconciler retries it when it is due,
 * within the phase's budget: every unreachable attempt consumes one unit, and a spent budget ends the
 * target CURTAIL_FAILED or RESTORE_FAILED, which an operator sees.
 *
 * <p>Every guarded statement that writes {@code curtailment_target.state} is declared as a
 * {@code fleet.persistence.GuardedUpdate}, which refuses a move this table does not allow when the
 * statement is built.
 */
public enum TargetState implements WireEnum {
    PENDING(1),
    DISPATCHED(2),
    CONFIRMED(3),
    DRIFTED(4),
    RESOLVED(5),
    RELEASED(6),
    RESTORE_FAILED(7),
    DISPATCHING(8),
    UNAVAILABLE(9),
    CURTAIL_FAILED(10);

    private static final TargetState[] BY_WIRE = WireEnum.indexByWire(values());

    /** RESOLVED, RELEASED, RESTORE_FAILED ({@link #isTerminal}), unmodifiable. */
    public static final Set<TargetState> TERMINAL = Collections.unmodifiableSet(EnumSet.of(RESOLVED, RELEASED, RESTORE_FAILED));

    /** Every state that still holds the device ({@link #holdsDevice}), unmodifiable. */
    public static final Set<TargetState> LIVE = Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.copyOf(TERMINAL)));

    private final int wire;

    TargetState(int wire) {
        this.wire = wire;
    }

    @Override
    public int wire() {
        return wire;
    }

    /** @throws IllegalArgumentException for 0 (unspecified) or an unknown number */
    public static TargetState fromWire(int wire) {
        return WireEnum.lookup(BY_WIRE, wire, "TargetState");
    }

    /**
     * RESOLVED, RELEASED, RESTORE_FAILED: the target no longer holds its device (the partial unique
     * index "one live target per device" excludes exactly these).
     */
    public boolean isTerminal() {
        return this == RESOLVED || this == RELEASED || this == RESTORE_FAILED;
    }

    /** The target still holds its device: any non-terminal state, CURTAIL_FAILED included. */
    public boolean holdsDevice() {
        return !isTerminal();
    }

    /** A command may be on the wire or unconfirmed: DISPATCHING or DISPATCHED. */
    public boolean commandInFlight() {
        return this == DISPATCHING || this == DISPATCHED;
    }

    /** Stop resets this target to PENDING with desired ACTIVE and retry_count 0: every live state. */
    public boolean isResetForRestore() {
        return !isTerminal();
    }

    /** Whether {@code this → next} is an edge of either phase. */
    public boolean canMoveTo(TargetState next) {
        return Table.CURTAIL.get(this).contains(next) || Table.RESTORE.get(this).contains(next);
    }

    /**
     * Whether {@code this → next} is an edge when the row's desired state after the move is
     * {@code phase}.
     */
    public boolean canMoveTo(TargetState next, DesiredState phase) {
        return successors(phase).contains(next);
    }

    /** Every state reachable in one move within {@code phase}, as an unmodifiable set. */
    public Set<TargetState> successors(DesiredState phase) {
        return (phase == DesiredState.CURTAILED ? Table.CURTAIL : Table.RESTORE).get(this);
    }

    private static final class Table {
        static final Map<TargetState, Set<TargetState>> CURTAIL;
        static final Map<TargetState, Set<TargetState>> RESTORE;

        static {
            Map<TargetState, Set<TargetState>> c = empty();
            c.get(PENDING).addAll(EnumSet.of(DISPATCHING, UNAVAILABLE, CURTAIL_FAILED));
            c.get(DISPATCHING).addAll(EnumSet.of(DISPATCHED, PENDING, DRIFTED, UNAVAILABLE, CURTAIL_FAILED));
            c.get(DISPATCHED).addAll(EnumSet.of(CONFIRMED, DISPATCHING, PENDING, DRIFTED, UNAVAILABLE, CURTAIL_FAILED));
            c.get(CONFIRMED).add(DRIFTED);
            c.get(DRIFTED).addAll(EnumSet.of(DISPATCHING, CONFIRMED, UNAVAILABLE, CURTAIL_FAILED));
            c.get(UNAVAILABLE).addAll(EnumSet.of(PENDING, DISPATCHING, CONFIRMED, CURTAIL_FAILED));

            Map<TargetState, Set<TargetState>> r = empty();
            for (TargetState s : values()) {
                if (s.isResetForRestore() && s != PENDING) {
                    r.get(s).add(PENDING);
                }
            }
            r.get(PENDING).addAll(EnumSet.of(DISPATCHING, RESOLVED, RESTORE_FAILED));
            r.get(DISPATCHING).addAll(EnumSet.of(DISPATCHED, RESOLVED, PENDING, UNAVAILABLE, RESTORE_FAILED));
            r.get(DISPATCHED).addAll(EnumSet.of(RESOLVED, DISPATCHING, PENDING, RESTORE_FAILED));
            r.get(UNAVAILABLE).add(DISPATCHING);

            for (Map<TargetState, Set<TargetState>> phase : List.of(c, r)) {
                for (TargetState s : values()) {
                    if (s.holdsDevice()) {
                        phase.get(s).add(RELEASED);
                        phase.get(s).add(RESTORE_FAILED);
                    }
                }
            }
            CURTAIL = freeze(c);
            RESTORE = freeze(r);
        }

        private static Map<TargetState, Set<TargetState>> empty() {
            Map<TargetState, Set<TargetState>> m = new EnumMap<>(TargetState.class);
            for (TargetState s : values()) {
                m.put(s, EnumSet.noneOf(TargetState.class));
            }
            return m;
        }

        private static Map<TargetState, Set<TargetState>> freeze(Map<TargetState, Set<TargetState>> m) {
            m.replaceAll((k, v) -> Collections.unmodifiableSet(v));
            return Collections.unmodifiableMap(m);
        }
    }
}
