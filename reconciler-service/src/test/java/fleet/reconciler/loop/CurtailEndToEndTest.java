package fleet.reconciler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.reconciler.ReconcilerHarness;
import fleet.simulator.FleetTruth;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §6.1–§6.5 end to end: a stored event becomes provably curtailed miners, over real TCP. */
class CurtailEndToEndTest {

    private static ReconcilerHarness h;

    @BeforeAll
    static void start() {
        h = new ReconcilerHarness("e2e", 200, "127.55.0.1");
        h.startNode("e2e-a");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void everyTargetIsConfirmedAndEachMinerReceivedExactlyOneCurtailCommand() {
        List<Integer> all = IntStream.range(0, 200).boxed().toList();
        double baselineW = all.stream().mapToDouble(i -> h.sim.miner(i).operatingPowerW()).sum();
        UUID event = h.startEvent(all, null);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> h.eventState(event) == 2);
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 3", event)).isEqualTo(200);
        for (int i : all) {
            assertThat(h.sleepCommands(i)).as("miner %d", i).isEqualTo(1);
        }
        // the simulator's ground truth agrees: every miner was put to sleep and the fleet draws under half its baseline
        FleetTruth truth = h.sim.truth();
        assertThat(truth.sleepRequested()).isEqualTo(200);
        assertThat(truth.trueTotalPowerW()).isLessThan(0.5 * baselineW);
        assertThat(h.count("SELECT count(*) FROM curtailment_event WHERE id = ? AND started_at IS NOT NULL"
                + " AND first_dispatched_at IS NOT NULL", event)).isEqualTo(1);
    }
}
