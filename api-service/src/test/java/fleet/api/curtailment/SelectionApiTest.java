package fleet.api.curtailment;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.api.Errors;
import fleet.api.TestFleet;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentPriority;
import fleet.curtailment.v1.SetMaintenanceRequest;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.FixedKwParams;
import fleet.curtailment.v1.PlannedDevice;
import fleet.curtailment.v1.PreviewCurtailmentPlanRequest;
import fleet.curtailment.v1.PreviewCurtailmentPlanResponse;
import fleet.curtailment.v1.Scope;
import fleet.curtailment.v1.SkipReason;
import fleet.curtailment.v1.SkippedDevice;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** SPEC §4 through the real API: ranking, FIXED_KW arithmetic, every skip reason, FULL_FLEET. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class SelectionApiTest {

    private static final Scope WHOLE_ORG = Scope.newBuilder().setWholeOrg(true).build();

    private static PreviewCurtailmentPlanRequest fixedKw(double target, double tolerance) {
        return PreviewCurtailmentPlanRequest.newBuilder().setScope(WHOLE_ORG)
                .setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                .setFixedKw(FixedKwParams.newBuilder().setTargetKw(target).setToleranceKw(tolerance)).build();
    }

    @Test
    void leastEfficientDeviceIsCurtailedFirstAndAloneWhenItReachesTheTarget() {
        TestFleet fleet = new TestFleet("sel-rank");
        fleet.add(List.of(TestFleet.Sample.mining("efficient", 5000, 40), TestFleet.Sample.mining("hungry", 5000, 45)));
        PreviewCurtailmentPlanResponse plan = fleet.operator().previewCurtailmentPlan(fixedKw(4, 0));
        assertThat(plan.getSelectedList()).extracting(PlannedDevice::getDeviceIdentifier).containsExactly("hungry");
        assertThat(plan.getEstimatedReductionKw()).isEqualTo(5.0);
        var started = fleet.operator().startCurtailment(StartCurtailmentRequest.newBuilder().setScope(WHOLE_ORG)
                .setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW).setReason("ranking")
                .setFixedKw(FixedKwParams.newBuilder().setTargetKw(4)).build());
        assertThat(started.getTargetsList()).extracting(t -> t.getDeviceIdentifier()).containsExactly("hungry");
    }

    @Test
    void unknownEfficiencyRanksLastAndTiesGoByIdentifier() {
        TestFleet fleet = new TestFleet("sel-ties");
        List<TestFleet.Sample> samples = new ArrayList<>();
        samples.add(new TestFleet.Sample("z-unknown", "luxos", "MINING", 3000.0, 100.0, null, 5));
        samples.add(TestFleet.Sample.mining("b-tied", 3000, 30));
        samples.add(TestFleet.Sample.mining("a-tied", 3000, 30));
        samples.add(TestFleet.Sample.mining("c-worst", 3000, 35));
        fleet.add(samples);
        var request = PreviewCurtailmentPlanRequest.newBuilder().setScope(WHOLE_ORG)
                .setMode(CurtailmentMode.CURTAILMENT_MODE_FULL_FLEET).build();
        var first = fleet.operator().previewCurtailmentPlan(request);
        assertThat(first.getSelectedList()).extracting(PlannedDevice::getDeviceIdentifier)
                .containsExactly("c-worst", "a-tied", "b-tied", "z-unknown");
        assertThat(fleet.operator().previewCurtailmentPlan(request)).isEqualTo(first);
        assertThat(fleet.events()).isZero();
    }

    @Test
    void fixedKwShortOfTargetIsInsufficientLoadWithStructuredMetadata() {
        TestFleet fleet = new TestFleet("sel-insufficient");
        fleet.add(List.of(TestFleet.Sample.mining("a", 5000, 30), TestFleet.Sample.mining("b", 4500, 30),
                TestFleet.Sample.mining("asleep", 3000, 30).withStatus("SLEEPING")));
        var e = Errors.failure(() -> fleet.operator().previewCurtailmentPlan(fixedKw(10, 0)));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        var info = Errors.info(e).orElseThrow();
        assertThat(info.getReason()).isEqualTo("INSUFFICIENT_CURTAILABLE_LOAD");
        assertThat(info.getDomain()).isEqualTo("curtailment");
        assertThat(info.getMetadataMap()).containsEntry("available_kw", "9.5").containsEntry("requested_kw", "10")
                .containsEntry("tolerance_kw", "0").containsEntry("candidate_min_power_w", "1500")
                .containsEntry("excluded.already_curtailed", "1").containsEntry("excluded.stale_telemetry", "0");

        var tolerated = fleet.operator().previewCurtailmentPlan(fixedKw(10, 1));
        assertThat(tolerated.getSelectedList()).extracting(PlannedDevice::getDeviceIdentifier).containsExactlyInAnyOrder("a", "b");

        var bad = Errors.failure(() -> fleet.operator().previewCurtailmentPlan(fixedKw(10, 10)));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Errors.fields(bad)).containsExactly("fixed_kw.tolerance_kw");
    }

    @Test
    void startShortOfTargetWritesNothing() {
        TestFleet fleet = new TestFleet("sel-insufficient-start");
        fleet.addMiners("m", 2, 4000, 30);
        long activity = fleet.activityRows();
        var e = Errors.failure(() -> fleet.operator().startCurtailment(StartCurtailmentRequest.newBuilder()
                .setScope(WHOLE_ORG).setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW).setReason("too much")
                .setFixedKw(FixedKwParams.newBuilder().setTargetKw(100)).build()));
        assertThat(Errors.info(e).orElseThrow().getReason()).isEqualTo("INSUFFICIENT_CURTAILABLE_LOAD");
        assertThat(fleet.events()).isZero();
        assertThat(fleet.targets()).isZero();
        assertThat(fleet.activityRows()).isEqualTo(activity);
    }

    @Test
    void everySkipReasonIsProducedByADeviceBuiltForIt() {
        TestFleet fleet = new TestFleet("sel-reasons");
        fleet.add(List.of(
                TestFleet.Sample.mining("ok", 3400, 20),
                TestFleet.Sample.mining("telemetry-only", 3400, 20).withDriver("cgminer"),
                TestFleet.Sample.mining("maintained", 3400, 20),
                TestFleet.Sample.mining("unreachable", 3400, 20).withStatus("UNREACHABLE"),
                TestFleet.Sample.mining("auth", 3400, 20).withStatus("AUTH_FAILED"),
                TestFleet.Sample.mining("updating", 3400, 20).withStatus("UPDATING"),
                TestFleet.Sample.mining("rebooting", 3400, 20).withStatus("REBOOTING"),
                TestFleet.Sample.mining("asleep", 25, 20).withStatus("SLEEPING").withHashrate(0.0),
                TestFleet.Sample.mining("stale", 3400, 20).withAge(600),
                TestFleet.Sample.mining("cooling", 3400, 20),
                new TestFleet.Sample("idle", "luxos", "STOPPED", 200.0, 0.0, null, 5),
                TestFleet.Sample.mining("dead-meter", 300, 3),
                new TestFleet.Sample("phantom", "luxos", "NO_POOL", 3300.0, 0.0, null, 5),
                TestFleet.Sample.mining("busy", 3400, 20)));
        fleet.inventory().setMaintenance(SetMaintenanceRequest.newBuilder().setMaintenance(true)
                .setDevices(DeviceIdentifierList.newBuilder().addIdentifiers("maintained")).build());
        // "busy" is held by another live event; "cooling" was resolved a minute ago
        fleet.update("WITH e AS (INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason, scope,"
                + " max_duration_sec, candidate_min_power_w, request_fingerprint, source_actor_type, source_actor_id,"
                + " created_by_user_id) SELECT o.id, 2, 2, 2, 1, 'other', '{}'::jsonb, 3600, 1500, 'x', 'user', 'u',"
                + " (SELECT id FROM app_user WHERE org_id = o.id LIMIT 1) FROM organization o WHERE o.id = ? RETURNING id, org_id)"
                + " INSERT INTO curtailment_target (event_id, org_id, device_id, state, desired_state, rank, resolved_at)"
                + " SELECT e.id, e.org_id, d.id, CASE WHEN d.identifier = 'busy' THEN 3 ELSE 5 END, 1, 1,"
                + " CASE WHEN d.identifier = 'cooling' THEN now() - interval '60 seconds' END"
                + " FROM e JOIN device d ON d.org_id = e.org_id AND d.identifier IN ('busy', 'cooling')", fleet.org.orgId());
        var request = fixedKw(1, 0).toBuilder().setPostEventCooldownSec(600).build();
        var plan = fleet.operator().previewCurtailmentPlan(request);
        Map<String, SkipReason> reasons = plan.getSkippedList().stream()
                .collect(Collectors.toMap(SkippedDevice::getDeviceIdentifier, SkippedDevice::getReason));
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("busy", SkipReason.SKIP_REASON_ACTIVE_EVENT),
                Map.entry("telemetry-only", SkipReason.SKIP_REASON_CURTAIL_UNSUPPORTED),
                Map.entry("maintained", SkipReason.SKIP_REASON_MAINTENANCE),
                Map.entry("unreachable", SkipReason.SKIP_REASON_UNREACHABLE),
                Map.entry("auth", SkipReason.SKIP_REASON_AUTH_FAILED),
                Map.entry("updating", SkipReason.SKIP_REASON_UPDATING),
                Map.entry("rebooting", SkipReason.SKIP_REASON_REBOOTING),
                Map.entry("asleep", SkipReason.SKIP_REASON_ALREADY_CURTAILED),
                Map.entry("stale", SkipReason.SKIP_REASON_STALE_TELEMETRY),
                Map.entry("cooling", SkipReason.SKIP_REASON_COOLDOWN),
                Map.entry("idle", SkipReason.SKIP_REASON_BELOW_MIN_POWER),
                Map.entry("dead-meter", SkipReason.SKIP_REASON_POWER_TELEMETRY_UNRELIABLE),
                Map.entry("phantom", SkipReason.SKIP_REASON_PHANTOM_LOAD_NO_HASH)));
        assertThat(plan.getSelectedList()).extracting(PlannedDevice::getDeviceIdentifier).containsExactly("ok");

        // FULL_FLEET has no floor filters: the hashing device under the floor is kept
        var full = fleet.operator().previewCurtailmentPlan(PreviewCurtailmentPlanRequest.newBuilder().setScope(WHOLE_ORG)
                .setMode(CurtailmentMode.CURTAILMENT_MODE_FULL_FLEET).setPostEventCooldownSec(600).build());
        assertThat(full.getSelectedList()).extracting(PlannedDevice::getDeviceIdentifier)
                .contains("dead-meter", "idle", "phantom", "ok");
        // EMERGENCY ignores the cooldown
        var emergency = fleet.operator().previewCurtailmentPlan(request.toBuilder()
                .setPriority(CurtailmentPriority.CURTAILMENT_PRIORITY_EMERGENCY).build());
        assertThat(emergency.getSkippedList()).extracting(SkippedDevice::getDeviceIdentifier).doesNotContain("cooling");
    }
}
