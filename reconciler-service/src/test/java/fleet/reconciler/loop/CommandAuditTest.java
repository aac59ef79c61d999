package fleet.reconciler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.reconciler.ReconcilerHarness;
import fleet.simulator.Fault;
import fleet.simulator.FaultType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * D37: every CURTAIL / RESTORE command the reconciler sends leaves one {@code curtailment_command_log} row (attempt,
 * typed outcome, the firmware's reply code, the event's creator, the replica, times), and the reconciler's own event
 * transitions (ACTIVE, RESTORING by itself, COMPLETED, COMPLETED_WITH_FAILURES) leave exactly one activity row each.
 * Real simulated LuxOS miners over TCP; the fenced case is in {@link FailoverTest}.
 */
class CommandAuditTest {

    /** LuxOS "Curtailment command sent" (the simulator's STATUS S code for curtail sleep / wakeup). */
    private static final int CURTAIL_SENT = 335;
    /** cgminer "Access denied" (the simulator's REFUSE fault, answered at logon). */
    private static final int ACCESS_DENIED = 45;
    private static final int BUDGET = 3;

    private static ReconcilerHarness h;

    @BeforeAll
    static void start() {
        h = new ReconcilerHarness("audit", 12, "127.77.0.1");
        h.execute("UPDATE curtailment_org_config SET curtail_retry_budget = ? WHERE org_id = ?", BUDGET, h.orgId);
        h.startNode("audit-a");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static List<Map<String, Object>> log(UUID event, int miner, String action) {
        return h.rows("SELECT * FROM curtailment_command_log WHERE event_id = ? AND device_id = ? AND action = ?"
                + " ORDER BY attempt, id", event, h.deviceIds.get(miner), action);
    }

    private static long activity(UUID event, String type) {
        return h.count("SELECT count(*) FROM activity_log WHERE event_id = ? AND type = ?", event, type);
    }

    private static void assertCreatorAndTimes(Map<String, Object> row) {
        assertThat(row.get("source_actor_type")).isEqualTo("user");
        assertThat(row.get("source_actor_id")).isEqualTo("u");
        assertThat(row.get("created_by_user_id")).isEqualTo(h.userId);
        assertThat(row.get("replica")).isEqualTo("audit-a");
        assertThat(row.get("org_id")).isEqualTo(h.orgId);
        assertThat((java.sql.Timestamp) row.get("finished_at")).isAfterOrEqualTo((java.sql.Timestamp) row.get("sent_at"));
    }

    @Test
    void eachMinerGetsOneCurtailAndOneRestoreRowAndTheEventsTransitionsOneActivityRowEach() {
        List<Integer> miners = List.of(0, 1, 2, 3);
        UUID event = h.startEvent(miners, null);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> h.eventState(event) == 2);
        h.stopEvent(event);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 4);

        for (int i : miners) {
            for (String action : List.of("CURTAIL", "RESTORE")) {
                List<Map<String, Object>> rows = log(event, i, action);
                assertThat(rows).as("miner %d %s", i, action).hasSize(1);
                Map<String, Object> row = rows.get(0);
                assertThat(row.get("attempt")).isEqualTo(1);
                assertThat(row.get("outcome")).isEqualTo("ACCEPTED");
                assertThat(row.get("refusal_reason")).isNull();
                assertThat(row.get("reply_code")).isEqualTo(CURTAIL_SENT);
                assertThat((String) row.get("detail")).contains("Curtailment command sent")
                        .contains(action.equals("CURTAIL") ? "sleep" : "wake");
                assertCreatorAndTimes(row);
            }
            // the wire agrees: one sleep, one wake-up
            assertThat(h.sleepCommands(i)).isEqualTo(1);
            assertThat(h.wakeCommands(i)).isEqualTo(1);
        }
        // the restore came after the curtail, for every miner
        assertThat(h.count("SELECT count(*) FROM curtailment_command_log r JOIN curtailment_command_log c"
                + " ON c.device_id = r.device_id AND c.event_id = r.event_id AND c.action = 'CURTAIL'"
                + " WHERE r.event_id = ? AND r.action = 'RESTORE' AND r.sent_at > c.finished_at", event)).isEqualTo(4);

        assertThat(activity(event, "curtailment_active")).isEqualTo(1);
        assertThat(activity(event, "curtailment_completed")).isEqualTo(1);
        assertThat(activity(event, "curtailment_completed_with_failures")).isZero();
        Map<String, Object> active = h.row("SELECT actor_type, actor_id, (metadata ->> 'confirmed')::int AS confirmed,"
                + " (metadata ->> 'confirmed_reduction_kw')::float8 AS kw FROM activity_log"
                + " WHERE event_id = ? AND type = 'curtailment_active'", event);
        assertThat(active.get("actor_type")).isEqualTo("system");
        assertThat(active.get("actor_id")).isEqualTo("audit-a");
        assertThat(active.get("confirmed")).isEqualTo(4);
        double baselineKw = miners.stream().mapToDouble(i -> h.sim.miner(i).operatingPowerW()).sum() / 1000;
        assertThat((Double) active.get("kw")).isCloseTo(baselineKw, org.assertj.core.data.Offset.offset(0.01));
        assertThat(h.count("SELECT count(*) FROM activity_log WHERE event_id = ? AND type = 'curtailment_completed'"
                + " AND (metadata ->> 'resolved')::int = 4 AND metadata ->> 'restore_initiated_by' = 'user'", event))
                .isEqualTo(1);
    }

    @Test
    void aRefusingMinerLeavesOneRowPerAttemptUpToTheBudgetWithTheFirmwaresCode() {
        int refuses = 4;
        int healthy = 5;
        h.sim.setFault(refuses, Fault.of(FaultType.REFUSE));
        try {
            UUID event = h.startEvent(List.of(refuses, healthy), null);
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() ->
                    h.eventState(event) == 2 && h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ?"
                            + " AND state = 10", event) == 1);
            List<Map<String, Object>> rows = log(event, refuses, "CURTAIL");
            assertThat(rows).extracting(r -> r.get("attempt")).containsExactly(1, 2, 3);
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.get("outcome")).isEqualTo("REFUSED");
                assertThat(r.get("refusal_reason")).isEqualTo("ACCESS_DENIED");
                assertThat(r.get("reply_code")).isEqualTo(ACCESS_DENIED);
                assertThat((String) r.get("detail")).contains("Access denied");
                assertCreatorAndTimes(r);
            });
            assertThat(log(event, healthy, "CURTAIL")).extracting(r -> r.get("attempt")).containsExactly(1);
            assertThat(h.count("SELECT count(*) FROM activity_log WHERE event_id = ? AND type = 'curtailment_active'"
                    + " AND (metadata ->> 'curtail_failed')::int = 1 AND (metadata ->> 'confirmed')::int = 1", event))
                    .isEqualTo(1);
        } finally {
            h.sim.clearAllFaults();
        }
    }

    @Test
    void anEventWhoseEveryTargetFailedRestoresByItselfAndCompletesWithFailuresEachRecordedOnce() {
        int refuses = 6;
        h.sim.setFault(refuses, Fault.of(FaultType.REFUSE));
        UUID event;
        try {
            event = h.startEvent(List.of(refuses), null);
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100)).until(() -> h.eventState(event) >= 3);
        } finally {
            h.sim.clearAllFaults();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 5);

        assertThat(log(event, refuses, "CURTAIL")).extracting(r -> r.get("outcome"))
                .containsExactly("REFUSED", "REFUSED", "REFUSED");
        // the wake-up goes out until the miner answers (it may still refuse while the fault is being cleared)
        List<Map<String, Object>> restores = log(event, refuses, "RESTORE");
        assertThat(restores).isNotEmpty();
        for (int i = 0; i < restores.size(); i++) {
            assertThat(restores.get(i).get("attempt")).isEqualTo(i + 1);
        }
        assertThat(restores.get(restores.size() - 1).get("outcome")).isEqualTo("ACCEPTED");
        assertThat(restores.get(restores.size() - 1).get("reply_code")).isEqualTo(CURTAIL_SENT);

        assertThat(activity(event, "curtailment_active")).isZero();
        assertThat(activity(event, "curtailment_all_targets_failed")).isEqualTo(1);
        assertThat(activity(event, "curtailment_completed")).isZero();
        assertThat(h.count("SELECT count(*) FROM activity_log WHERE event_id = ?"
                + " AND type = 'curtailment_completed_with_failures' AND actor_type = 'system'"
                + " AND metadata ->> 'restore_initiated_by' = 'system'"
                + " AND metadata ->> 'end_reason' = 'every target failed to curtail'", event)).isEqualTo(1);
    }

    @Test
    void theMaxDurationRestoreIsRecordedOnceAndItsWakeUpsAreLogged() {
        List<Integer> miners = List.of(8, 9);
        UUID event = h.startEvent(miners, "max_duration_sec = 3");
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 4);
        assertThat(activity(event, "curtailment_active")).isEqualTo(1);
        assertThat(activity(event, "curtailment_max_duration_elapsed")).isEqualTo(1);
        assertThat(activity(event, "curtailment_completed")).isEqualTo(1);
        for (int i : miners) {
            assertThat(log(event, i, "CURTAIL")).hasSize(1);
            assertThat(log(event, i, "RESTORE")).extracting(r -> r.get("outcome")).containsExactly("ACCEPTED");
        }
    }
}
