package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HashrateAveragesTest {

    @ParameterizedTest(name = "start {0}, slope {1}, span {2}, tau {3}")
    @CsvSource({
            "200000, 0, 30, 60",
            "0, 5000, 40, 60",
            "180000, -20000, 9, 60",
            "100000, 100, 600, 300",
            "0, 0, 10, 900"})
    void closedFormDecayMatchesStepwiseIntegration(double start, double slope, double span, double tau) {
        double initial = 150_000;
        double numeric = initial;
        int steps = 200_000;
        double dt = span / steps;
        for (int i = 0; i < steps; i++) {
            double h = start + slope * (i + 0.5) * dt;
            numeric += (h - numeric) * (1 - Math.exp(-dt / tau));
        }

        assertThat(HashrateAverages.decay(initial, start, slope, span, tau)).isCloseTo(numeric, within(1e-3 * Math.max(1, numeric)));
    }

    @Test
    void lifetimeAverageIsHashesSinceBootOverElapsed() {
        HashrateAverages averages = new HashrateAverages(0, 100, 1000);
        Trajectory off = Trajectory.transition(MinerState.RAMPING_DOWN, MinerState.SLEEPING, 0, 3000, 1000)
                .knot(10, 25, 0)
                .build();

        averages.integrate(off, 100);

        // 100 s at 1000 GH/s before, a 10 s linear ramp to 0 (5 000 GH), then 90 s at 0.
        assertThat(averages.totalGigahashes()).isCloseTo(105_000, within(1e-6));
        assertThat(averages.lifetimeAverage(100)).isCloseTo(105_000 / 200.0, within(1e-9));
        assertThat(averages.elapsedSeconds(100)).isEqualTo(200);
    }

    @Test
    void integratingInManySmallCallsEqualsOneLargeCall() {
        Trajectory wake = Trajectory.transition(MinerState.WAKING, MinerState.MINING, 0, 25, 0)
                .knot(2, 1400, 0)
                .knot(6, 3300, 120_000)
                .knot(10, 3500, 200_000)
                .build();
        HashrateAverages once = new HashrateAverages(0, 0, 0);
        HashrateAverages often = new HashrateAverages(0, 0, 0);

        once.integrate(wake, 30);
        for (int step = 1; step <= 300; step++) {
            often.integrate(wake, step * 0.1);
        }

        assertThat(often.totalGigahashes()).isCloseTo(once.totalGigahashes(), within(1e-3));
        assertThat(often.oneMinute()).isCloseTo(once.oneMinute(), within(1e-6));
        assertThat(often.fifteenMinutes()).isCloseTo(once.fifteenMinutes(), within(1e-6));
    }

    @Test
    void restartZeroesCountersAndElapsed() {
        HashrateAverages averages = new HashrateAverages(0, 1000, 500);

        averages.restart(50);

        assertThat(averages.totalGigahashes()).isZero();
        assertThat(averages.oneMinute()).isZero();
        assertThat(averages.elapsedSeconds(60)).isEqualTo(10);
    }
}
