package fleet.domain.confirm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfirmationTest {

    private static final Instant SENT = Instant.parse("2025-06-01T12:00:00Z");
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    /** name, baseline W, power W, hashrate TH/s → curtailed, drifted, restored (sample 5 s after the command). */
    static Stream<Arguments> observations() {
        return Stream.of(
                row("asleep", 3_000.0, 25.0, 0.0, true, false, false),
                row("exactly half the baseline", 3_000.0, 1_500.0, 0.0, true, false, false),
                row("just above half", 3_000.0, 1_500.1, 0.0, false, true, true),
                row("running", 3_000.0, 3_300.0, 100.0, false, true, true),
                row("low power, hashrate not reported", 3_000.0, 25.0, null, true, false, false),
                row("low power but still hashing", 3_000.0, 25.0, 0.5, false, true, false),
                row("power missing never confirms", 3_000.0, null, 0.0, false, false, false),
                row("nothing reported", 3_000.0, null, null, false, false, false),
                row("power missing, hashing", 3_000.0, null, 80.0, false, true, true),
                row("NaN power", 3_000.0, NAN, 0.0, false, false, false),
                row("negative power", 3_000.0, -1.0, 0.0, false, false, false),
                row("infinite power", 3_000.0, INF, 0.0, false, false, false),
                row("NaN hashrate counts as not reported", 3_000.0, 25.0, NAN, true, false, false),
                row("no baseline: zero hashrate", null, 25.0, 0.0, true, false, false),
                row("no baseline: power ignored", null, 3_300.0, 0.0, true, false, false),
                row("no baseline: hashrate must be reported", null, 25.0, null, false, false, false),
                row("no baseline: hashrate only", null, null, 0.0, true, false, false),
                row("no baseline: hashing", null, null, 90.0, false, true, true),
                row("no baseline: hashing with power", null, 3_300.0, 90.0, false, true, true),
                row("zero baseline is no baseline", 0.0, 25.0, 0.0, true, false, false),
                row("NaN baseline is no baseline", NAN, 3_300.0, 0.0, true, false, false));
    }

    private static Arguments row(String name, Double baseline, Double power, Double hashrate, boolean curtailed,
            boolean drifted, boolean restored) {
        return Arguments.of(name, baseline, power, hashrate, curtailed, drifted, restored);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("observations")
    void predicatesOverASampleTakenAfterTheCommand(String name, Double baseline, Double power, Double hashrate,
            boolean curtailed, boolean drifted, boolean restored) {
        Observation o = new Observation(power, hashrate, SENT.plusSeconds(5));
        Confirmation c = Confirmation.DEFAULT;

        assertThat(c.isCurtailed(baseline, o, SENT)).as("curtailed").isEqualTo(curtailed);
        assertThat(c.isDrifted(baseline, o, SENT)).as("drifted").isEqualTo(drifted);
        assertThat(c.isRestored(baseline, o, SENT)).as("restored").isEqualTo(restored);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("observations")
    void aSampleOlderThanTheCommandNeverCounts(String name, Double baseline, Double power, Double hashrate) {
        Confirmation c = Confirmation.DEFAULT;
        for (Instant at : new Instant[] {SENT.minusSeconds(5), SENT, null}) {
            Observation o = new Observation(power, hashrate, at);
            assertThat(c.isCurtailed(baseline, o, SENT)).as("curtailed at " + at).isFalse();
            assertThat(c.isDrifted(baseline, o, SENT)).as("drifted at " + at).isFalse();
            assertThat(c.isRestored(baseline, o, SENT)).as("restored at " + at).isFalse();
        }
    }

    @Test
    void noObservationOrNoCommandNeverCounts() {
        Observation asleep = new Observation(25.0, 0.0, SENT.plusSeconds(5));
        Observation running = new Observation(3_300.0, 100.0, SENT.plusSeconds(5));
        Confirmation c = Confirmation.DEFAULT;

        assertThat(c.isCurtailed(3_000.0, null, SENT)).isFalse();
        assertThat(c.isDrifted(3_000.0, null, SENT)).isFalse();
        assertThat(c.isRestored(3_000.0, null, SENT)).isFalse();
        assertThat(c.isCurtailed(3_000.0, asleep, null)).isFalse();
        assertThat(c.isDrifted(3_000.0, running, null)).isFalse();
        assertThat(c.isRestored(3_000.0, running, null)).isFalse();
    }

    @Test
    void factorIsConfigurable() {
        Observation o = new Observation(700.0, 0.0, SENT.plusSeconds(1));

        assertThat(Confirmation.DEFAULT.isCurtailed(3_000.0, o, SENT)).isTrue();
        Confirmation strict = new Confirmation(0.2);
        assertThat(strict.factor()).isEqualTo(0.2);
        assertThat(strict.isCurtailed(3_000.0, o, SENT)).isFalse();
        assertThat(strict.isDrifted(3_000.0, o, SENT)).isTrue();
        assertThat(strict.isRestored(3_000.0, o, SENT)).isTrue();
        assertThat(Confirmation.DEFAULT.factor()).isEqualTo(Confirmation.DEFAULT_FACTOR).isEqualTo(0.5);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -0.5, 1.01, Double.NaN, Double.POSITIVE_INFINITY})
    void factorOutsideZeroToOneIsRejected(double factor) {
        assertThatThrownBy(() -> new Confirmation(factor)).isInstanceOf(IllegalArgumentException.class);
    }
}
