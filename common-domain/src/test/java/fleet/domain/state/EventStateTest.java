package fleet.domain.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventStateTest {

    /** SPEC §6.2, written out independently of the production table. */
    private static final Set<String> EDGES = Set.of(
            "PENDING>ACTIVE",
            "PENDING>COMPLETED_WITH_FAILURES",
            "PENDING>RESTORING",
            "PENDING>CANCELLED",
            "PENDING>FAILED",
            "ACTIVE>RESTORING",
            "ACTIVE>CANCELLED",
            "RESTORING>COMPLETED",
            "RESTORING>COMPLETED_WITH_FAILURES",
            "RESTORING>CANCELLED",
            "RESTORING>FAILED");

    @Test
    void wireNumbersArePinned() {
        assertThat(Arrays.stream(EventState.values()).map(s -> s.name() + "=" + s.wire())).containsExactly(
                "PENDING=1", "ACTIVE=2", "RESTORING=3", "COMPLETED=4", "COMPLETED_WITH_FAILURES=5", "CANCELLED=6",
                "FAILED=7");
        for (EventState s : EventState.values()) {
            assertThat(EventState.fromWire(s.wire())).isSameAs(s);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 8, 99})
    void unknownWireNumbersAreRejected(int wire) {
        assertThatThrownBy(() -> EventState.fromWire(wire)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EventState");
    }

    @Test
    void terminalStatesAreWireFourToSeven() {
        for (EventState s : EventState.values()) {
            assertThat(s.isTerminal()).as(s.name()).isEqualTo(s.wire() >= 4 && s.wire() <= 7);
            assertThat(s.isLive()).isEqualTo(!s.isTerminal());
            assertThat(EventState.TERMINAL.contains(s)).as("TERMINAL " + s).isEqualTo(s.isTerminal());
            assertThat(EventState.LIVE.contains(s)).as("LIVE " + s).isEqualTo(s.isLive());
        }
    }

    @Test
    void everyPairFollowsTheTable() {
        Set<String> seen = new HashSet<>();
        for (EventState from : EventState.values()) {
            for (EventState to : EventState.values()) {
                String edge = from + ">" + to;
                assertThat(from.canMoveTo(to)).as(edge).isEqualTo(EDGES.contains(edge));
                assertThat(from.successors().contains(to)).as(edge).isEqualTo(EDGES.contains(edge));
                if (from.canMoveTo(to)) {
                    seen.add(edge);
                }
            }
        }
        assertThat(seen).isEqualTo(EDGES);
    }

    @Test
    void operatorEndingsAndForbiddenMoves() {
        assertThat(EventState.ACTIVE.canMoveTo(EventState.FAILED)).as("AdminTerminate refuses ACTIVE").isFalse();
        assertThat(EventState.ACTIVE.canMoveTo(EventState.CANCELLED)).as("ForceRelease").isTrue();
        assertThat(EventState.ACTIVE.canMoveTo(EventState.COMPLETED)).as("must restore first").isFalse();
        assertThat(EventState.ACTIVE.canMoveTo(EventState.PENDING)).isFalse();
        assertThat(EventState.RESTORING.canMoveTo(EventState.ACTIVE)).isFalse();
        assertThat(EventState.PENDING.canMoveTo(EventState.PENDING)).as("no self-moves").isFalse();
        for (EventState terminal : EventState.values()) {
            if (terminal.isTerminal()) {
                assertThat(terminal.successors()).as(terminal.name()).isEmpty();
            }
        }
    }

    @Test
    void eventsAreCreatedPendingOrCompleted() {
        assertThat(Arrays.stream(EventState.values()).filter(EventState::canBeCreatedIn))
                .containsExactly(EventState.PENDING, EventState.COMPLETED);
    }
}
