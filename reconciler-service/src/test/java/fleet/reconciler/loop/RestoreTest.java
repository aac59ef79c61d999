package fleet.reconciler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.domain.state.EventState;
import fleet.persistence.curtailment.UpdateEvent;
import fleet.reconciler.ReconcilerHarness;
import fleet.simulator.CommandRecord;
import fleet.simulator.Fault;
import fleet.simulator.FaultType;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §6.6: restore waves, the restore budget, and the max duration enforced by the reconciler. */
class RestoreTest {

    private static ReconcilerHarness h;

    @BeforeAll
    static void start() {
        h = new ReconcilerHarness("restore", 40, "127.61.0.1");
        h.startNode("restore-a");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static UUID activeEvent(List<Integer> miners, String settings) {
        UUID event = h.startEvent(miners, settings);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> h.eventState(event) == 2);
        return event;
    }

    private static List<CommandRecord> wakeups(List<Integer> miners) {
        List<CommandRecord> out = new ArrayList<>();
        for (int i : miners) {
            h.sim.commandsReceived(h.sim.host(i), "curtail").stream()
                    .filter(r -> r.parameter() != null && r.parameter().endsWith("wakeup")).forEach(out::add);
        }
        out.sort(Comparator.comparing(CommandRecord::at));
        return out;
    }

    @Test
    void restoreWithBatchTwoOverFiveMinersSendsWavesOfTwoTwoOneRespectingTheInterval() throws Exception {
        List<Integer> miners = IntStream.range(0, 5).boxed().toList();
        UUID event = activeEvent(miners, "restore_batch_size = 2, restore_batch_interval_sec = 2");
        h.stopEvent(event);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 4);
        List<CommandRecord> wakes = wakeups(miners);
        assertThat(wakes).hasSize(5);
        // waves as the database recorded them
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND wave = 1", event)).isEqualTo(2);
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND wave = 2", event)).isEqualTo(2);
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND wave = 3", event)).isEqualTo(1);
        // the simulator saw them in three groups, at least the interval apart
        Instant w1 = wakes.get(0).at();
        Instant w2 = wakes.get(2).at();
        Instant w3 = wakes.get(4).at();
        assertThat(Duration.between(wakes.get(1).at(), w2)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(Duration.between(w1, w2)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(Duration.between(w2, w3)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        // never two waves in flight: a wave starts only after the previous one is resolved
        for (int wave = 1; wave <= 2; wave++) {
            Instant lastResolved = latest(event, wave);
            Instant nextStart = wave == 1 ? w2 : w3;
            assertThat(nextStart).isAfterOrEqualTo(lastResolved.minusMillis(50));
        }
    }

    private static Instant latest(UUID event, int wave) throws Exception {
        try (var c = h.db.connect(); var ps = c.prepareStatement(
                "SELECT max(resolved_at) FROM curtailment_target WHERE event_id = ? AND wave = ?")) {
            ps.setObject(1, event);
            ps.setInt(2, wave);
            try (var rs = ps.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                return t.toInstant();
            }
        }
    }

    @Test
    void anUpdateDuringTheRestoreResizesAndRepacesTheWavesNotYetStarted() {
        List<Integer> miners = IntStream.range(25, 30).boxed().toList();
        UUID event = activeEvent(miners, "restore_batch_size = 1, restore_batch_interval_sec = 3600");
        h.stopEvent(event);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND wave = 1 AND state = 5", event) == 1);
        // left alone, the second wave of one would wait an hour; the update asks for the other four at once
        assertThat(h.updateEvent(event, new UpdateEvent.Changes(null, null, 4, 0))).isTrue();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 4);
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND wave = 2", event)).isEqualTo(4);
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND wave > 2", event)).isZero();
        assertThat(wakeups(miners)).hasSize(5);
    }

    @Test
    void forceReleaseSendsNoRestoreCommand() {
        List<Integer> miners = IntStream.range(35, 40).boxed().toList();
        UUID event = activeEvent(miners, null);
        // ForceRelease's own statements, as the api-service runs them in its one transaction
        assertThat(h.forceRelease(event, EventState.ACTIVE, "operator release")).isEqualTo(5);
        // the replica sees the NOTIFY, finds the event terminal and gives it up without a single wake-up
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> !h.nodes.get(0).ownedEvents().contains(event));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> wakeups(miners).isEmpty());
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 6", event)).isEqualTo(5);
    }

    @Test
    void batchZeroRestoresEverythingInOneWave() {
        List<Integer> miners = IntStream.range(5, 15).boxed().toList();
        UUID event = activeEvent(miners, "restore_batch_size = 0");
        h.stopEvent(event);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 4);
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND wave = 1 AND state = 5", event))
                .isEqualTo(10);
        assertThat(wakeups(miners)).hasSize(10);
    }

    @Test
    void aMinerThatWillNotWakeEndsRestoreFailedAndTheEventCompletesWithFailures() {
        h.execute("UPDATE curtailment_org_config SET restore_retry_budget = 3, restore_confirm_timeout_sec = 2"
                + " WHERE org_id = ?", h.orgId);
        try {
            List<Integer> miners = IntStream.range(15, 18).boxed().toList();
            UUID event = activeEvent(miners, null);
            h.sim.setFault(15, Fault.of(FaultType.FAILING_WAKE));
            h.stopEvent(event);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 5);
            assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 7", event)).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 5", event)).isEqualTo(2);
            assertThat(wakeups(List.of(15))).hasSize(3);
            assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 7"
                    + " AND restore_retries = 2 AND restore_last_error IS NOT NULL", event)).isEqualTo(1);
        } finally {
            h.sim.clearAllFaults();
            h.execute("UPDATE curtailment_org_config SET restore_retry_budget = 10, restore_confirm_timeout_sec = 5"
                    + " WHERE org_id = ?", h.orgId);
        }
    }

    @Test
    void maxDurationMovesAnActiveEventToRestoringOnItsOwn() {
        List<Integer> miners = IntStream.range(20, 25).boxed().toList();
        UUID event = activeEvent(miners, "max_duration_sec = 3");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> h.eventState(event) >= 3);
        assertThat(h.count("SELECT count(*) FROM curtailment_event WHERE id = ? AND restore_initiated_by = 'system'", event))
                .isEqualTo(1);
        assertThat(h.count("SELECT count(*) FROM activity_log WHERE event_id = ? AND type = 'curtailment_max_duration_elapsed'"
                + " AND actor_type = 'system'", event)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 4);
    }

    @Test
    void maxDurationAlsoEndsAStuckPendingEvent() {
        List<Integer> miners = IntStream.range(30, 33).boxed().toList();
        miners.forEach(i -> h.sim.setFault(i, Fault.of(FaultType.STUCK_HASHING)));
        try {
            UUID event = h.startEvent(miners, "max_duration_sec = 2");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> h.eventState(event) >= 3);
            assertThat(h.count("SELECT count(*) FROM curtailment_event WHERE id = ? AND started_at IS NULL"
                    + " AND restore_initiated_by = 'system'", event)).isEqualTo(1);
        } finally {
            miners.forEach(i -> h.sim.clearFault(i, FaultType.STUCK_HASHING));
        }
    }
}
