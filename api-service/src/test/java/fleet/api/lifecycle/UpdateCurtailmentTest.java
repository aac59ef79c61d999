package fleet.api.lifecycle;

import static fleet.api.Errors.failure;
import static fleet.api.Errors.fields;
import static fleet.api.Errors.info;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fleet.api.TestFleet;
import fleet.curtailment.v1.GetCurtailmentEventRequest;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.curtailment.v1.UpdateCurtailmentEventRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** UpdateCurtailmentEvent (SPEC §3): PENDING/ACTIVE only, Start's field gates, one audited transaction. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class UpdateCurtailmentTest {

    private static UpdateCurtailmentEventRequest.Builder update(String eventId) {
        return UpdateCurtailmentEventRequest.newBuilder().setEventId(eventId);
    }

    @Test
    void updateChangesReasonMaxDurationAndIntervalWithOneActivityRow() {
        TestFleet fleet = new TestFleet("update-all");
        fleet.addMiners("u", 1);
        String event = fleet.start();
        fleet.makeActive(event, 5);
        long activity = fleet.activityRows();

        var updated = fleet.operator().updateCurtailmentEvent(update(event).setReason("price spike extended")
                .setMaxDurationSeconds(7_200).setRestoreBatchIntervalSec(120).build()).getEvent();

        assertThat(updated.getReason()).isEqualTo("price spike extended");
        assertThat(updated.getMaxDurationSeconds()).isEqualTo(7_200);
        assertThat(updated.getRestoreBatchIntervalSec()).isEqualTo(120);
        assertThat(fleet.activityRows()).isEqualTo(activity + 1);
        assertThat(fleet.lastActivityMetadata("curtailment_updated")).contains(
                "\"reason\": {\"new\": \"price spike extended\", \"old\": \"grid event\"}",
                "\"max_duration_seconds\": {\"new\": 7200, \"old\": 14400}",
                "\"restore_batch_interval_sec\": {\"new\": 120, \"old\": 0}");
    }

    @Test
    void updateChangesOnlyTheFieldsThatAreSet() {
        TestFleet fleet = new TestFleet("update-one");
        fleet.addMiners("o", 1);
        String event = fleet.start(StartCurtailmentRequest.newBuilder().setMaxDurationSeconds(3_600)
                .setRestoreBatchIntervalSec(30));

        var updated = fleet.operator().updateCurtailmentEvent(update(event).setReason("new reason").build()).getEvent();

        assertThat(updated.getMaxDurationSeconds()).isEqualTo(3_600);
        assertThat(updated.getRestoreBatchIntervalSec()).isEqualTo(30);
        assertThat(fleet.lastActivityMetadata("curtailment_updated")).doesNotContain("max_duration_seconds");
    }

    @Test
    void updateWithoutAnyFieldIsInvalidArgument() {
        TestFleet fleet = new TestFleet("update-empty");
        fleet.addMiners("e", 1);
        String event = fleet.start();

        var e = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(e)).containsExactly("reason", "max_duration_seconds", "restore_batch_interval_sec",
                "restore_batch_size");
        assertThat(fleet.activityRows("curtailment_updated")).isZero();
    }

    @Test
    void updateValidatesBoundsStrictlyAndNamesEveryField() {
        TestFleet fleet = new TestFleet("update-bounds");
        fleet.addMiners("b", 1);
        String event = fleet.start();

        var e = failure(() -> fleet.adminKey().updateCurtailmentEvent(update(event).setReason("  ")
                .setMaxDurationSeconds(604_801).setRestoreBatchIntervalSec(3_601).build()));
        assertThat(fields(e)).containsExactly("reason", "max_duration_seconds", "restore_batch_interval_sec");

        // 4 294 967 295 on the wire: above int32, refused rather than saturated
        var wide = failure(() -> fleet.adminKey().updateCurtailmentEvent(update(event).setMaxDurationSeconds(-1).build()));
        assertThat(wide.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(wide)).containsExactly("max_duration_seconds");
        assertThat(wide.getStatus().getDescription()).contains("4294967295");
        assertThat(fleet.activityRows("curtailment_updated")).isZero();
    }

    @Test
    void nonAdminMayNotRaiseMaxDurationAboveTheOrganizationDefault() {
        TestFleet fleet = new TestFleet("update-gate");
        fleet.addMiners("g", 1);
        String event = fleet.start();

        var e = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setMaxDurationSeconds(14_401).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(info(e).orElseThrow().getMetadataOrThrow("field")).isEqualTo("max_duration_seconds");

        var admin = fleet.adminKey().updateCurtailmentEvent(update(event).setMaxDurationSeconds(86_400).build()).getEvent();
        assertThat(admin.getMaxDurationSeconds()).isEqualTo(86_400);
        // 0 = the organization default, which a non-admin may always set
        var reset = fleet.operator().updateCurtailmentEvent(update(event).setMaxDurationSeconds(0).build()).getEvent();
        assertThat(reset.getMaxDurationSeconds()).isEqualTo(14_400);
    }

    @Test
    void nonAdminRestoreIntervalAbove300IsPermissionDenied() {
        TestFleet fleet = new TestFleet("update-interval");
        fleet.addMiners("i", 1);
        String event = fleet.start();

        var e = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setRestoreBatchIntervalSec(301).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(info(e).orElseThrow().getMetadataOrThrow("field")).isEqualTo("restore_batch_interval_sec");
        assertThat(fleet.adminKey().updateCurtailmentEvent(update(event).setRestoreBatchIntervalSec(900).build())
                .getEvent().getRestoreBatchIntervalSec()).isEqualTo(900);
    }

    @Test
    void anUnboundedEventGetsABoundOnlyFromAnAdmin() {
        TestFleet fleet = new TestFleet("update-unbounded");
        fleet.addMiners("n", 1);
        String event = fleet.start(fleet.adminKey(), StartCurtailmentRequest.newBuilder().setAllowUnbounded(true));

        var e = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setMaxDurationSeconds(3_600).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

        var bounded = fleet.adminKey().updateCurtailmentEvent(update(event).setMaxDurationSeconds(3_600).build()).getEvent();
        assertThat(bounded.getAllowUnbounded()).isFalse();
        assertThat(bounded.getMaxDurationSeconds()).isEqualTo(3_600);
    }

    @Test
    void updateOfARestoringEventIsNotUpdatableAndOfATerminalOneIsEventTerminal() {
        TestFleet fleet = new TestFleet("update-state");
        fleet.addMiners("s", 1);
        String event = fleet.start();
        fleet.operator().stopCurtailment(StopCurtailmentRequest.newBuilder().setEventId(event).build());

        var restoring = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setReason("x").build()));
        assertThat(restoring.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(info(restoring).orElseThrow().getReason()).isEqualTo("EVENT_NOT_UPDATABLE");

        fleet.complete(event);
        var terminal = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setReason("x").build()));
        assertThat(terminal.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(info(terminal).orElseThrow().getReason()).isEqualTo("EVENT_TERMINAL");
        assertThat(fleet.activityRows("curtailment_updated")).isZero();
    }

    /** The event row as an Update could change it, including {@code updated_at}, and its activity count. */
    private static String eventRow(TestFleet fleet, String event) {
        return fleet.rows("SELECT reason, max_duration_sec, allow_unbounded, restore_batch_size, restore_batch_interval_sec,"
                + " next_wave_at, updated_at FROM curtailment_event WHERE id = ?::uuid", event) + " " + fleet.activityRows();
    }

    @Test
    void resubmittingTheValuesInEffectWritesNothingAndSaysSo() {
        TestFleet fleet = new TestFleet("update-echo");
        fleet.addMiners("h", 1);
        String event = fleet.start(fleet.adminKey(), StartCurtailmentRequest.newBuilder().setMaxDurationSeconds(86_400)
                .setRestoreBatchSize(5).setRestoreBatchIntervalSec(900));
        fleet.makeActive(event, 5);
        String before = eventRow(fleet, event);

        // everything as it is, sent by an operator who could not set the admin-only values but only echoes them
        var echo = fleet.operator().updateCurtailmentEvent(update(event).setReason("grid event").setMaxDurationSeconds(86_400)
                .setRestoreBatchSize(5).setRestoreBatchIntervalSec(900).build());

        assertThat(echo.getChangedFieldsList()).isEmpty();
        assertThat(echo.getEvent().getRestoreBatchSize()).isEqualTo(5);
        assertThat(eventRow(fleet, event)).isEqualTo(before);
        assertThat(fleet.activityRows("curtailment_updated")).isZero();

        // 0 means the organization default: an echo when that is the value in effect
        fleet.adminKey().updateCurtailmentEvent(update(event).setMaxDurationSeconds(14_400).build());
        String defaulted = eventRow(fleet, event);
        assertThat(fleet.operator().updateCurtailmentEvent(update(event).setMaxDurationSeconds(0).build())
                .getChangedFieldsList()).isEmpty();
        assertThat(eventRow(fleet, event)).isEqualTo(defaulted);
    }

    @Test
    void aPartialChangeWritesOnlyTheChangedFieldsAndNamesThemInOneActivityRow() {
        TestFleet fleet = new TestFleet("update-partial");
        fleet.addMiners("q", 1);
        String event = fleet.start(StartCurtailmentRequest.newBuilder().setMaxDurationSeconds(3_600).setRestoreBatchSize(2));
        long activity = fleet.activityRows();

        var updated = fleet.operator().updateCurtailmentEvent(update(event).setReason("grid event")
                .setMaxDurationSeconds(3_600).setRestoreBatchSize(4).setRestoreBatchIntervalSec(60).build());

        assertThat(updated.getChangedFieldsList()).containsExactly("restore_batch_size", "restore_batch_interval_sec");
        assertThat(fleet.activityRows()).isEqualTo(activity + 1);
        assertThat(fleet.lastActivityMetadata("curtailment_updated"))
                .contains("\"restore_batch_size\": {\"new\": 4, \"old\": 2}",
                        "\"restore_batch_interval_sec\": {\"new\": 60, \"old\": 0}")
                .doesNotContain("reason\":", "max_duration_seconds");
        var got = fleet.viewer().getCurtailmentEvent(GetCurtailmentEventRequest.newBuilder().setEventId(event).build())
                .getEvent();
        assertThat(got.getRestoreBatchSize()).isEqualTo(4);
        assertThat(got.getRestoreBatchIntervalSec()).isEqualTo(60);
        assertThat(got.getMaxDurationSeconds()).isEqualTo(3_600);
    }

    @Test
    void restoreBatchSizeIsValidatedLikeStart() {
        TestFleet fleet = new TestFleet("update-batch-bounds");
        fleet.addMiners("k", 1);
        String event = fleet.start();

        var tooBig = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setRestoreBatchSize(10_001).build()));
        assertThat(tooBig.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(tooBig)).containsExactly("restore_batch_size");
        // 4 294 967 295 on the wire
        var wide = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setRestoreBatchSize(-1).build()));
        assertThat(fields(wide)).containsExactly("restore_batch_size");
        assertThat(fleet.activityRows("curtailment_updated")).isZero();

        assertThat(fleet.operator().updateCurtailmentEvent(update(event).setRestoreBatchSize(10_000).build())
                .getEvent().getRestoreBatchSize()).isEqualTo(10_000);
        assertThat(fleet.operator().updateCurtailmentEvent(update(event).setRestoreBatchSize(0).build())
                .getEvent().getRestoreBatchSize()).isZero();
    }

    @Test
    void aRestoringEventTakesNewRestorePacingForItsRemainingWavesAndNothingElse() {
        TestFleet fleet = new TestFleet("update-restoring");
        fleet.addMiners("w", 3);
        String event = fleet.start(fleet.adminKey(), StartCurtailmentRequest.newBuilder().setRestoreBatchSize(1)
                .setRestoreBatchIntervalSec(600));
        fleet.makeActive(event, 5);
        fleet.operator().stopCurtailment(StopCurtailmentRequest.newBuilder().setEventId(event).build());
        // the reconciler started wave 1 two minutes ago: the next wave is due 600 s after that
        fleet.update("UPDATE curtailment_event SET current_wave = 1, next_wave_at = now() + interval '480 seconds'"
                + " WHERE id = ?::uuid", event);
        double dueBefore = ((Number) fleet.scalar("SELECT extract(epoch FROM next_wave_at) FROM curtailment_event"
                + " WHERE id = ?::uuid", event)).doubleValue();

        var updated = fleet.operator().updateCurtailmentEvent(update(event).setRestoreBatchSize(2)
                .setRestoreBatchIntervalSec(60).setReason("grid event").build());

        assertThat(updated.getChangedFieldsList()).containsExactly("restore_batch_size", "restore_batch_interval_sec");
        assertThat(updated.getEvent().getRestoreBatchSize()).isEqualTo(2);
        // the next wave is now due 60 s after the current one started
        double dueAfter = ((Number) fleet.scalar("SELECT extract(epoch FROM next_wave_at) FROM curtailment_event"
                + " WHERE id = ?::uuid", event)).doubleValue();
        assertThat(dueBefore - dueAfter).isCloseTo(540.0, within(0.001));
        assertThat(fleet.lastActivityMetadata("curtailment_updated")).contains("\"state\": \"RESTORING\"");

        String before = eventRow(fleet, event);
        var reason = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setReason("other")
                .setRestoreBatchSize(3).build()));
        assertThat(reason.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(info(reason).orElseThrow().getReason()).isEqualTo("EVENT_NOT_UPDATABLE");
        assertThat(info(reason).orElseThrow().getMetadataOrThrow("field")).isEqualTo("reason");
        var duration = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setMaxDurationSeconds(60).build()));
        assertThat(info(duration).orElseThrow().getMetadataOrThrow("field")).isEqualTo("max_duration_seconds");
        assertThat(eventRow(fleet, event)).isEqualTo(before);

        fleet.complete(event);
        var terminal = failure(() -> fleet.operator().updateCurtailmentEvent(update(event).setRestoreBatchSize(2).build()));
        assertThat(info(terminal).orElseThrow().getReason()).isEqualTo("EVENT_TERMINAL");
    }
}
