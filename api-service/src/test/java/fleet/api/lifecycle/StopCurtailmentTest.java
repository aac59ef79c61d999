package fleet.api.lifecycle;

import static fleet.api.Errors.failure;
import static fleet.api.Errors.fields;
import static fleet.api.Errors.info;
import static org.assertj.core.api.Assertions.assertThat;

import fleet.api.TestFleet;
import fleet.curtailment.v1.ActorType;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.testsupport.PostgresTestResource;
import fleet.testsupport.TestDatabase;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** StopCurtailment (SPEC §6.6): the gates, the echo, and the one-transaction restore reset. Real PostgreSQL, real gRPC. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class StopCurtailmentTest {

    private static StopCurtailmentRequest stop(String eventId) {
        return StopCurtailmentRequest.newBuilder().setEventId(eventId).build();
    }

    private static StartCurtailmentRequest.Builder withMinDuration(int seconds) {
        return StartCurtailmentRequest.newBuilder().setMinCurtailedDurationSec(seconds);
    }

    @Test
    void stopBeforeMinCurtailedDurationIsRefusedAndWritesNothing() {
        TestFleet fleet = new TestFleet("stop-min");
        fleet.addMiners("m", 2);
        String event = fleet.start(withMinDuration(600));
        fleet.makeActive(event, 60);
        long activity = fleet.activityRows();

        var e = failure(() -> fleet.operator().stopCurtailment(stop(event)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        var info = info(e).orElseThrow();
        assertThat(info.getReason()).isEqualTo("MIN_CURTAILED_DURATION_NOT_ELAPSED");
        assertThat(info.getDomain()).isEqualTo("curtailment");
        assertThat(Integer.parseInt(info.getMetadataOrThrow("remaining_sec"))).isBetween(530, 540);
        assertThat(fleet.activityRows()).isEqualTo(activity);
        assertThat(fleet.scalar("SELECT state FROM curtailment_event WHERE id = ?::uuid", event)).isEqualTo(2);
        assertThat(fleet.scalar("SELECT count(*) FROM curtailment_target WHERE event_id = ?::uuid AND state = 3", event))
                .isEqualTo(2L);
    }

    @Test
    void adminForceStopsBeforeMinCurtailedDuration() {
        TestFleet fleet = new TestFleet("stop-force");
        fleet.addMiners("f", 2);
        String event = fleet.start(withMinDuration(600));
        fleet.makeActive(event, 60);

        var stopped = fleet.adminSession().stopCurtailment(stop(event).toBuilder().setForce(true)
                .setReason("breaker trip").build()).getEvent();

        assertThat(stopped.getState()).isEqualTo(CurtailmentEventState.CURTAILMENT_EVENT_STATE_RESTORING);
        assertThat(stopped.getRestoreInitiatedBy()).isEqualTo(ActorType.ACTOR_TYPE_USER);
        assertThat(stopped.hasRestoreStartedAt()).isTrue();
        assertThat(fleet.activityRows("curtailment_stopped")).isEqualTo(1);
        assertThat(fleet.lastActivityMetadata("curtailment_stopped"))
                .contains("\"force\": true", "\"min_duration_bypassed\": true", "\"reason\": \"breaker trip\"");
    }

    @Test
    void nonAdminForceIsPermissionDeniedNamingForce() {
        TestFleet fleet = new TestFleet("stop-force-operator");
        fleet.addMiners("o", 1);
        String event = fleet.start(withMinDuration(600));
        fleet.makeActive(event, 60);

        var e = failure(() -> fleet.operator().stopCurtailment(stop(event).toBuilder().setForce(true).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getStatus().getDescription()).contains("force");
        assertThat(info(e).orElseThrow().getMetadataOrThrow("field")).isEqualTo("force");
        assertThat(fleet.activityRows("curtailment_stopped")).isZero();
    }

    @Test
    void stopAfterMinCurtailedDurationNeedsNoForce() {
        TestFleet fleet = new TestFleet("stop-elapsed");
        fleet.addMiners("e", 1);
        String event = fleet.start(withMinDuration(600));
        fleet.makeActive(event, 601);

        var stopped = fleet.operator().stopCurtailment(stop(event)).getEvent();

        assertThat(stopped.getState()).isEqualTo(CurtailmentEventState.CURTAILMENT_EVENT_STATE_RESTORING);
        assertThat(stopped.getRestoreInitiatedBy()).isEqualTo(ActorType.ACTOR_TYPE_API_KEY);
        assertThat(fleet.lastActivityMetadata("curtailment_stopped")).contains("\"min_duration_bypassed\": false");
    }

    @Test
    void stopOfATerminalEventIsEventTerminal() {
        TestFleet fleet = new TestFleet("stop-terminal");
        fleet.addMiners("t", 1);
        String event = fleet.start();
        fleet.complete(event);

        var e = failure(() -> fleet.operator().stopCurtailment(stop(event)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(info(e).orElseThrow().getReason()).isEqualTo("EVENT_TERMINAL");
        assertThat(info(e).orElseThrow().getMetadataOrThrow("state")).isEqualTo("COMPLETED");
    }

    @Test
    void stopOfARestoringEventEchoesItAndWritesNothing() {
        TestFleet fleet = new TestFleet("stop-echo");
        fleet.addMiners("r", 2);
        String event = fleet.start();
        fleet.makeActive(event, 10);
        var first = fleet.operator().stopCurtailment(stop(event)).getEvent();
        // the reconciler has moved on: one target restored, one in flight
        fleet.update("UPDATE curtailment_target SET state = 2, command_sent_at = now() WHERE id = (SELECT min(id)"
                + " FROM curtailment_target WHERE event_id = ?::uuid)", event);
        long activity = fleet.activityRows();
        Object updatedAt = fleet.scalar("SELECT updated_at FROM curtailment_event WHERE id = ?::uuid", event);

        var again = fleet.operator().stopCurtailment(stop(event)).getEvent();

        assertThat(again.getState()).isEqualTo(CurtailmentEventState.CURTAILMENT_EVENT_STATE_RESTORING);
        assertThat(again.getRestoreStartedAt()).isEqualTo(first.getRestoreStartedAt());
        assertThat(fleet.activityRows()).isEqualTo(activity);
        assertThat(fleet.scalar("SELECT updated_at FROM curtailment_event WHERE id = ?::uuid", event)).isEqualTo(updatedAt);
        assertThat(fleet.scalar("SELECT count(*) FROM curtailment_target WHERE event_id = ?::uuid AND state = 2", event))
                .isEqualTo(1L);
    }

    @Test
    void stopResetsConfirmedAndCurtailFailedTargetsToRestorePendingKeepingTheCurtailPhase() throws Exception {
        TestFleet fleet = new TestFleet("stop-reset");
        List<UUID> devices = fleet.addMiners("x", 3);
        String event = fleet.start();
        fleet.makeActive(event, 10);
        // x-00001 never confirmed: its budget ran out; x-00002 already ended (restored by hand, say)
        fleet.update("UPDATE curtailment_target SET state = 10, curtail_failures = 5, curtail_last_error = 'refused',"
                + " last_error = 'refused', retry_count = 5, next_attempt_at = now() WHERE device_id = ?", devices.get(1));
        fleet.update("UPDATE curtailment_target SET state = 5, resolved_at = now() - interval '1 second'"
                + " WHERE device_id = ?", devices.get(2));
        String before = curtailPhase(fleet, event);

        try (Connection listen = TestDatabase.get().connect()) {
            listen.createStatement().execute("LISTEN curtailment_work");
            fleet.operator().stopCurtailment(stop(event));
            PGNotification[] notes = listen.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(notes).extracting(PGNotification::getParameter).contains(event);
        }

        Map<String, Object> confirmed = target(fleet, devices.get(0));
        Map<String, Object> failed = target(fleet, devices.get(1));
        for (Map<String, Object> t : List.of(confirmed, failed)) {
            assertThat(t.get("state")).isEqualTo(1);
            assertThat(t.get("desired_state")).isEqualTo(2);
            assertThat(t.get("retry_count")).isEqualTo(0);
            assertThat(t.get("last_error")).isNull();
            assertThat(t.get("next_attempt_at")).isNull();
            assertThat(t.get("command_sent_at")).isNull();
            assertThat(t.get("wave")).isEqualTo(0);
        }
        assertThat(target(fleet, devices.get(2)).get("state")).isEqualTo(5);
        assertThat(target(fleet, devices.get(2)).get("desired_state")).isEqualTo(1);
        assertThat(curtailPhase(fleet, event)).isEqualTo(before);
        var e = fleet.rows("SELECT state, restore_initiated_by, current_wave, next_wave_at IS NOT NULL AS wave_due,"
                + " restore_started_at IS NOT NULL AS restoring_since FROM curtailment_event WHERE id = ?::uuid", event).get(0);
        assertThat(e).containsEntry("state", 3).containsEntry("restore_initiated_by", "api_key")
                .containsEntry("current_wave", 0).containsEntry("wave_due", true).containsEntry("restoring_since", true);
        assertThat(fleet.lastActivityMetadata("curtailment_stopped"))
                .contains("\"targets_restore_pending\": 2", "\"targets_resolved_uncommanded\": 0");
    }

    @Test
    void stopOfAPendingEventResolvesTargetsThatWereNeverCommanded() {
        TestFleet fleet = new TestFleet("stop-pending");
        List<UUID> devices = fleet.addMiners("p", 3);
        String event = fleet.start();
        // the reconciler got as far as one target: written DISPATCHING, command possibly on the wire
        fleet.update("UPDATE curtailment_target SET state = 8, curtail_dispatched_at = now(), command_sent_at = now()"
                + " WHERE device_id = ?", devices.get(0));

        var stopped = fleet.operator().stopCurtailment(stop(event)).getEvent();

        assertThat(stopped.getState()).isEqualTo(CurtailmentEventState.CURTAILMENT_EVENT_STATE_RESTORING);
        assertThat(target(fleet, devices.get(0))).containsEntry("state", 1).containsEntry("desired_state", 2);
        for (UUID untouched : devices.subList(1, 3)) {
            Map<String, Object> t = target(fleet, untouched);
            assertThat(t).containsEntry("state", 5).containsEntry("desired_state", 2);
            assertThat(t.get("resolved_at")).isNotNull();
            assertThat(t.get("restore_dispatched_at")).isNull();
        }
        assertThat(fleet.lastActivityMetadata("curtailment_stopped"))
                .contains("\"targets_restore_pending\": 1", "\"targets_resolved_uncommanded\": 2");
    }

    @Test
    void concurrentStopsBeginTheRestoreOnceAndEchoTheRest() throws Exception {
        TestFleet fleet = new TestFleet("stop-concurrent");
        fleet.addMiners("k", 4);
        String event = fleet.start();
        fleet.makeActive(event, 10);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            List<java.util.concurrent.Callable<String>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> fleet.operator().stopCurtailment(stop(event)).getEvent().getRestoreStartedAt().toString());
            }
            java.util.Set<String> restoreStarts = new java.util.HashSet<>();
            for (var f : pool.invokeAll(calls)) {
                restoreStarts.add(f.get());
            }
            assertThat(restoreStarts).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(fleet.activityRows("curtailment_stopped")).isEqualTo(1);
        assertThat(fleet.scalar("SELECT count(*) FROM curtailment_target WHERE event_id = ?::uuid AND state = 1"
                + " AND desired_state = 2", event)).isEqualTo(4L);
    }

    @Test
    void stopValidatesItsFieldsAndScopesToTheOrganization() {
        TestFleet fleet = new TestFleet("stop-validate");
        fleet.addMiners("v", 1);
        String event = fleet.start();
        TestFleet other = new TestFleet("stop-validate-other");

        var badId = failure(() -> fleet.operator().stopCurtailment(stop("not-a-uuid")));
        assertThat(badId.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(badId)).containsExactly("event_id");
        var longReason = failure(() -> fleet.operator().stopCurtailment(stop(event).toBuilder()
                .setReason("r".repeat(257)).build()));
        assertThat(fields(longReason)).containsExactly("reason");
        var foreign = failure(() -> other.operator().stopCurtailment(stop(event)));
        assertThat(foreign.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        var viewer = failure(() -> fleet.viewer().stopCurtailment(stop(event)));
        assertThat(viewer.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(fleet.activityRows("curtailment_stopped")).isZero();
    }

    private static Map<String, Object> target(TestFleet fleet, UUID device) {
        return fleet.rows("SELECT * FROM curtailment_target WHERE device_id = ? ORDER BY id DESC LIMIT 1", device).get(0);
    }

    private static String curtailPhase(TestFleet fleet, String event) {
        return fleet.rows("SELECT device_id, curtail_dispatched_at, curtail_completed_at, curtail_retries, curtail_failures,"
                + " curtail_last_error FROM curtailment_target WHERE event_id = ?::uuid ORDER BY id", event).toString();
    }
}
