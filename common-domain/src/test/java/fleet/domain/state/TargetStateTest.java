package fleet.domain.state;

import static fleet.domain.state.DesiredState.ACTIVE;
import static fleet.domain.state.DesiredState.CURTAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetStateTest {

    private static final Set<TargetState> LIVE = EnumSet.of(TargetState.PENDING, TargetState.DISPATCHING,
            TargetState.DISPATCHED, TargetState.CONFIRMED, TargetState.DRIFTED, TargetState.UNAVAILABLE,
            TargetState.CURTAIL_FAILED);

    /** SPEC §6.3 curtail phase, written out independently of the production table. */
    private static final Set<String> CURTAIL_EDGES = withOperatorEndings(Set.of(
            "PENDING>DISPATCHING", "PENDING>UNAVAILABLE", "PENDING>CURTAIL_FAILED",
            "DISPATCHING>DISPATCHED", "DISPATCHING>PENDING", "DISPATCHING>DRIFTED", "DISPATCHING>UNAVAILABLE",
            "DISPATCHING>CURTAIL_FAILED",
            "DISPATCHED>CONFIRMED", "DISPATCHED>DISPATCHING", "DISPATCHED>PENDING", "DISPATCHED>DRIFTED",
            "DISPATCHED>UNAVAILABLE", "DISPATCHED>CURTAIL_FAILED",
            "CONFIRMED>DRIFTED",
            "DRIFTED>DISPATCHING", "DRIFTED>CONFIRMED", "DRIFTED>UNAVAILABLE", "DRIFTED>CURTAIL_FAILED",
            "UNAVAILABLE>PENDING", "UNAVAILABLE>DISPATCHING", "UNAVAILABLE>CONFIRMED", "UNAVAILABLE>CURTAIL_FAILED"));

    /**
     * SPEC §6.3 restore phase (incl. the reset on Stop), plus what the restore outcomes write: a miner already
     * in state with nothing to resume is RESOLVED without a command, an unreachable one waits UNAVAILABLE for
     * its retry.
     */
    private static final Set<String> RESTORE_EDGES = withOperatorEndings(Set.of(
            "DISPATCHING>PENDING", "DISPATCHED>PENDING", "CONFIRMED>PENDING", "DRIFTED>PENDING",
            "UNAVAILABLE>PENDING", "CURTAIL_FAILED>PENDING",
            "PENDING>DISPATCHING", "PENDING>RESOLVED", "PENDING>RESTORE_FAILED",
            "DISPATCHING>DISPATCHED", "DISPATCHING>RESOLVED", "DISPATCHING>UNAVAILABLE", "DISPATCHING>RESTORE_FAILED",
            "DISPATCHED>RESOLVED", "DISPATCHED>DISPATCHING", "DISPATCHED>RESTORE_FAILED",
            "UNAVAILABLE>DISPATCHING"));

    private static Set<String> withOperatorEndings(Set<String> edges) {
        Set<String> all = new HashSet<>(edges);
        for (TargetState s : LIVE) {
            all.add(s + ">RELEASED");
            all.add(s + ">RESTORE_FAILED");
        }
        return all;
    }

    @Test
    void wireNumbersArePinned() {
        assertThat(Arrays.stream(TargetState.values()).map(s -> s.name() + "=" + s.wire())).containsExactly(
                "PENDING=1", "DISPATCHED=2", "CONFIRMED=3", "DRIFTED=4", "RESOLVED=5", "RELEASED=6",
                "RESTORE_FAILED=7", "DISPATCHING=8", "UNAVAILABLE=9", "CURTAIL_FAILED=10");
        assertThat(Arrays.stream(DesiredState.values()).map(s -> s.name() + "=" + s.wire()))
                .containsExactly("CURTAILED=1", "ACTIVE=2");
        for (TargetState s : TargetState.values()) {
            assertThat(TargetState.fromWire(s.wire())).isSameAs(s);
        }
        for (DesiredState s : DesiredState.values()) {
            assertThat(DesiredState.fromWire(s.wire())).isSameAs(s);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 11, -3})
    void unknownWireNumbersAreRejected(int wire) {
        assertThatThrownBy(() -> TargetState.fromWire(wire)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DesiredState.fromWire(wire == 11 ? 3 : wire))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyResolvedReleasedAndRestoreFailedFreeTheDevice() {
        assertThat(Arrays.stream(TargetState.values()).filter(TargetState::isTerminal))
                .containsExactly(TargetState.RESOLVED, TargetState.RELEASED, TargetState.RESTORE_FAILED);
        for (TargetState s : TargetState.values()) {
            assertThat(s.holdsDevice()).as(s.name()).isEqualTo(LIVE.contains(s));
            assertThat(s.isResetForRestore()).as(s.name()).isEqualTo(LIVE.contains(s));
        }
        assertThat(TargetState.CURTAIL_FAILED.holdsDevice()).as("restored on Stop").isTrue();
    }

    @Test
    void namedSetsAreTheTerminalAndLiveStates() {
        assertThat(TargetState.TERMINAL).containsExactlyInAnyOrder(TargetState.RESOLVED, TargetState.RELEASED,
                TargetState.RESTORE_FAILED);
        assertThat(TargetState.LIVE).isEqualTo(LIVE);
    }

    @Test
    void commandInFlightMeansDispatchingOrDispatched() {
        assertThat(Arrays.stream(TargetState.values()).filter(TargetState::commandInFlight))
                .containsExactly(TargetState.DISPATCHED, TargetState.DISPATCHING);
    }

    @ParameterizedTest
    @EnumSource(DesiredState.class)
    void everyPairFollowsThePhaseTable(DesiredState phase) {
        Set<String> expected = phase == CURTAILED ? CURTAIL_EDGES : RESTORE_EDGES;
        Set<String> seen = new HashSet<>();
        for (TargetState from : TargetState.values()) {
            for (TargetState to : TargetState.values()) {
                String edge = from + ">" + to;
                assertThat(from.canMoveTo(to, phase)).as(phase + " " + edge).isEqualTo(expected.contains(edge));
                if (from.canMoveTo(to, phase)) {
                    seen.add(edge);
                }
            }
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void phaseFreeCheckIsTheUnionOfBothPhases() {
        for (TargetState from : TargetState.values()) {
            for (TargetState to : TargetState.values()) {
                String edge = from + ">" + to;
                assertThat(from.canMoveTo(to)).as(edge)
                        .isEqualTo(CURTAIL_EDGES.contains(edge) || RESTORE_EDGES.contains(edge));
            }
        }
    }

    @Test
    void forbiddenMoves() {
        assertThat(TargetState.PENDING.canMoveTo(TargetState.CONFIRMED)).as("no confirmation without a command").isFalse();
        assertThat(TargetState.DISPATCHING.canMoveTo(TargetState.CONFIRMED)).as("ACCEPTED never means confirmed").isFalse();
        assertThat(TargetState.DISPATCHING.canMoveTo(TargetState.RESOLVED, CURTAILED)).isFalse();
        assertThat(TargetState.CONFIRMED.canMoveTo(TargetState.DISPATCHING, CURTAILED)).as("drift first").isFalse();
        assertThat(TargetState.CONFIRMED.canMoveTo(TargetState.UNAVAILABLE)).as("missing telemetry keeps CONFIRMED").isFalse();
        assertThat(TargetState.CONFIRMED.canMoveTo(TargetState.RESOLVED)).as("restore needs the reset").isFalse();
        assertThat(TargetState.CURTAIL_FAILED.canMoveTo(TargetState.DISPATCHING, CURTAILED)).isFalse();
        assertThat(TargetState.PENDING.canMoveTo(TargetState.RESOLVED, CURTAILED)).isFalse();
        assertThat(TargetState.DISPATCHED.canMoveTo(TargetState.CONFIRMED, ACTIVE)).isFalse();
        assertThat(TargetState.PENDING.canMoveTo(TargetState.UNAVAILABLE, ACTIVE)).as("only a sent command finds it unreachable").isFalse();
        assertThat(TargetState.DISPATCHED.canMoveTo(TargetState.UNAVAILABLE, ACTIVE)).as("a restore timeout retries PENDING").isFalse();
        assertThat(TargetState.DISPATCHED.canMoveTo(TargetState.CURTAIL_FAILED, ACTIVE)).isFalse();
        for (TargetState s : TargetState.values()) {
            assertThat(s.canMoveTo(s)).as("no self-moves: " + s).isFalse();
            if (s.isTerminal()) {
                assertThat(s.successors(CURTAILED)).isEmpty();
                assertThat(s.successors(ACTIVE)).isEmpty();
            }
        }
    }
}
