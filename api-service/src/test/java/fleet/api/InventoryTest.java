package fleet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.BadRequest;
import fleet.curtailment.v1.CreateBuildingRequest;
import fleet.curtailment.v1.CreateGroupRequest;
import fleet.curtailment.v1.CreateRackRequest;
import fleet.curtailment.v1.CreateSiteRequest;
import fleet.curtailment.v1.Device;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.DeviceStatus;
import fleet.curtailment.v1.GetDeviceRequest;
import fleet.curtailment.v1.GetDeviceTelemetryRequest;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.ListDevicesRequest;
import fleet.curtailment.v1.ListDevicesResponse;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.SetMaintenanceRequest;
import fleet.testsupport.PostgresTestResource;
import fleet.testsupport.TestDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** InventoryService end to end over real gRPC and PostgreSQL. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class InventoryTest {

    private static InventoryServiceGrpc.InventoryServiceBlockingStub inventory(String token) {
        return InventoryServiceGrpc.newBlockingStub(GrpcClients.channel())
                .withDeadlineAfter(Duration.ofSeconds(30))
                .withCallCredentials(GrpcClients.bearer(token));
    }

    private static RegisterDevicesRequest fleet(int n, String prefix) {
        RegisterDevicesRequest.Builder b = RegisterDevicesRequest.newBuilder();
        for (int i = 0; i < n; i++) {
            b.addDevices(DeviceRegistration.newBuilder()
                    .setIdentifier(prefix + "-" + i)
                    .setHost("127.1." + (i / 250) + "." + (1 + i % 250))
                    .setPort(4028)
                    .setDriver("luxos")
                    .setModel("S21"));
        }
        return b.build();
    }

    private static long deviceRows(UUID org) throws Exception {
        try (Connection c = TestDatabase.get().connect();
                var ps = c.prepareStatement("SELECT count(*) FROM device WHERE org_id = ?")) {
            ps.setObject(1, org);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<BadRequest.FieldViolation> violations(StatusRuntimeException e) throws Exception {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        for (var any : status.getDetailsList()) {
            if (any.is(BadRequest.class)) {
                return any.unpack(BadRequest.class).getFieldViolationsList();
            }
        }
        return List.of();
    }

    @Test
    void bulkRegisterIsIdempotent() throws Exception {
        var org = GrpcClients.newOrg("inv-idem");
        var first = inventory(org.operatorKey()).registerDevices(fleet(1000, "m"));
        assertThat(first.getCreatedCount()).isEqualTo(1000);
        var second = inventory(org.operatorKey()).registerDevices(fleet(1000, "m"));
        assertThat(second.getCreatedCount()).isZero();
        assertThat(second.getUpdatedCount()).isEqualTo(1000);
        assertThat(second.getDevices(17).getDeviceId()).isEqualTo(first.getDevices(17).getDeviceId());
        assertThat(deviceRows(org.orgId())).isEqualTo(1000);
    }

    @Test
    void badEntriesAreNamedWithTheirIndexAndNothingIsWritten() throws Exception {
        var org = GrpcClients.newOrg("inv-bad");
        RegisterDevicesRequest request = fleet(5, "ok").toBuilder()
                .setDevices(1, DeviceRegistration.newBuilder().setIdentifier("").setHost("127.0.0.1").setPort(4028).setDriver("luxos"))
                .setDevices(3, DeviceRegistration.newBuilder().setIdentifier("zero-port").setHost("127.0.0.1").setPort(0).setDriver("luxos"))
                .build();
        StatusRuntimeException e = catchStatus(() -> inventory(org.operatorKey()).registerDevices(request));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violations(e)).extracting(BadRequest.FieldViolation::getField)
                .containsExactly("devices[1].identifier", "devices[3].port");
        assertThat(deviceRows(org.orgId())).isZero();
    }

    @Test
    void unknownSiteIsInvalidArgumentNamingTheEntryAndNothingIsWritten() throws Exception {
        var org = GrpcClients.newOrg("inv-site");
        String unknown = UUID.randomUUID().toString();
        RegisterDevicesRequest request = fleet(3, "s").toBuilder()
                .setDevices(2, DeviceRegistration.newBuilder().setIdentifier("s-2").setHost("127.0.0.1").setPort(4028)
                        .setDriver("luxos").setSiteId(unknown))
                .build();
        StatusRuntimeException e = catchStatus(() -> inventory(org.operatorKey()).registerDevices(request));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violations(e)).extracting(BadRequest.FieldViolation::getField).containsExactly("devices[2].site_id");
        assertThat(deviceRows(org.orgId())).isZero();
    }

    @Test
    void anotherOrganizationsSiteIsUnknown() throws Exception {
        var a = GrpcClients.newOrg("inv-site-a");
        var b = GrpcClients.newOrg("inv-site-b");
        String bSite = inventory(b.adminKey()).createSite(CreateSiteRequest.newBuilder().setName("b-site").build()).getSiteId();
        RegisterDevicesRequest request = RegisterDevicesRequest.newBuilder()
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("x").setHost("127.0.0.1").setPort(4028)
                        .setDriver("luxos").setSiteId(bSite))
                .build();
        StatusRuntimeException e = catchStatus(() -> inventory(a.operatorKey()).registerDevices(request));
        assertThat(violations(e)).extracting(BadRequest.FieldViolation::getField).containsExactly("devices[0].site_id");
        assertThat(deviceRows(a.orgId())).isZero();
    }

    @Test
    void unknownDriverAndDuplicateIdentifierAreRefused() {
        var org = GrpcClients.newOrg("inv-driver");
        RegisterDevicesRequest request = RegisterDevicesRequest.newBuilder()
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("a").setHost("127.0.0.1").setPort(4028).setDriver("teapot"))
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("b").setHost("127.0.0.1").setPort(4028).setDriver("luxos"))
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("b").setHost("127.0.0.1").setPort(4028).setDriver("luxos"))
                .build();
        StatusRuntimeException e = catchStatus(() -> inventory(org.operatorKey()).registerDevices(request));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("devices[0].driver").contains("devices[2].identifier");
    }

    @Test
    void topologyIsInferredFromTheRackAndListsFilterAndPage() {
        var org = GrpcClients.newOrg("inv-topo");
        var admin = inventory(org.adminKey());
        String site = admin.createSite(CreateSiteRequest.newBuilder().setName("west").build()).getSiteId();
        String building = admin.createBuilding(CreateBuildingRequest.newBuilder().setSiteId(site).setName("B1").build()).getBuildingId();
        String rack = admin.createRack(CreateRackRequest.newBuilder().setBuildingId(building).setName("R1").build()).getRackId();
        String group = admin.createGroup(CreateGroupRequest.newBuilder().setName("s21s").build()).getGroupId();
        RegisterDevicesRequest.Builder b = RegisterDevicesRequest.newBuilder();
        for (int i = 0; i < 120; i++) {
            DeviceRegistration.Builder d = DeviceRegistration.newBuilder().setIdentifier(String.format("r-%03d", i))
                    .setHost("127.0.0.1").setPort(4028).setDriver(i % 2 == 0 ? "luxos" : "cgminer");
            if (i < 30) {
                d.setRackId(rack).addGroupIds(group);
            }
            b.addDevices(d);
        }
        admin.registerDevices(b.build());

        Device placed = admin.getDevice(GetDeviceRequest.newBuilder().setIdentifier("r-000").build());
        assertThat(placed.getSiteId()).isEqualTo(site);
        assertThat(placed.getBuildingId()).isEqualTo(building);
        assertThat(placed.getGroupIdsList()).containsExactly(group);
        assertThat(placed.getCapabilities().getCurtailFull()).isTrue();
        Device telemetryOnly = admin.getDevice(GetDeviceRequest.newBuilder().setIdentifier("r-001").build());
        assertThat(telemetryOnly.getCapabilities().getCurtailFull()).isFalse();

        assertThat(listAll(admin, ListDevicesRequest.newBuilder().setSiteId(site).build())).hasSize(30);
        assertThat(listAll(admin, ListDevicesRequest.newBuilder().setGroupId(group).build())).hasSize(30);
        List<Device> all = listAll(admin, ListDevicesRequest.newBuilder().setPageSize(50).build());
        assertThat(all).hasSize(120);
        Set<String> unique = new HashSet<>();
        all.forEach(d -> unique.add(d.getIdentifier()));
        assertThat(unique).hasSize(120);

        ListDevicesResponse firstPage = admin.listDevices(ListDevicesRequest.newBuilder().setPageSize(50).build());
        StatusRuntimeException reuse = catchStatus(() -> admin.listDevices(ListDevicesRequest.newBuilder()
                .setPageSize(50).setSiteId(site).setPageToken(firstPage.getNextPageToken()).build()));
        assertThat(reuse.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private static List<Device> listAll(InventoryServiceGrpc.InventoryServiceBlockingStub stub, ListDevicesRequest request) {
        List<Device> out = new ArrayList<>();
        String token = "";
        List<Integer> sizes = new ArrayList<>();
        do {
            ListDevicesResponse page = stub.listDevices(request.toBuilder().setPageToken(token).build());
            out.addAll(page.getDevicesList());
            sizes.add(page.getDevicesCount());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return out;
    }

    @Test
    void maintenanceFlagAndUnknownIdentifiers() {
        var org = GrpcClients.newOrg("inv-maint");
        var ops = inventory(org.operatorKey());
        ops.registerDevices(fleet(3, "mt"));
        var changed = ops.setMaintenance(SetMaintenanceRequest.newBuilder().setMaintenance(true)
                .setDevices(DeviceIdentifierList.newBuilder().addIdentifiers("mt-0").addIdentifiers("mt-1")).build());
        assertThat(changed.getChangedCount()).isEqualTo(2);
        assertThat(listAll(ops, ListDevicesRequest.newBuilder().setMaintenance(true).build())).hasSize(2);
        StatusRuntimeException e = catchStatus(() -> ops.setMaintenance(SetMaintenanceRequest.newBuilder().setMaintenance(false)
                .setDevices(DeviceIdentifierList.newBuilder().addIdentifiers("mt-0").addIdentifiers("nope")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("nope");
        assertThat(listAll(ops, ListDevicesRequest.newBuilder().setMaintenance(true).build())).hasSize(2);
    }

    @Test
    void latestTelemetryIsReadable() throws Exception {
        var org = GrpcClients.newOrg("inv-telemetry");
        var ops = inventory(org.operatorKey());
        var reg = ops.registerDevices(fleet(2, "tl"));
        try (Connection c = TestDatabase.get().connect();
                var ps = c.prepareStatement("INSERT INTO device_telemetry_latest (device_id, org_id, sampled_at, status, power_w,"
                        + " power_source, hashrate_ths, efficiency_j_per_th) VALUES (?, ?, now(), 'MINING', 3400, 'MEASURED_PSU', 200, 17)")) {
            ps.setObject(1, UUID.fromString(reg.getDevices(0).getDeviceId()));
            ps.setObject(2, org.orgId());
            ps.executeUpdate();
        }
        var telemetry = ops.getDeviceTelemetry(GetDeviceTelemetryRequest.newBuilder()
                .setDevices(DeviceIdentifierList.newBuilder().addIdentifiers("tl-0").addIdentifiers("tl-1")).build());
        assertThat(telemetry.getTelemetryCount()).isEqualTo(1);
        assertThat(telemetry.getTelemetry(0).getPowerW()).isEqualTo(3400.0);
        assertThat(telemetry.getTelemetry(0).getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_MINING);
        assertThat(listAll(ops, ListDevicesRequest.newBuilder().setStatus(DeviceStatus.DEVICE_STATUS_MINING).build()))
                .extracting(Device::getIdentifier).containsExactly("tl-0");
    }

    static StatusRuntimeException catchStatus(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("expected the call to fail");
    }

    @Test
    void catchStatusFailsWhenTheCallSucceeds() {
        assertThatThrownBy(() -> catchStatus(() -> { })).isInstanceOf(AssertionError.class);
    }
}
