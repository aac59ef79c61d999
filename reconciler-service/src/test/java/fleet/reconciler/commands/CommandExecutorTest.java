package fleet.reconciler.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.metrics.MetricNames;
import fleet.reconciler.ReconcilerHarness;
import fleet.simulator.CommandRecord;
import fleet.simulator.Fault;
import fleet.simulator.FaultType;
import io.smallrye.mutiny.Uni;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator-command executor (SPEC §7.4) against real PostgreSQL and the simulated fleet over TCP, with two
 * replicas claiming from one queue. Each test uses miners of its own.
 */
class CommandExecutorTest {

    private static final int AFTER_EVENT = 0;
    private static final int CURTAILED = 1;
    private static final int ORDERED_FIRST = 2;
    private static final int ORDERED_LAST = 7;
    private static final int BUSY_ONCE = 8;
    private static final int BUSY_ALWAYS = 9;
    private static final int REFUSES = 10;
    private static final int FIRMWARE_UNSUPPORTED = 11;
    private static final int FLAG_UNSUPPORTED = 12;
    private static final int ABANDONED = 13;
    private static final int SENTINEL = 14;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ReconcilerHarness h;

    @BeforeAll
    static void start() {
        h = new ReconcilerHarness("commands", 16, "127.70.0.1", 7);
        h.startExecutor("cmd-a");
        h.startExecutor("cmd-b");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static void awaitState(UUID batch, int device, String state) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> state.equals(h.state(batch, device)));
    }

    private static long finishedRows(UUID batch) {
        return h.count("SELECT count(*) FROM activity_log WHERE type = 'operator_command_finished'"
                + " AND metadata ->> 'batch_id' = ?", batch.toString());
    }

    @Test
    void rebootOfADeviceWhoseEventCompletedRunsExactlyOnceOnTheMiner() {
        h.finishedEvent(List.of(AFTER_EVENT));
        UUID batch = h.queue("REBOOT", "{}", 5, AFTER_EVENT);
        awaitState(batch, AFTER_EVENT, "SUCCEEDED");
        Map<String, Object> row = h.command(batch, AFTER_EVENT);
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("finished_at")).isNotNull();
        assertThat(row.get("claimed_by")).isIn("cmd-a", "cmd-b");
        assertThat(h.received(AFTER_EVENT, "rebootdevice")).isEqualTo(1);
        await().atMost(WAIT).until(() -> finishedRows(batch) == 1);
        Map<String, Object> activity = h.row("SELECT actor_type, actor_id, device_id, metadata::text AS m FROM activity_log"
                + " WHERE type = 'operator_command_finished' AND metadata ->> 'batch_id' = ?", batch.toString());
        assertThat(activity.get("actor_type")).isEqualTo("api_key");
        assertThat(activity.get("actor_id")).isEqualTo("testkey0000001");
        assertThat(activity.get("device_id")).isEqualTo(h.deviceIds.get(AFTER_EVENT));
        assertThat((String) activity.get("m")).contains("\"succeeded\": 1").contains("\"devices\": 1");
    }

    @Test
    void commandQueuedBeforeACurtailmentStartsEndsBlockedAndTheMinerNeverSeesIt() {
        h.stopExecutors();
        UUID batch = h.queue("REBOOT", "{}", 5, CURTAILED);
        UUID event = h.startEvent(List.of(CURTAILED), null);
        h.startExecutor("cmd-a");
        h.startExecutor("cmd-b");
        awaitState(batch, CURTAILED, "BLOCKED_BY_CURTAILMENT");
        Map<String, Object> row = h.command(batch, CURTAILED);
        assertThat(row.get("attempts")).isEqualTo(0);
        assertThat((String) row.get("last_error")).contains(event.toString());
        Map<String, Object> blocked = h.row("SELECT event_id, device_id, actor_type, metadata ->> 'stage' AS stage"
                + " FROM activity_log WHERE type = 'command_blocked_by_curtailment' AND metadata ->> 'batch_id' = ?",
                batch.toString());
        assertThat(blocked.get("event_id")).isEqualTo(event);
        assertThat(blocked.get("device_id")).isEqualTo(h.deviceIds.get(CURTAILED));
        assertThat(blocked.get("actor_type")).isEqualTo("api_key");
        assertThat(blocked.get("stage")).isEqualTo("execution");
        await().atMost(WAIT).until(() -> finishedRows(batch) == 1);
        // the executors keep working (a later command elsewhere runs), and the curtailed miner saw nothing, not a logon
        h.queue("REBOOT", "{}", 5, SENTINEL);
        await().atMost(WAIT).until(() -> h.received(SENTINEL, "rebootdevice") == 1);
        assertThat(h.received(CURTAILED)).isEmpty();
    }

    @Test
    void commandsToOneDeviceRunInAcceptanceOrderNeverConcurrentlyAcrossTwoReplicas() {
        int[] devices = java.util.stream.IntStream.rangeClosed(ORDERED_FIRST, ORDERED_LAST).toArray();
        int[] watts = {2000, 2200, 2400, 2600};
        UUID[] batches = new UUID[watts.length];
        for (int i = 0; i < watts.length; i++) {
            batches[i] = h.queue("SET_POWER_TARGET", "{\"power_target_w\": " + watts[i] + "}", 5, devices);
        }
        for (UUID batch : batches) {
            for (int d : devices) {
                awaitState(batch, d, "SUCCEEDED");
            }
        }
        for (int d : devices) {
            // the miner saw the commands in acceptance order, each session complete before the next began
            List<CommandRecord> log = h.received(d);
            assertThat(log.stream().map(CommandRecord::command).toList()).as("miner %d", d).containsExactly(
                    "logon", "powertargetset", "logoff", "logon", "powertargetset", "logoff",
                    "logon", "powertargetset", "logoff", "logon", "powertargetset", "logoff");
            List<String> targets = log.stream().filter(r -> r.command().equals("powertargetset"))
                    .map(r -> r.parameter().substring(r.parameter().indexOf(',') + 1)).toList();
            assertThat(targets).as("miner %d", d).containsExactly("power=2000", "power=2200", "power=2400", "power=2600");
            // and the database agrees: each command started after the previous one of the device finished
            List<Map<String, Object>> rows = h.rows("SELECT started_at, finished_at, attempts FROM operator_command"
                    + " WHERE device_id = ? ORDER BY seq", h.deviceIds.get(d));
            for (int i = 1; i < rows.size(); i++) {
                assertThat(((Timestamp) rows.get(i).get("started_at")).toInstant())
                        .isAfterOrEqualTo(((Timestamp) rows.get(i - 1).get("finished_at")).toInstant());
            }
            assertThat(rows).allSatisfy(r -> assertThat(r.get("attempts")).isEqualTo(1));
        }
        for (UUID batch : batches) {
            assertThat(finishedRows(batch)).as("one finished row per batch").isEqualTo(1);
        }
    }

    @Test
    void transientFailureIsRetriedWithBackoffAndThenSucceeds() {
        h.sim.setFault(BUSY_ONCE, Fault.of(FaultType.BUSY));
        double retriesBefore = h.counter(MetricNames.OPERATOR_COMMANDS, "command", "set_power_target",
                "outcome", "retry_wait");
        h.executors.forEach(e -> e.setSendHook(c -> {
            if (c.device().deviceId().equals(h.deviceIds.get(BUSY_ONCE)) && c.attempts() == 2) {
                h.sim.clearFault(BUSY_ONCE, FaultType.BUSY); // the other session went away before the retry
            }
            return Uni.createFrom().voidItem();
        }));
        UUID batch;
        try {
            batch = h.queue("SET_POWER_TARGET", "{\"power_target_w\": 3000}", 5, BUSY_ONCE);
            awaitState(batch, BUSY_ONCE, "SUCCEEDED");
        } finally {
            h.executors.forEach(e -> e.setSendHook(null));
        }
        Map<String, Object> row = h.command(batch, BUSY_ONCE);
        assertThat(row.get("attempts")).isEqualTo(2);
        assertThat(row.get("last_error")).isNull();
        assertThat(h.counter(MetricNames.OPERATOR_COMMANDS, "command", "set_power_target", "outcome", "retry_wait"))
                .isEqualTo(retriesBefore + 1);
        // attempt 1: a logon refused as busy (and the driver's own 2 quick retries); attempt 2: one clean session
        assertThat(h.received(BUSY_ONCE, "logon")).isEqualTo(4);
        assertThat(h.received(BUSY_ONCE, "powertargetset")).isEqualTo(1);
    }

    @Test
    void transientFailuresEndFailedWhenTheAttemptBudgetIsSpent() {
        h.sim.setFault(BUSY_ALWAYS, Fault.of(FaultType.BUSY));
        UUID batch = h.queue("SET_POWER_TARGET", "{\"power_target_w\": 3000}", 3, BUSY_ALWAYS);
        awaitState(batch, BUSY_ALWAYS, "FAILED");
        Map<String, Object> row = h.command(batch, BUSY_ALWAYS);
        assertThat(row.get("attempts")).isEqualTo(3);
        assertThat((String) row.get("last_error")).startsWith("retry budget exhausted after 3 attempts: BUSY");
        assertThat(h.received(BUSY_ALWAYS, "logon")).isEqualTo(9);
        assertThat(h.received(BUSY_ALWAYS, "powertargetset")).isZero();
    }

    @Test
    void refusalIsNeverRetried() throws Exception {
        h.sim.setFault(REFUSES, Fault.of(FaultType.REFUSE));
        UUID batch = h.queue("REBOOT", "{}", 5, REFUSES);
        awaitState(batch, REFUSES, "FAILED");
        // for several backoff periods and polls (a retry would have happened by now) nothing more reaches the miner
        await().during(java.time.Duration.ofMillis(1_500)).atMost(java.time.Duration.ofSeconds(5))
                .until(() -> h.received(REFUSES, "logon") == 1);
        Map<String, Object> row = h.command(batch, REFUSES);
        assertThat(row.get("state")).isEqualTo("FAILED");
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat((String) row.get("last_error")).startsWith("REFUSED");
        assertThat(h.received(REFUSES, "logon")).isEqualTo(1);
        assertThat(h.received(REFUSES, "rebootdevice")).isZero();
    }

    @Test
    void unsupportedCommandsEndUnsupportedWithoutRetry() {
        h.execute("UPDATE device SET capabilities = '{curtail_full,power_target,power_reported,reboot,mining_start_stop}'"
                + " WHERE id = ?", h.deviceIds.get(FIRMWARE_UNSUPPORTED));
        UUID batch = h.queue("START_MINING", "{}", 5, FIRMWARE_UNSUPPORTED, FLAG_UNSUPPORTED);
        awaitState(batch, FIRMWARE_UNSUPPORTED, "UNSUPPORTED");
        awaitState(batch, FLAG_UNSUPPORTED, "UNSUPPORTED");
        // the driver answers for LuxOS without touching the miner; the missing flag stops it before the driver
        assertThat((String) h.command(batch, FIRMWARE_UNSUPPORTED).get("last_error")).contains("unsupported");
        assertThat((String) h.command(batch, FLAG_UNSUPPORTED).get("last_error")).isEqualTo("driver luxos lacks mining_start_stop");
        assertThat(h.command(batch, FIRMWARE_UNSUPPORTED).get("attempts")).isEqualTo(1);
        assertThat(h.received(FIRMWARE_UNSUPPORTED)).isEmpty();
        assertThat(h.received(FLAG_UNSUPPORTED)).isEmpty();
        await().atMost(WAIT).until(() -> finishedRows(batch) == 1);
        assertThat(h.row("SELECT metadata ->> 'unsupported' AS u FROM activity_log WHERE type = 'operator_command_finished'"
                + " AND metadata ->> 'batch_id' = ?", batch.toString()).get("u")).isEqualTo("2");
    }

    @Test
    void runningCommandAbandonedByADeadReplicaIsRunAgainAndItsLateResultIsIgnored() {
        h.stopExecutors();
        UUID batch = h.queue("REBOOT", "{}", 5, ABANDONED);
        // as a replica that claimed it and died mid-command leaves it: RUNNING, attempt 1, visibility deadline passed
        h.execute("UPDATE operator_command SET state = 'RUNNING', attempts = 1, started_at = now() - interval '1 minute',"
                + " finished_at = NULL, next_attempt_at = now() - interval '1 second', claimed_by = 'dead-replica'"
                + " WHERE batch_id = ?", batch);
        h.startExecutor("cmd-a");
        h.startExecutor("cmd-b");
        awaitState(batch, ABANDONED, "SUCCEEDED");
        Map<String, Object> row = h.command(batch, ABANDONED);
        assertThat(row.get("attempts")).isEqualTo(2);
        assertThat(h.received(ABANDONED, "rebootdevice")).isEqualTo(1);
        // the dead replica wakes up and reports attempt 1: fenced by the claim token, nothing changes
        var late = new CommandStore(h.pool(), "dead-replica").finish(List.of(new AttemptResult((UUID) row.get("id"), 1,
                "FAILED", "late", Duration.ZERO))).await().atMost(Duration.ofSeconds(5));
        assertThat(late).isEmpty();
        assertThat(h.state(batch, ABANDONED)).isEqualTo("SUCCEEDED");
        await().atMost(WAIT).until(() -> finishedRows(batch) == 1);
    }

    @Test
    void aLostWakeUpSessionIsReopenedAndListensAgain() {
        String sessions = "SELECT pid, query FROM pg_stat_activity WHERE datname = current_database()"
                + " AND application_name = 'commands-cmd-a'";
        await().atMost(WAIT).until(() -> h.rows(sessions).size() == 1
                && String.valueOf(h.rows(sessions).get(0).get("query")).startsWith("LISTEN"));
        Object lost = h.row(sessions).get("pid");

        h.execute("SELECT pg_terminate_backend(?)", lost);

        await().atMost(WAIT).until(() -> {
            List<Map<String, Object>> now = h.rows(sessions);
            return now.size() == 1 && !now.get(0).get("pid").equals(lost)
                    && String.valueOf(now.get(0).get("query")).equals("LISTEN \"" + CommandExecutor.WORK_CHANNEL + "\"");
        });
    }
}
