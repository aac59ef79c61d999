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

/** SPEC §6.5 drift, with the real telemetry poller feeding the checks. */
class DriftTest {

    private static ReconcilerHarness h;

    @BeforeAll
    static void start() {
        h = new ReconcilerHarness("drift", 6, "127.62.0.1");
        ReconcilerNode node = h.startNode("drift-a");
        h.startPoller(node);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void aMinerWokenBehindTheSystemsBackDriftsIsRedispatchedAndReconfirmedWithItsBudgetReset() {
        UUID event = h.startEvent(IntStream.range(0, 3).boxed().toList(), null);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> h.eventState(event) == 2);
        UUID device = h.deviceIds.get(0);
        h.execute("UPDATE curtailment_target SET retry_count = 2 WHERE device_id = ? AND state = 3", device);
        h.sim.wakeBehindTheSystemsBack(0);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> h.sleepCommands(0) == 2);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                h.count("SELECT count(*) FROM curtailment_target WHERE device_id = '" + device + "' AND state = 3"
                        + " AND retry_count = 0 AND event_id = ?", event) == 1);
        assertThat(h.eventState(event)).isEqualTo(2);
        assertThat(h.sleepCommands(1)).isEqualTo(1);
        assertThat(h.sleepCommands(2)).isEqualTo(1);
    }

    @Test
    void aConfirmedMinerWhoseTelemetryGoesMissingStaysConfirmed() {
        UUID event = h.startEvent(IntStream.range(3, 6).boxed().toList(), null);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> h.eventState(event) == 2);
        h.sim.setFault(3, Fault.of(FaultType.FLAKY_TELEMETRY, 1.0));
        try {
            UUID device = h.deviceIds.get(3);
            // the poller records the failed reads (no power, no hashrate) …
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() ->
                    h.count("SELECT count(*) FROM device_telemetry_latest WHERE power_w IS NULL AND consecutive_failures >= 3"
                            + " AND device_id = ?", device) == 1);
            // … and the target stays CONFIRMED: missing telemetry is not drift
            assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE state = 3 AND device_id = ?", device)).isEqualTo(1);
            assertThat(h.sleepCommands(3)).isEqualTo(1);
        } finally {
            h.sim.clearAllFaults();
        }
    }
}
