package fleet.reconciler.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.reconciler.ReconcilerHarness;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A processor killed in the middle of a window's start (its transaction's backend terminated, as a crash or a network
 * loss would end it) is replaced by the other replica without a duplicate command; replicas restarting mid-window start
 * it late exactly once and never replay a window that ended while they were down; a revert the executor blocked at
 * execution is deferred until the curtailment ends.
 */
class ScheduleFailoverTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static ReconcilerHarness h;

    @BeforeAll
    static void fleet() {
        h = new ReconcilerHarness("schedule_failover", 12, "127.75.2.1", 7);
        h.startExecutor("executor-1");
    }

    @AfterAll
    static void close() {
        h.close();
    }

    @AfterEach
    void quiet() {
        h.quiesceSchedules();
    }

    private long outcomes(String step, String outcome) {
        var c = h.meters.find(ScheduleProcessor.STEPS).tags("step", step, "outcome", outcome).counter();
        return c == null ? 0 : (long) c.count();
    }

    private void ticks(int n) {
        long target = h.meters.timer(ScheduleProcessor.TICK_DURATION).count() + n;
        await().atMost(WAIT).until(() -> h.meters.timer(ScheduleProcessor.TICK_DURATION).count() >= target);
    }

    @Test
    void aProcessorKilledMidStartIsReplacedByTheOtherReplicaWithoutADuplicateCommand() throws Exception {
        UUID schedule = h.dailySchedule("killed", List.of(0, 1, 2, 3), "14:00", "19:00", 2900, 3100);
        SettableClock clock = new SettableClock(Instant.parse("2026-06-10T19:00:05Z"));
        CompletableFuture<Integer> backend = new CompletableFuture<>();
        CompletableFuture<Void> unpark = new CompletableFuture<>();
        ScheduleProcessor a = h.startProcessor("replica-a", clock);
        a.setTransactionHook((step, tx, id) -> !step.equals("start") ? Uni.createFrom().voidItem()
                : tx.query("SELECT pg_backend_pid()").execute()
                        .invoke(rows -> backend.complete(rows.iterator().next().getInteger(0)))
                        .chain(() -> Uni.createFrom().completionStage(unpark)));
        int pid = backend.get(30, TimeUnit.SECONDS); // A holds the schedule and an uncommitted occurrence

        long skippedBefore = outcomes("start", "claimed_elsewhere");
        h.startProcessor("replica-b", clock);
        await().atMost(WAIT).until(() -> outcomes("start", "claimed_elsewhere") >= skippedBefore + 5);
        assertThat(h.count("SELECT count(*) FROM schedule_occurrence WHERE schedule_id = ?", schedule)).isZero();
        assertThat(h.commands(schedule, "start")).isZero();

        h.execute("SELECT pg_terminate_backend(?)", pid); // A "dies" mid-occurrence: its transaction is gone
        await().atMost(WAIT).untilAsserted(() -> {
            for (int i = 0; i < 4; i++) {
                assertThat(h.powerTargets(i)).containsExactly(2900);
            }
        });
        assertThat(h.text("SELECT last_writer FROM schedule_occurrence WHERE schedule_id = ?", schedule))
                .isEqualTo("replica-b");
        unpark.complete(null); // A's late continuation runs on a dead connection and must change nothing
        ticks(20);
        assertThat(h.count("SELECT count(*) FROM schedule_occurrence WHERE schedule_id = ?", schedule)).isEqualTo(1);
        assertThat(h.commands(schedule, "start")).isEqualTo(4);

        clock.set("2026-06-11T00:00:05Z");
        await().atMost(WAIT).untilAsserted(() -> {
            for (int i = 0; i < 4; i++) {
                assertThat(h.powerTargets(i)).containsExactly(2900, 3100);
            }
        });
        ticks(20);
        assertThat(h.commands(schedule, "revert")).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(h.powerTargets(i)).containsExactly(2900, 3100);
        }
    }

    @Test
    void replicasRestartingMidWindowStartItLateOnceAndNeverReplayAWindowThatEndedWhileTheyWereDown() {
        UUID schedule = h.dailySchedule("restarts", List.of(4, 5), "14:00", "19:00", 2950, 3050);
        SettableClock clock = new SettableClock(Instant.parse("2026-06-12T20:00:00Z")); // 15:00 CDT: an hour late
        ScheduleProcessor first = h.startProcessor("first", clock);
        await().atMost(WAIT).untilAsserted(() -> assertThat(h.powerTargets(4)).containsExactly(2950));
        h.stopProcessor(first);

        clock.set("2026-06-12T21:00:00Z"); // still inside the window: a new replica must not start it again
        ScheduleProcessor second = h.startProcessor("second", clock);
        ticks(10);
        assertThat(h.commands(schedule, "start")).isEqualTo(2);
        h.stopProcessor(second);

        // down across the end and across the whole next window: the revert is still sent, the missed window is not run
        clock.set("2026-06-14T01:00:00Z"); // 20:00 CDT on 06-13, after that day's window
        h.startProcessor("third", clock);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(h.powerTargets(4)).containsExactly(2950, 3050);
            assertThat(h.powerTargets(5)).containsExactly(2950, 3050);
        });
        ticks(10);
        assertThat(h.count("SELECT count(*) FROM schedule_occurrence WHERE schedule_id = ?", schedule)).isEqualTo(1);
        assertThat(h.commands(schedule, "start")).isEqualTo(2);
        assertThat(h.commands(schedule, "revert")).isEqualTo(2);
    }

    @Test
    void aRevertTheExecutorBlockedAtExecutionIsDeferredUntilTheCurtailmentEnds() {
        UUID schedule = h.dailySchedule("blocked", List.of(8), "14:00", "19:00", 2850, 3150);
        SettableClock clock = new SettableClock(Instant.parse("2026-06-15T19:00:05Z"));
        h.startProcessor("replica-a", clock);
        await().atMost(WAIT).untilAsserted(() -> assertThat(h.powerTargets(8)).containsExactly(2850));

        // the revert is queued while the device is free; a curtailment takes the device before the executor claims the
        // command, so the executor's re-check ends it BLOCKED_BY_CURTAILMENT and the miner never sees it
        h.stopExecutors();
        clock.set("2026-06-16T00:00:05Z");
        await().atMost(WAIT).until(() -> h.commands(schedule, "revert") == 1);
        UUID event = h.confirmedEvent(List.of(8));
        h.startExecutor("executor-2");
        await().atMost(WAIT).until(() -> h.count("SELECT count(*) FROM operator_command WHERE actor_id = ?"
                + " AND params #>> '{schedule,phase}' = 'revert' AND state = 'BLOCKED_BY_CURTAILMENT'",
                schedule.toString()) == 1);
        await().atMost(WAIT).until(() -> h.count("SELECT count(*) FROM schedule_pending_revert WHERE schedule_id = ?"
                + " AND done_at IS NULL AND blocked_command_id IS NOT NULL AND blocking_event_id = ?", schedule, event) == 1);
        ticks(10);
        assertThat(h.commands(schedule, "deferred_revert")).isZero();
        assertThat(h.powerTargets(8)).containsExactly(2850);

        h.complete(event);
        await().atMost(WAIT).untilAsserted(() -> assertThat(h.powerTargets(8)).containsExactly(2850, 3150));
        ticks(10);
        assertThat(h.commands(schedule, "deferred_revert")).isEqualTo(1);
        assertThat(h.count("SELECT count(*) FROM schedule_pending_revert WHERE schedule_id = ?", schedule)).isEqualTo(1);
    }
}
