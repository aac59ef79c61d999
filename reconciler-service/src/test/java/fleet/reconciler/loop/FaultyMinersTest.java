package fleet.reconciler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.reconciler.ReconcilerHarness;
import fleet.simulator.Fault;
import fleet.simulator.FaultType;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6.3/§6.4: a refused, failed or timed-out command consumes budget at once; a miner that never proves it slept
 * ends CURTAIL_FAILED after exactly the budget's number of attempts; the rest of the event is unaffected.
 */
class FaultyMinersTest {

    private static final int REFUSES = 0;
    private static final int TIMES_OUT = 1;
    private static final int STUCK_HASHING = 2;
    private static final int NO_TELEMETRY = 3;
    private static final int BUDGET = 5;

    private static ReconcilerHarness h;

    @BeforeAll
    static void start() {
        h = new ReconcilerHarness("faults", 20, "127.56.0.1");
        h.sim.setFault(REFUSES, Fault.of(FaultType.REFUSE));
        h.sim.setFault(TIMES_OUT, Fault.of(FaultType.TIMEOUT));
        h.sim.setFault(STUCK_HASHING, Fault.of(FaultType.STUCK_HASHING));
        h.sim.setFault(NO_TELEMETRY, Fault.of(FaultType.FLAKY_TELEMETRY, 1.0));
        h.startNode("faults-a");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static long attempts(int miner, String verb) {
        return h.sim.commandsReceived(h.sim.host(miner), verb).size();
    }

    @Test
    void failingMinersEndCurtailFailedAfterExactlyTheBudgetAndTheEventStillActivates() {
        UUID event = h.startEvent(IntStream.range(0, 20).boxed().toList(), null);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 10", event) == 4
                        && h.eventState(event) == 2);
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 3", event)).isEqualTo(16);
        // refusal: every attempt stops at logon (Code 45); timeout: every logon is swallowed
        assertThat(attempts(REFUSES, "logon")).isEqualTo(BUDGET);
        assertThat(attempts(TIMES_OUT, "logon")).isEqualTo(BUDGET);
        // accepted but never confirmed: each attempt is one curtail command, re-sent after each confirmation timeout
        assertThat(h.sleepCommands(STUCK_HASHING)).isEqualTo(BUDGET);
        assertThat(h.sleepCommands(NO_TELEMETRY)).isEqualTo(BUDGET);
        for (int i = 4; i < 20; i++) {
            assertThat(h.sleepCommands(i)).as("healthy miner %d", i).isEqualTo(1);
        }
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 10"
                + " AND curtail_last_error IS NOT NULL AND retry_count = 5", event)).isEqualTo(4);
    }
}
