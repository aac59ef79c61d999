package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultAssignmentTest {

    @Test
    void fractionSelectorPicksThatShareOfTheFleetReproducibly() {
        FaultAssignment first = FaultAssignment.parse("stuck_hashing:0.01", 42);
        FaultAssignment again = FaultAssignment.parse("stuck_hashing:0.01", 42);

        assertThat(first.fault()).isEqualTo(Fault.of(FaultType.STUCK_HASHING));
        assertThat(first.selection().resolve(10_000)).hasSize(100).containsExactly(again.selection().resolve(10_000));
    }

    @Test
    void differentFaultsWithTheSameFractionLandOnDifferentMiners() {
        int[] stuck = FaultAssignment.parse("stuck_hashing:0.1", 42).selection().resolve(1000);
        int[] offline = FaultAssignment.parse("offline:0.1", 42).selection().resolve(1000);

        assertThat(stuck).isNotEqualTo(offline);
    }

    @Test
    void indexRangeAllAndParameterForms() {
        assertThat(FaultAssignment.parse("offline:7", 1).selection().resolve(10)).containsExactly(7);
        assertThat(FaultAssignment.parse("offline:2-4", 1).selection().resolve(10)).containsExactly(2, 3, 4);
        assertThat(FaultAssignment.parse("pool_loss:all", 1).selection().resolve(3)).containsExactly(0, 1, 2);
        assertThat(FaultAssignment.parse("flaky_telemetry:0.5:0.25", 1).fault().parameter()).isEqualTo(0.25);
        assertThat(FaultAssignment.parse("failing-wake:1.0:forever", 1).fault().parameter()).isInfinite();
        assertThat(FaultAssignment.parse("slow_wake:3", 1).fault().parameter()).isEqualTo(10.0);
    }

    @Test
    void malformedSpecsAreRejectedWithAReason() {
        assertThatThrownBy(() -> FaultAssignment.parse("gremlins:0.1", 1)).hasMessageContaining("unknown fault");
        assertThatThrownBy(() -> FaultAssignment.parse("offline", 1)).hasMessageContaining("type:selector");
        assertThatThrownBy(() -> FaultAssignment.parse("offline:1:5", 1)).hasMessageContaining("takes no parameter");
        assertThatThrownBy(() -> FaultAssignment.parse("flaky_telemetry:1:2", 1)).hasMessageContaining("probability");
        assertThatThrownBy(() -> FaultAssignment.parse("offline:5-2", 1)).hasMessageContaining("invalid range");
        assertThatThrownBy(() -> FaultAssignment.parse("offline:12", 1).selection().resolve(10))
                .hasMessageContaining("outside a fleet of 10");
    }
}
