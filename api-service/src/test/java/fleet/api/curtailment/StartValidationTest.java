package fleet.api.curtailment;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.api.Errors;
import fleet.api.TestFleet;
import fleet.curtailment.v1.CurtailmentLevel;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.FixedKwParams;
import fleet.curtailment.v1.IdList;
import fleet.curtailment.v1.PreviewCurtailmentPlanRequest;
import fleet.curtailment.v1.Scope;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every rule of the StartCurtailment field table (SPEC §3): the code and the field named, and nothing written. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class StartValidationTest {

    private static TestFleet fleet;

    @BeforeAll
    static void fleet() {
        fleet = new TestFleet("start-validation");
        fleet.addMiners("v", 4, 3400, 25);
    }

    private static StartCurtailmentRequest valid() {
        return StartCurtailmentRequest.newBuilder()
                .setScope(Scope.newBuilder().setWholeOrg(true))
                .setMode(CurtailmentMode.CURTAILMENT_MODE_FULL_FLEET)
                .setReason("validation")
                .build();
    }

    private record Case(String name, UnaryOperator<StartCurtailmentRequest.Builder> change, String field) {
    }

    private static final int ABOVE_INT32 = (int) 3_000_000_000L;

    private static final List<Case> INVALID = List.of(
            new Case("no scope", b -> b.clearScope(), "scope"),
            new Case("whole_org false", b -> b.setScope(Scope.newBuilder().setWholeOrg(false)), "scope.whole_org"),
            new Case("empty site list", b -> b.setScope(Scope.newBuilder().setSiteIds(IdList.getDefaultInstance())), "scope.site_ids.ids"),
            new Case("bad uuid", b -> b.setScope(Scope.newBuilder().setRackIds(IdList.newBuilder().addIds("nope"))), "scope.rack_ids.ids[0]"),
            new Case("257 building ids", b -> b.setScope(Scope.newBuilder().setBuildingIds(IdList.newBuilder()
                    .addAllIds(IntStream.range(0, 257).mapToObj(i -> UUID.randomUUID().toString()).toList()))), "scope.building_ids.ids"),
            new Case("10 001 identifiers", b -> b.setScope(Scope.newBuilder().setDeviceIdentifiers(DeviceIdentifierList.newBuilder()
                    .addAllIdentifiers(IntStream.range(0, 10_001).mapToObj(i -> "d" + i).toList()))), "scope.device_identifiers.identifiers"),
            new Case("no mode", b -> b.setMode(CurtailmentMode.CURTAILMENT_MODE_UNSPECIFIED), "mode"),
            new Case("fixed kw without params", b -> b.setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW), "fixed_kw"),
            new Case("full fleet with params", b -> b.setFixedKw(FixedKwParams.newBuilder().setTargetKw(1)), "fixed_kw"),
            new Case("target 0", b -> b.setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                    .setFixedKw(FixedKwParams.newBuilder().setTargetKw(0)), "fixed_kw.target_kw"),
            new Case("target NaN", b -> b.setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                    .setFixedKw(FixedKwParams.newBuilder().setTargetKw(Double.NaN)), "fixed_kw.target_kw"),
            new Case("target infinite", b -> b.setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                    .setFixedKw(FixedKwParams.newBuilder().setTargetKw(Double.POSITIVE_INFINITY)), "fixed_kw.target_kw"),
            new Case("negative tolerance", b -> b.setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                    .setFixedKw(FixedKwParams.newBuilder().setTargetKw(5).setToleranceKw(-1)), "fixed_kw.tolerance_kw"),
            new Case("tolerance = target", b -> b.setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                    .setFixedKw(FixedKwParams.newBuilder().setTargetKw(5).setToleranceKw(5)), "fixed_kw.tolerance_kw"),
            new Case("efficiency level", b -> b.setLevel(CurtailmentLevel.CURTAILMENT_LEVEL_EFFICIENCY), "level"),
            new Case("empty reason", b -> b.setReason(""), "reason"),
            new Case("whitespace reason", b -> b.setReason("   \t "), "reason"),
            new Case("257-character reason", b -> b.setReason("r".repeat(257)), "reason"),
            new Case("max duration above ceiling", b -> b.setMaxDurationSeconds(604_801), "max_duration_seconds"),
            new Case("max duration above int32", b -> b.setMaxDurationSeconds(ABOVE_INT32), "max_duration_seconds"),
            new Case("unbounded with max duration", b -> b.setAllowUnbounded(true).setMaxDurationSeconds(60), "max_duration_seconds"),
            new Case("min curtailed above int32", b -> b.setMinCurtailedDurationSec(ABOVE_INT32), "min_curtailed_duration_sec"),
            new Case("restore batch 10 001", b -> b.setRestoreBatchSize(10_001), "restore_batch_size"),
            new Case("restore interval 3 601", b -> b.setRestoreBatchIntervalSec(3_601), "restore_batch_interval_sec"),
            new Case("curtail batch 10 001", b -> b.setCurtailBatchSize(10_001), "curtail_batch_size"),
            new Case("curtail interval 3 601", b -> b.setCurtailBatchSize(5).setCurtailBatchIntervalSec(3_601), "curtail_batch_interval_sec"),
            new Case("curtail interval without size", b -> b.setCurtailBatchIntervalSec(10), "curtail_batch_interval_sec"),
            new Case("cooldown 86 401", b -> b.setPostEventCooldownSec(86_401), "post_event_cooldown_sec"),
            new Case("min power 10 000 001", b -> b.setCandidateMinPowerWOverride(10_000_001), "candidate_min_power_w_override"),
            new Case("257-character key", b -> b.setIdempotencyKey("k".repeat(257)), "idempotency_key"),
            new Case("source without reference", b -> b.setExternalSource("ercot"), "external_reference"),
            new Case("reference without source", b -> b.setExternalReference("vdi-1"), "external_source"),
            new Case("257-character reference", b -> b.setExternalSource("ercot").setExternalReference("x".repeat(257)), "external_reference"),
            new Case("page size above int32", b -> b.setTargetPageSize(ABOVE_INT32), "target_page_size"));

    @Test
    void everyInvalidFieldIsNamedAndNothingIsWritten() {
        long events = fleet.events();
        for (Case c : INVALID) {
            var e = Errors.failure(() -> fleet.adminKey().startCurtailment(c.change().apply(valid().toBuilder()).build()));
            assertThat(e.getStatus().getCode()).as(c.name()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Errors.fields(e)).as(c.name()).contains(c.field());
        }
        assertThat(fleet.events()).isEqualTo(events);
    }

    private static final List<Case> ADMIN_ONLY = List.of(
            new Case("include maintenance", b -> b.setIncludeMaintenance(true), "include_maintenance"),
            new Case("min power override", b -> b.setCandidateMinPowerWOverride(1000), "candidate_min_power_w_override"),
            new Case("unbounded", b -> b.setAllowUnbounded(true), "allow_unbounded"),
            new Case("restore interval > 300", b -> b.setRestoreBatchIntervalSec(301), "restore_batch_interval_sec"),
            new Case("curtail interval > 300", b -> b.setCurtailBatchSize(1).setCurtailBatchIntervalSec(301), "curtail_batch_interval_sec"),
            new Case("max duration above org default", b -> b.setMaxDurationSeconds(14_401), "max_duration_seconds"));

    @Test
    void nonAdminUseOfEachAdminOnlyFieldIsPermissionDenied() {
        long events = fleet.events();
        for (Case c : ADMIN_ONLY) {
            var e = Errors.failure(() -> fleet.operator().startCurtailment(c.change().apply(valid().toBuilder()).build()));
            assertThat(e.getStatus().getCode()).as(c.name()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).as(c.name()).contains(c.field());
            assertThat(Errors.info(e).orElseThrow().getMetadataMap()).as(c.name()).containsEntry("field", c.field());
        }
        assertThat(fleet.events()).isEqualTo(events);
    }

    @Test
    void viewerCannotStartOrPreview() {
        long events = fleet.events();
        var start = Errors.failure(() -> fleet.viewer().startCurtailment(valid()));
        assertThat(start.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        var preview = Errors.failure(() -> fleet.viewer().previewCurtailmentPlan(PreviewCurtailmentPlanRequest.newBuilder()
                .setScope(valid().getScope()).setMode(valid().getMode()).build()));
        assertThat(preview.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(fleet.events()).isEqualTo(events);
    }

    @Test
    void unknownAndForeignScopeIdsAreNotFoundListingThem() {
        String unknownSite = UUID.randomUUID().toString();
        var e = Errors.failure(() -> fleet.operator().startCurtailment(valid().toBuilder()
                .setScope(Scope.newBuilder().setSiteIds(IdList.newBuilder().addIds(unknownSite))).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains(unknownSite);

        TestFleet other = new TestFleet("start-validation-other");
        other.addMiners("foreign", 1, 3400, 25);
        var f = Errors.failure(() -> fleet.operator().startCurtailment(valid().toBuilder()
                .setScope(Scope.newBuilder().setDeviceIdentifiers(DeviceIdentifierList.newBuilder()
                        .addIdentifiers("v-00000").addIdentifiers("foreign-00000"))).build()));
        assertThat(f.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(f.getStatus().getDescription()).contains("foreign-00000").doesNotContain("v-00000");
    }
}
