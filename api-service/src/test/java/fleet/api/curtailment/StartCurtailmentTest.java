package fleet.api.curtailment;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.api.Errors;
import fleet.api.TestFleet;
import fleet.api.TestTokens;
import fleet.curtailment.v1.ActorType;
import fleet.curtailment.v1.CreateBuildingRequest;
import fleet.curtailment.v1.CreateGroupRequest;
import fleet.curtailment.v1.CreateRackRequest;
import fleet.curtailment.v1.CreateSiteRequest;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentTarget;
import fleet.curtailment.v1.CurtailmentTargetState;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.FixedKwParams;
import fleet.curtailment.v1.GetCurtailmentEventRequest;
import fleet.curtailment.v1.IdList;
import fleet.curtailment.v1.ListActiveCurtailmentsRequest;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.Scope;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.curtailment.v1.StartCurtailmentResponse;
import fleet.testsupport.PostgresTestResource;
import fleet.testsupport.TestDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** StartCurtailment persistence, idempotency and exclusivity (SPEC §3), against real PostgreSQL over real gRPC. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class StartCurtailmentTest {

    private static StartCurtailmentRequest fullFleet(Scope scope) {
        return StartCurtailmentRequest.newBuilder().setScope(scope).setMode(CurtailmentMode.CURTAILMENT_MODE_FULL_FLEET)
                .setReason("grid event").build();
    }

    private static Scope identifiers(List<String> ids) {
        return Scope.newBuilder().setDeviceIdentifiers(DeviceIdentifierList.newBuilder().addAllIdentifiers(ids)).build();
    }

    @Test
    void startPersistsEventTargetsBaselinesAndAttribution() throws Exception {
        TestFleet fleet = new TestFleet("start-persist");
        fleet.addMiners("p", 10, 3400, 25);
        long activityBefore = fleet.activityRows();
        StartCurtailmentResponse r = fleet.operator().startCurtailment(StartCurtailmentRequest.newBuilder()
                .setScope(Scope.newBuilder().setWholeOrg(true)).setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                .setFixedKw(FixedKwParams.newBuilder().setTargetKw(10)).setReason("price spike")
                .setRestoreBatchSize(2).setIdempotencyKey("k-1").build());
        var event = r.getEvent();
        assertThat(r.getReplayed()).isFalse();
        assertThat(event.getState()).isEqualTo(CurtailmentEventState.CURTAILMENT_EVENT_STATE_PENDING);
        assertThat(event.getTargetCount()).isEqualTo(3);
        assertThat(event.getEstimatedReductionKw()).isEqualTo(10.2);
        assertThat(event.getMaxDurationSeconds()).isEqualTo(14_400);
        assertThat(event.getSourceActorType()).isEqualTo(ActorType.ACTOR_TYPE_API_KEY);
        assertThat(event.getIdempotencyKey()).isEqualTo("k-1");
        assertThat(event.getRollup().getTotal()).isEqualTo(3);
        assertThat(r.getTargetsList()).hasSize(3).allSatisfy(t -> {
            assertThat(t.getState()).isEqualTo(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_PENDING);
            assertThat(t.getBaselinePowerW()).isEqualTo(3400.0);
        });
        assertThat(fleet.activityRows()).isEqualTo(activityBefore + 1);
        try (Connection c = TestDatabase.get().connect();
                var ps = c.prepareStatement("SELECT u.role FROM curtailment_event e JOIN app_user u"
                        + " ON u.id = e.created_by_user_id AND u.org_id = e.org_id WHERE e.id = ?::uuid")) {
            ps.setString(1, event.getEventId());
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("OPERATOR");
            }
        }
        var got = fleet.curtailment(fleet.org.viewerKey()).getCurtailmentEvent(
                GetCurtailmentEventRequest.newBuilder().setEventId(event.getEventId()).build());
        assertThat(got.getEvent().getEventId()).isEqualTo(event.getEventId());
        assertThat(got.getEvent().getIdempotencyKey()).isEqualTo("k-1");
        var active = fleet.curtailment(fleet.org.viewerKey()).listActiveCurtailments(ListActiveCurtailmentsRequest.getDefaultInstance());
        assertThat(active.getEventsList()).hasSize(1);
        assertThat(active.getEvents(0).getIdempotencyKey()).isEmpty();
        assertThat(active.getEvents(0).getRollup().getTotal()).isEqualTo(3);
    }

    @Test
    void devicesInALiveEventAreSkippedAndSessionUsersAreAttributed() {
        TestFleet fleet = new TestFleet("start-skip");
        fleet.addMiners("s", 4, 3400, 25);
        var first = fleet.operator().startCurtailment(fullFleet(identifiers(List.of("s-00000", "s-00001"))));
        assertThat(first.getEvent().getTargetCount()).isEqualTo(2);
        String token = TestTokens.session(fleet.org.adminUserId(), fleet.org.orgId(), "ADMIN",
                java.time.Duration.ofMinutes(5));
        var second = fleet.curtailment(token).startCurtailment(fullFleet(Scope.newBuilder().setWholeOrg(true).build()));
        assertThat(second.getTargetsList()).extracting(CurtailmentTarget::getDeviceIdentifier)
                .containsExactlyInAnyOrder("s-00002", "s-00003");
        assertThat(second.getEvent().getSourceActorType()).isEqualTo(ActorType.ACTOR_TYPE_USER);
        assertThat(second.getEvent().getCreatedByUserId()).isEqualTo(fleet.org.adminUserId().toString());
        // nothing eligible left: stored COMPLETED at once
        var third = fleet.operator().startCurtailment(fullFleet(identifiers(List.of("s-00000"))));
        assertThat(third.getEvent().getState()).isEqualTo(CurtailmentEventState.CURTAILMENT_EVENT_STATE_COMPLETED);
        assertThat(third.getEvent().getTargetCount()).isZero();
    }

    @Test
    void everyScopeTypeStarts() {
        TestFleet fleet = new TestFleet("start-scopes");
        var inv = fleet.inventory();
        String site = inv.createSite(CreateSiteRequest.newBuilder().setName("s").build()).getSiteId();
        String building = inv.createBuilding(CreateBuildingRequest.newBuilder().setSiteId(site).setName("b").build()).getBuildingId();
        String rack = inv.createRack(CreateRackRequest.newBuilder().setBuildingId(building).setName("r").build()).getRackId();
        String group = inv.createGroup(CreateGroupRequest.newBuilder().setName("g").build()).getGroupId();
        fleet.addMiners("x", 5, 3400, 25);
        inv.registerDevices(RegisterDevicesRequest.newBuilder()
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("x-00000").setHost("127.0.0.1").setPort(4028).setDriver("luxos").setRackId(rack))
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("x-00001").setHost("127.0.0.1").setPort(4028).setDriver("luxos").setBuildingId(building))
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("x-00002").setHost("127.0.0.1").setPort(4028).setDriver("luxos").setSiteId(site))
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("x-00003").setHost("127.0.0.1").setPort(4028).setDriver("luxos").addGroupIds(group))
                .build());
        assertThat(ids(fleet.operator().startCurtailment(fullFleet(Scope.newBuilder().setRackIds(IdList.newBuilder().addIds(rack)).build()))))
                .containsExactly("x-00000");
        assertThat(ids(fleet.operator().startCurtailment(fullFleet(Scope.newBuilder().setBuildingIds(IdList.newBuilder().addIds(building)).build()))))
                .containsExactly("x-00001");
        assertThat(ids(fleet.operator().startCurtailment(fullFleet(Scope.newBuilder().setSiteIds(IdList.newBuilder().addIds(site)).build()))))
                .containsExactly("x-00002");
        assertThat(ids(fleet.operator().startCurtailment(fullFleet(Scope.newBuilder().setGroupIds(IdList.newBuilder().addIds(group)).build()))))
                .containsExactly("x-00003");
        assertThat(ids(fleet.operator().startCurtailment(fullFleet(Scope.newBuilder().setWholeOrg(true).build()))))
                .containsExactly("x-00004");
    }

    private static List<String> ids(StartCurtailmentResponse r) {
        return r.getTargetsList().stream().map(CurtailmentTarget::getDeviceIdentifier).toList();
    }

    @Test
    void idempotentReplayReuseAndReuseAfterTerminal() {
        TestFleet fleet = new TestFleet("start-idem");
        fleet.addMiners("i", 3, 3400, 25);
        var request = fullFleet(Scope.newBuilder().setWholeOrg(true).build()).toBuilder().setIdempotencyKey("abc").build();
        var first = fleet.operator().startCurtailment(request);
        var again = fleet.operator().startCurtailment(request);
        assertThat(again.getReplayed()).isTrue();
        assertThat(again.getEvent().getEventId()).isEqualTo(first.getEvent().getEventId());
        var reused = Errors.failure(() -> fleet.operator().startCurtailment(request.toBuilder().setReason("other").build()));
        assertThat(reused.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(Errors.info(reused).orElseThrow().getReason()).isEqualTo("IDEMPOTENCY_KEY_REUSED");

        var byRef = request.toBuilder().clearIdempotencyKey().setExternalSource("ercot").setExternalReference("vdi-7").build();
        fleet.update("UPDATE curtailment_target SET state = 5 WHERE org_id = ?", fleet.org.orgId());
        fleet.update("UPDATE curtailment_event SET state = 4, ended_at = now() WHERE org_id = ?", fleet.org.orgId());
        var fresh = fleet.operator().startCurtailment(request);
        assertThat(fresh.getReplayed()).isFalse();
        assertThat(fresh.getEvent().getEventId()).isNotEqualTo(first.getEvent().getEventId());
        fleet.update("UPDATE curtailment_target SET state = 5 WHERE org_id = ?", fleet.org.orgId());
        fleet.update("UPDATE curtailment_event SET state = 4, ended_at = now() WHERE org_id = ?", fleet.org.orgId());
        var refFirst = fleet.operator().startCurtailment(byRef);
        var refAgain = fleet.operator().startCurtailment(byRef.toBuilder().build());
        assertThat(refAgain.getReplayed()).isTrue();
        assertThat(refAgain.getEvent().getEventId()).isEqualTo(refFirst.getEvent().getEventId());
    }

    @Test
    void fiftyConcurrentStartsWithOneKeyProduceOneEvent() throws Exception {
        TestFleet fleet = new TestFleet("start-concurrent-key");
        fleet.addMiners("c", 50, 3400, 25);
        var request = fullFleet(Scope.newBuilder().setWholeOrg(true).build()).toBuilder().setIdempotencyKey("storm").build();
        List<Callable<StartCurtailmentResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(() -> fleet.operator().startCurtailment(request));
        }
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            Set<String> eventIds = new HashSet<>();
            int replays = 0;
            for (Future<StartCurtailmentResponse> f : pool.invokeAll(calls)) {
                StartCurtailmentResponse r = f.get();
                eventIds.add(r.getEvent().getEventId());
                replays += r.getReplayed() ? 1 : 0;
            }
            assertThat(eventIds).hasSize(1);
            assertThat(replays).isEqualTo(49);
            assertThat(fleet.events()).isEqualTo(1);
            assertThat(fleet.targets()).isEqualTo(50);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twentyConcurrentOverlappingStartsNeverShareADevice() throws Exception {
        TestFleet fleet = new TestFleet("start-concurrent-devices");
        fleet.addMiners("o", 100, 3400, 25);
        List<Callable<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int offset = i * 5;
            List<String> ids = new ArrayList<>();
            for (int d = 0; d < 40; d++) {
                ids.add(String.format("o-%05d", (offset + d) % 100));
            }
            calls.add(() -> {
                try {
                    return fleet.operator().startCurtailment(fullFleet(identifiers(ids)));
                } catch (StatusRuntimeException e) {
                    return e;
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            int started = 0;
            for (Future<Object> f : pool.invokeAll(calls)) {
                Object outcome = f.get();
                if (outcome instanceof StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                    assertThat(Errors.info(e).orElseThrow().getReason()).isEqualTo("DEVICE_IN_ACTIVE_EVENT");
                } else {
                    started++;
                }
            }
            assertThat(started).isPositive();
            assertThat(fleet.count("SELECT count(*) - count(DISTINCT device_id) FROM curtailment_target"
                    + " WHERE org_id = ? AND state NOT IN (5, 6, 7)", fleet.org.orgId())).isZero();
            assertThat(fleet.count("SELECT count(*) FROM curtailment_event e WHERE e.org_id = ? AND e.state = 1"
                    + " AND e.target_count <> (SELECT count(*) FROM curtailment_target t WHERE t.event_id = e.id)",
                    fleet.org.orgId())).isZero();
        } finally {
            pool.shutdownNow();
        }
    }
}
