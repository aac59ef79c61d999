package fleet.reconciler.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.domain.scope.DeviceScope;
import fleet.reconciler.ReconcilerHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A schedule window never fans out beyond the per-request device cap, and its skip record is bounded in SQL: a site
 * that grew past the cap after the schedule was written, with a curtailment holding more devices than the activity
 * row lists. No executor runs (the devices exist only in the database); the assertions are on the queued rows.
 */
class ScheduleBoundsTest {

    private static final int OVER = 3;
    private static final int HELD = QueueCommands.ACTIVITY_MAX_ITEMS + 5;
    private static ReconcilerHarness h;

    @BeforeAll
    static void fleet() {
        h = new ReconcilerHarness("schedule_bounds", 1, "127.75.9.1", 3);
    }

    @AfterAll
    static void close() {
        h.close();
    }

    @Test
    void aWindowOverTheDeviceCapQueuesTheFirstCapDevicesAndBoundsItsSkipRecord() {
        int devices = DeviceScope.MAX_DEVICE_IDENTIFIERS + OVER;
        UUID site = h.site("big-site", java.util.List.of());
        h.execute("INSERT INTO device (org_id, identifier, host, port, driver, capabilities, site_id)"
                + " SELECT ?, 'bulk-' || lpad(g::text, 5, '0'), '127.75.9.200', 4028, 'luxos',"
                + " '{curtail_full,power_target,power_reported,reboot}', ? FROM generate_series(1, ?) g",
                h.orgId, site, devices);
        // a live curtailment holds the first HELD devices by identifier
        UUID event = UUID.fromString(h.text("INSERT INTO curtailment_event (org_id, state, mode, level, priority,"
                + " reason, scope, max_duration_sec, candidate_min_power_w, request_fingerprint, source_actor_type,"
                + " source_actor_id, created_by_user_id, target_count, started_at) VALUES (?, 2, 2, 2, 1, 'test',"
                + " '{\"kind\":\"whole_org\"}', 3600, 1500, 'fp', 'user', 'u', ?, ?, now()) RETURNING id::text",
                h.orgId, h.userId, HELD));
        h.execute("INSERT INTO curtailment_target (event_id, org_id, device_id, state, desired_state, rank,"
                + " baseline_power_w, pre_curtail_snapshot) SELECT ?, org_id, id, 3, 1,"
                + " row_number() OVER (ORDER BY identifier), 3000, '{\"was_mining\":true}' FROM device"
                + " WHERE org_id = ? AND identifier LIKE 'bulk-%' AND identifier <= ?",
                event, h.orgId, "bulk-" + String.format("%05d", HELD));
        UUID schedule = h.dailySchedule("big", "{\"kind\":\"site_ids\",\"ids\":[\"" + site + "\"]}", "10:00", "11:00",
                2300, 3300);

        h.startProcessor("replica-a", new SettableClock(Instant.parse("2026-06-20T15:00:10Z"))); // 10:00:10 CDT
        // the occurrence row commits with everything the start queued and recorded (one transaction)
        await().atMost(Duration.ofSeconds(60)).until(() -> h.count(
                "SELECT count(*) FROM schedule_occurrence WHERE schedule_id = ?", schedule) == 1);

        int cap = QueueCommands.DEVICE_CAP;
        assertThat(h.commands(schedule, "start")).isEqualTo(cap - HELD);
        assertThat(h.count("SELECT count(*) FROM operator_command WHERE actor_id = ? AND device_id IN"
                + " (SELECT id FROM device WHERE identifier > ?)", schedule.toString(),
                "bulk-" + String.format("%05d", cap))).as("devices past the cap get nothing").isZero();
        assertThat(h.text("SELECT start_queued || '/' || start_skipped FROM schedule_occurrence WHERE schedule_id = ?",
                schedule)).isEqualTo((cap - HELD) + "/" + HELD);

        JsonObject skipped = new JsonObject(h.text("SELECT metadata::text FROM activity_log WHERE actor_id = ?"
                + " AND type = 'schedule_skipped_due_to_curtailment'", schedule.toString()));
        assertThat(skipped.getLong("skipped_count")).isEqualTo(HELD);
        assertThat(skipped.getJsonArray("skipped_identifiers").size()).isEqualTo(QueueCommands.ACTIVITY_MAX_ITEMS);
        assertThat(skipped.getJsonArray("skipped_identifiers").getString(0)).isEqualTo("bulk-00001");
        assertThat(skipped.getBoolean("skipped_identifiers_truncated")).isTrue();
        assertThat(skipped.getJsonArray("event_ids").getList()).containsExactly(event.toString());
        assertThat(h.text("SELECT event_id::text FROM activity_log WHERE actor_id = ?"
                + " AND type = 'schedule_skipped_due_to_curtailment'", schedule.toString())).isEqualTo(event.toString());

        JsonObject capped = new JsonObject(h.text("SELECT metadata::text FROM activity_log WHERE actor_id = ?"
                + " AND type = 'schedule_device_cap_reached'", schedule.toString()));
        assertThat(capped.getLong("device_cap")).isEqualTo(cap);
        assertThat(capped.getLong("matched")).isEqualTo(devices);
        assertThat(capped.getLong("selected")).isEqualTo(cap);
        assertThat(capped.getLong("not_addressed")).isEqualTo(OVER);
        assertThat(h.activity("schedule_action_queued", schedule)).isEqualTo(1);
    }
}
