package fleet.reconciler.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.reconciler.ReconcilerHarness;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Windows start and end exactly once with two processor replicas on one fake clock; curtailment wins over a schedule
 * without losing its revert; DST nights fire once. The issue-7 executor runs the queued commands against the
 * simulator, so "exactly once" is asserted on the miners' own command logs as well as on the queued rows.
 */
class ScheduleWindowsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static ReconcilerHarness h;
    private SettableClock clock;

    @BeforeAll
    static void fleet() {
        h = new ReconcilerHarness("schedule_windows", 16, "127.75.1.1", 7);
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

    private void twoReplicas(String start) {
        clock = new SettableClock(java.time.Instant.parse(start));
        h.startProcessor("replica-a", clock);
        h.startProcessor("replica-b", clock);
    }

    /** Waits until every replica has ticked at least {@code n} more times (a signal from production code, not a sleep). */
    private void ticks(int n) {
        long target = h.meters.timer(ScheduleProcessor.TICK_DURATION).count() + 2L * n;
        await().atMost(WAIT).until(() -> h.meters.timer(ScheduleProcessor.TICK_DURATION).count() >= target);
    }

    @Test
    void windowStartQueuesTheActionAndItsEndTheRevertExactlyOnceWithTwoReplicas() {
        UUID schedule = h.dailySchedule("peak", List.of(0, 1, 2, 3), "14:00", "19:00", 2800, 3200);
        twoReplicas("2026-06-03T18:59:00Z"); // 13:59 CDT
        ticks(5);
        assertThat(h.count("SELECT count(*) FROM schedule_occurrence WHERE schedule_id = ?", schedule)).isZero();

        clock.set("2026-06-03T19:00:01Z"); // 14:00:01 CDT
        await().atMost(WAIT).untilAsserted(() -> {
            for (int i = 0; i < 4; i++) {
                assertThat(h.powerTargets(i)).containsExactly(2800);
            }
        });
        ticks(10);
        assertThat(h.count("SELECT count(*) FROM schedule_occurrence WHERE schedule_id = ?", schedule)).isEqualTo(1);
        assertThat(h.text("SELECT window_start::text FROM schedule_occurrence WHERE schedule_id = ?", schedule))
                .isEqualTo("2026-06-03 19:00:00+00");
        assertThat(h.commands(schedule, "start")).isEqualTo(4);
        assertThat(h.commands(schedule, "revert")).isZero();
        assertThat(h.activity("schedule_action_queued", schedule)).isEqualTo(1);

        clock.set("2026-06-04T00:00:01Z"); // 19:00:01 CDT
        await().atMost(WAIT).untilAsserted(() -> {
            for (int i = 0; i < 4; i++) {
                assertThat(h.powerTargets(i)).containsExactly(2800, 3200);
            }
        });
        ticks(10);
        assertThat(h.commands(schedule, "start")).isEqualTo(4);
        assertThat(h.commands(schedule, "revert")).isEqualTo(4);
        assertThat(h.activity("schedule_revert_queued", schedule)).isEqualTo(1);
        assertThat(h.text("SELECT revert_state FROM schedule_occurrence WHERE schedule_id = ?", schedule)).isEqualTo("DONE");
        for (int i = 0; i < 4; i++) {
            assertThat(h.powerTargets(i)).containsExactly(2800, 3200);
        }
        // both replicas took part in ticking; neither queued anything twice
        assertThat(h.count("SELECT count(*) FROM operator_command WHERE actor_type = 'scheduler' AND actor_id = ?"
                + " AND state = 'SUCCEEDED'", schedule.toString())).isEqualTo(8);
    }

    @Test
    void aCurtailmentHoldingSomeDevicesAtTheStartSkipsThemWithOneActivityRowAndTheOthersAct() {
        UUID schedule = h.dailySchedule("partial", List.of(4, 5, 6, 7), "14:00", "19:00", 2700, 3300);
        UUID event = h.confirmedEvent(List.of(5, 6));
        twoReplicas("2026-06-05T19:00:30Z");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(h.powerTargets(4)).containsExactly(2700);
            assertThat(h.powerTargets(7)).containsExactly(2700);
        });
        ticks(10);
        assertThat(h.powerTargets(5)).isEmpty();
        assertThat(h.powerTargets(6)).isEmpty();
        assertThat(h.commands(schedule, "start")).isEqualTo(2);
        assertThat(h.activity("schedule_skipped_due_to_curtailment", schedule)).isEqualTo(1);
        assertThat(h.text("SELECT event_id::text FROM activity_log WHERE type = 'schedule_skipped_due_to_curtailment'"
                + " AND actor_id = ?", schedule.toString())).isEqualTo(event.toString());
        assertThat(h.text("SELECT metadata::text FROM activity_log WHERE type = 'schedule_skipped_due_to_curtailment'"
                + " AND actor_id = ?", schedule.toString()))
                .contains(event.toString()).contains(h.identifier(5)).contains(h.identifier(6))
                .doesNotContain("\"" + h.identifier(4) + "\"");
        assertThat(h.text("SELECT start_state || '/' || start_queued || '/' || start_skipped FROM schedule_occurrence"
                + " WHERE schedule_id = ?", schedule)).isEqualTo("QUEUED/2/2");

        // the window ends while the curtailment still holds 5 and 6: they never got the action, so no revert is owed
        clock.set("2026-06-06T00:00:30Z");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(h.powerTargets(4)).containsExactly(2700, 3300);
            assertThat(h.powerTargets(7)).containsExactly(2700, 3300);
        });
        h.complete(event);
        ticks(10);
        assertThat(h.powerTargets(5)).isEmpty();
        assertThat(h.powerTargets(6)).isEmpty();
        assertThat(h.count("SELECT count(*) FROM schedule_pending_revert WHERE schedule_id = ?", schedule)).isZero();
    }

    @Test
    void aCurtailmentCoveringTheWindowsEndDefersTheRevertUntilItCompletesThenSendsItOnce() {
        UUID schedule = h.dailySchedule("deferred", List.of(8, 9, 10, 11), "14:00", "19:00", 2600, 3250);
        twoReplicas("2026-06-08T19:00:30Z");
        await().atMost(WAIT).untilAsserted(() -> {
            for (int i = 8; i < 12; i++) {
                assertThat(h.powerTargets(i)).containsExactly(2600);
            }
        });

        UUID event = h.confirmedEvent(List.of(9, 10)); // mid-window
        clock.set("2026-06-09T00:00:30Z");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(h.powerTargets(8)).containsExactly(2600, 3250);
            assertThat(h.powerTargets(11)).containsExactly(2600, 3250);
        });
        assertThat(h.count("SELECT count(*) FROM schedule_pending_revert WHERE schedule_id = ? AND done_at IS NULL"
                + " AND blocking_event_id = ?", schedule, event)).isEqualTo(2);
        assertThat(h.activity("schedule_skipped_due_to_curtailment", schedule)).isEqualTo(1);
        assertThat(h.text("SELECT metadata::text FROM activity_log WHERE type = 'schedule_skipped_due_to_curtailment'"
                + " AND actor_id = ?", schedule.toString())).contains("\"phase\": \"revert\"").contains(h.identifier(9))
                .contains(h.identifier(10));
        ticks(10);
        assertThat(h.powerTargets(9)).containsExactly(2600);
        assertThat(h.powerTargets(10)).containsExactly(2600);

        h.complete(event);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(h.powerTargets(9)).containsExactly(2600, 3250);
            assertThat(h.powerTargets(10)).containsExactly(2600, 3250);
        });
        ticks(10);
        assertThat(h.commands(schedule, "deferred_revert")).isEqualTo(2);
        assertThat(h.count("SELECT count(*) FROM schedule_pending_revert WHERE schedule_id = ? AND done_at IS NULL",
                schedule)).isZero();
        assertThat(h.activity("schedule_deferred_revert_queued", schedule)).isEqualTo(1);
        for (int i = 8; i < 12; i++) {
            assertThat(h.powerTargets(i)).containsExactly(2600, 3250);
        }
    }

    @Test
    void aTopologyScheduleActsOnTheDevicesOfItsSiteAsTheyAreWhenTheWindowStarts() {
        UUID site = h.site("site-a", List.of(14));
        UUID schedule = h.dailySchedule("site", "{\"kind\":\"site_ids\",\"ids\":[\"" + site + "\"]}", "10:00", "11:00",
                2300, 3300);
        h.execute("UPDATE device SET site_id = ? WHERE id = ?", site, h.deviceIds.get(15)); // joins after creation
        twoReplicas("2026-06-20T15:00:10Z"); // 10:00:10 CDT
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(h.powerTargets(14)).containsExactly(2300);
            assertThat(h.powerTargets(15)).containsExactly(2300);
        });
        clock.set("2026-06-20T16:00:10Z");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(h.powerTargets(14)).containsExactly(2300, 3300);
            assertThat(h.powerTargets(15)).containsExactly(2300, 3300);
        });
        assertThat(h.commands(schedule, "start")).isEqualTo(2);
    }

    @Test
    void aWindowStartingInTheSpringForwardGapFiresOnceAtTheGapsEnd() {
        // 02:30 does not exist in Chicago on 2026-03-08: the window starts at 03:00 CDT (08:00Z) and ends 03:30 CDT
        UUID schedule = h.dailySchedule("spring", List.of(12), "02:30", "03:30", 2500, 3000);
        twoReplicas("2026-03-08T07:59:00Z"); // 01:59 CST
        ticks(5);
        assertThat(h.commands(schedule, "start")).isZero();

        clock.set("2026-03-08T08:00:10Z");
        await().atMost(WAIT).untilAsserted(() -> assertThat(h.powerTargets(12)).containsExactly(2500));
        clock.set("2026-03-08T08:20:00Z");
        ticks(5);
        clock.set("2026-03-08T08:30:10Z");
        await().atMost(WAIT).untilAsserted(() -> assertThat(h.powerTargets(12)).containsExactly(2500, 3000));
        ticks(5);
        assertThat(h.text("SELECT string_agg(window_start::text || '..' || window_end::text, ';') FROM schedule_occurrence"
                + " WHERE schedule_id = ?", schedule)).isEqualTo("2026-03-08 08:00:00+00..2026-03-08 08:30:00+00");
        assertThat(h.commands(schedule, "start")).isEqualTo(1);
        assertThat(h.commands(schedule, "revert")).isEqualTo(1);
    }

    @Test
    void aWindowAtALocalTimeRepeatedByFallBackFiresOnce() {
        // 01:30–01:45 happens twice in Chicago on 2026-11-01 (CDT, then CST): only the first pass is a window
        UUID schedule = h.dailySchedule("fall", List.of(13), "01:30", "01:45", 2400, 3100);
        twoReplicas("2026-11-01T06:30:10Z"); // 01:30:10 CDT
        await().atMost(WAIT).untilAsserted(() -> assertThat(h.powerTargets(13)).containsExactly(2400));
        clock.set("2026-11-01T06:45:10Z"); // 01:45:10 CDT
        await().atMost(WAIT).untilAsserted(() -> assertThat(h.powerTargets(13)).containsExactly(2400, 3100));

        clock.set("2026-11-01T07:30:10Z"); // 01:30:10 CST, the same wall-clock time again
        ticks(5);
        clock.set("2026-11-01T07:40:00Z");
        ticks(5);
        clock.set("2026-11-01T07:45:10Z");
        ticks(5);
        assertThat(h.count("SELECT count(*) FROM schedule_occurrence WHERE schedule_id = ?", schedule)).isEqualTo(1);
        assertThat(h.commands(schedule, "start")).isEqualTo(1);
        assertThat(h.commands(schedule, "revert")).isEqualTo(1);
        assertThat(h.powerTargets(13)).containsExactly(2400, 3100);
    }
}
