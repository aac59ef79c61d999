package fleet.api.lifecycle;

import static fleet.api.Errors.failure;
import static fleet.api.Errors.fields;
import static fleet.api.Errors.info;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.PreconditionFailure;
import fleet.api.TestFleet;
import fleet.curtailment.v1.AdminTerminateEventRequest;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.ForceReleaseRequest;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.WithTestResource;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** AdminTerminateEvent and ForceRelease (SPEC §6.7): session-only admin endings, echoes, stable reasons. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class AdminRecoveryTest {

    private static final CurtailmentEventState CANCELLED = CurtailmentEventState.CURTAILMENT_EVENT_STATE_CANCELLED;
    private static final CurtailmentEventState FAILED = CurtailmentEventState.CURTAILMENT_EVENT_STATE_FAILED;

    private static AdminTerminateEventRequest terminate(String eventId, CurtailmentEventState to) {
        return AdminTerminateEventRequest.newBuilder().setEventId(eventId).setTargetState(to)
                .setReason("reconciler lost the site").build();
    }

    private static ForceReleaseRequest release(String eventId) {
        return ForceReleaseRequest.newBuilder().setEventId(eventId).setReason("miners handed to the site crew").build();
    }

    @Test
    void terminateOfAnActiveEventIsInFlightCurtailCommands() {
        TestFleet fleet = new TestFleet("terminate-active");
        fleet.addMiners("a", 2);
        String event = fleet.start();
        fleet.makeActive(event, 5);

        var e = failure(() -> fleet.adminSession().adminTerminateEvent(terminate(event, CANCELLED)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(info(e).orElseThrow().getReason()).isEqualTo("IN_FLIGHT_CURTAIL_COMMANDS");
        assertThat(e.getStatus().getDescription()).contains("stop first");
        assertThat(fleet.activityRows("curtailment_terminated")).isZero();
    }

    @Test
    void terminateOfAPendingEventWithACurtailCommandInFlightIsRefused() {
        TestFleet fleet = new TestFleet("terminate-in-flight");
        List<UUID> devices = fleet.addMiners("f", 2);
        String event = fleet.start();
        fleet.update("UPDATE curtailment_target SET state = 2, command_sent_at = now(), curtail_dispatched_at = now()"
                + " WHERE device_id = ?", devices.get(0));

        var e = failure(() -> fleet.adminSession().adminTerminateEvent(terminate(event, FAILED)));

        assertThat(info(e).orElseThrow().getReason()).isEqualTo("IN_FLIGHT_CURTAIL_COMMANDS");
        assertThat(info(e).orElseThrow().getMetadataOrThrow("targets_in_flight")).isEqualTo("1");
    }

    /** The PreconditionFailure of a refusal: the targets it names, as "subject type". */
    private static List<String> blockers(StatusRuntimeException e) {
        for (var any : StatusProto.fromThrowable(e).getDetailsList()) {
            if (any.is(PreconditionFailure.class)) {
                try {
                    return any.unpack(PreconditionFailure.class).getViolationsList().stream()
                            .map(v -> v.getSubject() + " " + v.getDescription()).toList();
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        throw new AssertionError("no PreconditionFailure in " + e);
    }

    private static String beforeColon(String s) {
        return s.substring(0, s.indexOf(':'));
    }

    /** What a refused terminate must leave untouched: the event row, every target row, the activity log. */
    private static String snapshot(TestFleet fleet, String event) {
        return fleet.rows("SELECT state, updated_at, ended_at, end_reason FROM curtailment_event WHERE id = ?::uuid", event)
                + " " + fleet.rows("SELECT id, state, updated_at, last_error FROM curtailment_target WHERE event_id = ?::uuid"
                + " ORDER BY id", event) + " " + fleet.activityRows();
    }

    @Test
    void terminateOfAPendingEventWithConfirmedTargetsIsRefusedNamingThemAndWritesNothing() {
        TestFleet fleet = new TestFleet("terminate-asleep");
        List<UUID> devices = fleet.addMiners("z", 3);
        String event = fleet.start();
        // two miners confirmed asleep while the third still waits for its first command: the event stays PENDING
        fleet.update("UPDATE curtailment_target SET state = 3, command_sent_at = now(), curtail_dispatched_at = now(),"
                + " curtail_completed_at = now() WHERE device_id IN (?, ?)", devices.get(2), devices.get(0));
        String before = snapshot(fleet, event);

        var e = failure(() -> fleet.adminSession().adminTerminateEvent(terminate(event, CANCELLED)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        var info = info(e).orElseThrow();
        assertThat(info.getReason()).isEqualTo("TARGETS_MAY_BE_CURTAILED");
        assertThat(info.getMetadataMap()).containsEntry("targets_possibly_curtailed", "2")
                .containsEntry("targets_in_flight", "0").containsEntry("state", "PENDING");
        assertThat(blockers(e)).containsExactly(
                "z-00000 target is CONFIRMED: StopCurtailment restores its miner, ForceRelease leaves it as it is",
                "z-00002 target is CONFIRMED: StopCurtailment restores its miner, ForceRelease leaves it as it is");
        assertThat(e.getStatus().getDescription()).contains("stop first", "z-00000 CONFIRMED", "z-00002 CONFIRMED",
                "StopCurtailment restores them", "ForceRelease ends the event without restoring them");
        assertThat(snapshot(fleet, event)).isEqualTo(before);

        // the way out the refusal names: Stop restores the two (the never-commanded one resolves at once) …
        fleet.operator().stopCurtailment(StopCurtailmentRequest.newBuilder().setEventId(event).build());
        assertThat(fleet.rows("SELECT state, desired_state FROM curtailment_target WHERE event_id = ?::uuid"
                + " ORDER BY state", event).toString())
                .isEqualTo("[{state=1, desired_state=2}, {state=1, desired_state=2}, {state=5, desired_state=2}]");
        // … and a restore that cannot finish may then be terminated
        assertThat(fleet.adminSession().adminTerminateEvent(terminate(event, FAILED)).getEvent().getState())
                .isEqualTo(FAILED);
    }

    @Test
    void anyTargetThatWasSentACurtailCommandCountsAsPossiblyAsleepAndForceReleaseStillEndsTheEvent() {
        TestFleet fleet = new TestFleet("terminate-maybe");
        List<UUID> devices = fleet.addMiners("m", 26);
        String event = fleet.start();
        // drifted, refused until the budget ran out, unreachable, timed out and waiting for a retry: each was sent a
        // command the miner may have obeyed; 22 more confirmed
        fleet.update("UPDATE curtailment_target SET state = 3, command_sent_at = now(), curtail_dispatched_at = now()"
                + " WHERE event_id = ?::uuid", event);
        fleet.update("UPDATE curtailment_target SET state = 4 WHERE device_id = ?", devices.get(0));
        fleet.update("UPDATE curtailment_target SET state = 10, retry_count = 5 WHERE device_id = ?", devices.get(1));
        fleet.update("UPDATE curtailment_target SET state = 9, retry_count = 1 WHERE device_id = ?", devices.get(2));
        fleet.update("UPDATE curtailment_target SET state = 1, retry_count = 1, command_sent_at = NULL"
                + " WHERE device_id = ?", devices.get(3));

        var e = failure(() -> fleet.adminSession().adminTerminateEvent(terminate(event, FAILED)));

        assertThat(info(e).orElseThrow().getReason()).isEqualTo("TARGETS_MAY_BE_CURTAILED");
        assertThat(info(e).orElseThrow().getMetadataOrThrow("targets_possibly_curtailed")).isEqualTo("26");
        assertThat(blockers(e)).hasSize(20);
        assertThat(blockers(e).subList(0, 5)).extracting(AdminRecoveryTest::beforeColon).containsExactly(
                "m-00000 target is DRIFTED", "m-00001 target is CURTAIL_FAILED", "m-00002 target is UNAVAILABLE",
                "m-00003 target is PENDING", "m-00004 target is CONFIRMED");
        assertThat(e.getStatus().getDescription()).contains("26 target(s) may be curtailed", "and 21 more");
        assertThat(fleet.activityRows("curtailment_terminated")).isZero();

        var released = fleet.adminSession().forceRelease(release(event)).getEvent();
        assertThat(released.getState()).isEqualTo(CANCELLED);
        assertThat(fleet.count("SELECT count(*) FROM curtailment_target WHERE event_id = ?::uuid AND state = 6", event))
                .isEqualTo(26);
    }

    @Test
    void refusalsOfActiveAndInFlightEventsNameTheirTargetsToo() {
        TestFleet fleet = new TestFleet("terminate-named");
        fleet.addMiners("n", 2);
        String event = fleet.start();
        fleet.makeActive(event, 5);

        var e = failure(() -> fleet.adminSession().adminTerminateEvent(terminate(event, CANCELLED)));

        assertThat(info(e).orElseThrow().getReason()).isEqualTo("IN_FLIGHT_CURTAIL_COMMANDS");
        assertThat(info(e).orElseThrow().getMetadataOrThrow("targets_possibly_curtailed")).isEqualTo("2");
        assertThat(blockers(e)).extracting(AdminRecoveryTest::beforeColon)
                .containsExactly("n-00000 target is CONFIRMED", "n-00001 target is CONFIRMED");
    }

    @Test
    void terminateOfAPendingEventWithNothingInFlightEndsIt() {
        TestFleet fleet = new TestFleet("terminate-pending");
        fleet.addMiners("p", 2);
        String event = fleet.start();

        var ended = fleet.adminSession().adminTerminateEvent(terminate(event, FAILED)).getEvent();

        assertThat(ended.getState()).isEqualTo(FAILED);
        assertThat(ended.getEndReason()).isEqualTo("reconciler lost the site");
        assertThat(ended.hasEndedAt()).isTrue();
        assertThat(fleet.scalar("SELECT count(*) FROM curtailment_target WHERE event_id = ?::uuid AND state = 7", event))
                .isEqualTo(2L);
    }

    @Test
    void terminateAfterStopCancelsAndFailsOpenTargetsWithTheReason() {
        TestFleet fleet = new TestFleet("terminate-restoring");
        List<UUID> devices = fleet.addMiners("r", 3);
        String event = fleet.start();
        fleet.makeActive(event, 5);
        fleet.operator().stopCurtailment(StopCurtailmentRequest.newBuilder().setEventId(event).build());
        // the reconciler restored one miner and has a command in flight for another
        fleet.update("UPDATE curtailment_target SET state = 5, resolved_at = now() WHERE device_id = ?", devices.get(0));
        fleet.update("UPDATE curtailment_target SET state = 2, command_sent_at = now() WHERE device_id = ?", devices.get(1));

        var ended = fleet.adminSession().adminTerminateEvent(terminate(event, CANCELLED)).getEvent();

        assertThat(ended.getState()).isEqualTo(CANCELLED);
        assertThat(fleet.rows("SELECT state, last_error FROM curtailment_target WHERE event_id = ?::uuid ORDER BY device_id = ?"
                        + " DESC, state", event, devices.get(0)).toString())
                .isEqualTo("[{state=5, last_error=null}, {state=7, last_error=reconciler lost the site},"
                        + " {state=7, last_error=reconciler lost the site}]");
        assertThat(fleet.activityRows("curtailment_terminated")).isEqualTo(1);
        assertThat(fleet.lastActivityMetadata("curtailment_terminated"))
                .contains("\"previous_state\": \"RESTORING\"", "\"targets_restore_failed\": 2");
        // the devices are free again
        assertThat(fleet.start()).isNotEqualTo(event);
    }

    @Test
    void terminateEchoesTheSameEndingAndRefusesAnother() {
        TestFleet fleet = new TestFleet("terminate-echo");
        fleet.addMiners("e", 1);
        String event = fleet.start();
        fleet.adminSession().adminTerminateEvent(terminate(event, CANCELLED));
        long activity = fleet.activityRows();

        var echo = fleet.adminSession().adminTerminateEvent(terminate(event, CANCELLED)).getEvent();
        assertThat(echo.getState()).isEqualTo(CANCELLED);
        assertThat(fleet.activityRows()).isEqualTo(activity);

        var other = failure(() -> fleet.adminSession().adminTerminateEvent(terminate(event, FAILED)));
        assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(info(other).orElseThrow().getReason()).isEqualTo("EVENT_TERMINAL");
    }

    @Test
    void terminateValidatesTargetStateAndReason() {
        TestFleet fleet = new TestFleet("terminate-validate");
        fleet.addMiners("v", 1);
        String event = fleet.start();

        var e = failure(() -> fleet.adminSession().adminTerminateEvent(AdminTerminateEventRequest.newBuilder()
                .setEventId(event).setTargetState(CurtailmentEventState.CURTAILMENT_EVENT_STATE_COMPLETED).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(e)).containsExactly("target_state", "reason");
        var noReason = failure(() -> fleet.adminSession().forceRelease(ForceReleaseRequest.newBuilder().setEventId(event)
                .setReason(" ").build()));
        assertThat(fields(noReason)).containsExactly("reason");
    }

    @Test
    void apiKeysAndNonAdminSessionsAreRefusedForRecovery() {
        TestFleet fleet = new TestFleet("recovery-auth");
        fleet.addMiners("k", 1);
        String event = fleet.start();

        for (var call : List.<Runnable>of(
                () -> fleet.adminKey().adminTerminateEvent(terminate(event, CANCELLED)),
                () -> fleet.adminKey().forceRelease(release(event)),
                () -> fleet.operatorSession().adminTerminateEvent(terminate(event, CANCELLED)),
                () -> fleet.operatorSession().forceRelease(release(event)))) {
            assertThat(failure(call).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        assertThat(fleet.scalar("SELECT state FROM curtailment_event WHERE id = ?::uuid", event)).isEqualTo(1);
    }

    @Test
    void forceReleaseCancelsReleasesTargetsAndFreesTheDevices() {
        TestFleet fleet = new TestFleet("release");
        List<UUID> devices = fleet.addMiners("l", 3);
        String event = fleet.start();
        fleet.makeActive(event, 5);
        fleet.update("UPDATE curtailment_target SET state = 10, last_error = 'refused' WHERE device_id = ?", devices.get(2));

        var released = fleet.adminSession().forceRelease(release(event)).getEvent();

        assertThat(released.getState()).isEqualTo(CANCELLED);
        assertThat(released.getEndReason()).isEqualTo("miners handed to the site crew");
        assertThat(fleet.scalar("SELECT count(*) FROM curtailment_target WHERE event_id = ?::uuid AND state = 6", event))
                .isEqualTo(3L);
        assertThat(fleet.scalar("SELECT count(*) FROM curtailment_target WHERE event_id = ?::uuid"
                + " AND (restore_dispatched_at IS NOT NULL OR desired_state = 2)", event)).isEqualTo(0L);
        assertThat(fleet.lastActivityMetadata("curtailment_force_released")).contains("\"targets_released\": 3");
        String next = fleet.start();
        assertThat(fleet.scalar("SELECT count(*) FROM curtailment_target WHERE event_id = ?::uuid", next)).isEqualTo(3L);
    }

    @Test
    void forceReleaseEchoesCancelledAndRefusesOtherTerminalStates() {
        TestFleet fleet = new TestFleet("release-echo");
        fleet.addMiners("c", 2);
        String cancelled = fleet.start(fleet.operator(), TestFleet.identifiers("c-00000"));
        fleet.adminSession().forceRelease(release(cancelled));
        long activity = fleet.activityRows();
        assertThat(fleet.adminSession().forceRelease(release(cancelled)).getEvent().getState()).isEqualTo(CANCELLED);
        assertThat(fleet.activityRows()).isEqualTo(activity);

        String completed = fleet.start(fleet.operator(), TestFleet.identifiers("c-00001"));
        fleet.complete(completed);
        var e = failure(() -> fleet.adminSession().forceRelease(release(completed)));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(info(e).orElseThrow().getReason()).isEqualTo("EVENT_TERMINAL");
    }
}
