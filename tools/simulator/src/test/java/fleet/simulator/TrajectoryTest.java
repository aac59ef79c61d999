package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrajectoryTest {

    private final Trajectory rampDown = Trajectory.transition(MinerState.RAMPING_DOWN, MinerState.SLEEPING, 100, 3000, 200_000)
            .knot(1, 1500, 0)
            .knot(3, 25, 0)
            .build();

    @Test
    void interpolatesLinearlyBetweenKnotsAndHoldsAfterTheLast() {
        assertThat(rampDown.wattsAt(100)).isEqualTo(3000);
        assertThat(rampDown.wattsAt(100.5)).isEqualTo(2250);
        assertThat(rampDown.gigahashesAt(100.5)).isEqualTo(100_000);
        assertThat(rampDown.wattsAt(102)).isEqualTo(762.5);
        assertThat(rampDown.wattsAt(500)).isEqualTo(25);
    }

    @Test
    void aTransitionFinishesAtItsLastKnotAndASteadyCourseNever() {
        assertThat(rampDown.finishedBy(102.9)).isFalse();
        assertThat(rampDown.finishedBy(103)).isTrue();
        assertThat(Trajectory.steady(MinerState.MINING, 0, 3000, 1).finishedBy(1e12)).isFalse();
    }

    @Test
    void hashratePiecesCoverTheRequestedSpanExactly() {
        List<double[]> pieces = new ArrayList<>();

        rampDown.forEachHashratePiece(100.5, 110, (t0, t1, g0, g1) -> pieces.add(new double[] {t0, t1, g0, g1}));

        assertThat(pieces).hasSize(3);
        assertThat(pieces.get(0)).containsExactly(100.5, 101, 100_000, 0);
        assertThat(pieces.get(1)).containsExactly(101, 103, 0, 0);
        assertThat(pieces.get(2)).containsExactly(103, 110, 0, 0);
    }

    @Test
    void knotsMustMoveForward() {
        assertThatThrownBy(() -> Trajectory.transition(MinerState.WAKING, MinerState.MINING, 0, 0, 0).knot(0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
