package fleet.api.commands;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import fleet.api.GrpcClients;
import fleet.api.TestTokens;
import fleet.curtailment.v1.ActivityServiceGrpc;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentServiceGrpc;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.DeviceSelector;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.MinerCommandServiceGrpc;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.Scope;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.testsupport.TestDatabase;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A test organization for the command and activity RPCs: devices through the real API (with a fresh MINING sample so
 * they can be curtailed), credentials of every kind, reconciler progress written with SQL as the reconciler would,
 * and the error details of a failed call.
 */
final class CommandFleet {

    final GrpcClients.TestOrg org;

    CommandFleet(String name) {
        this.org = GrpcClients.newOrg(name);
    }

    // ---- stubs ------------------------------------------------------------------------------------------------

    MinerCommandServiceGrpc.MinerCommandServiceBlockingStub commands(String token) {
        return MinerCommandServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(token));
    }

    MinerCommandServiceGrpc.MinerCommandServiceBlockingStub operatorCommands() {
        return commands(org.operatorKey());
    }

    ActivityServiceGrpc.ActivityServiceBlockingStub activity(String token) {
        return ActivityServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(token));
    }

    ActivityServiceGrpc.ActivityServiceBlockingStub viewerActivity() {
        return activity(org.viewerKey());
    }

    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub curtailment(String token) {
        return CurtailmentServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(token));
    }

    InventoryServiceGrpc.InventoryServiceBlockingStub inventory() {
        return InventoryServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(org.adminKey()));
    }

    /** The admin user's session (JWT). */
    String adminSession() {
        return TestTokens.session(org.adminUserId(), org.orgId(), "ADMIN", Duration.ofMinutes(5));
    }

    /** A session of the viewer user whose claims carry OPERATOR. */
    String operatorSession() {
        return TestTokens.session(org.viewerUserId(), org.orgId(), "OPERATOR", Duration.ofMinutes(5));
    }

    /** The key id of an API key token {@code fk_<key-id>_<secret>}: what activity rows name as the actor. */
    static String keyId(String token) {
        return token.split("_")[1];
    }

    // ---- fleet ------------------------------------------------------------------------------------------------

    /** n miners prefix-00000.. of one driver, each with a fresh MINING sample (3 400 W, 25 J/TH). */
    List<UUID> addMiners(String prefix, int n, String driver) {
        return addMiners(prefix, n, driver, null);
    }

    List<UUID> addMiners(String prefix, int n, String driver, String siteId) {
        RegisterDevicesRequest.Builder reg = RegisterDevicesRequest.newBuilder();
        for (int i = 0; i < n; i++) {
            DeviceRegistration.Builder d = DeviceRegistration.newBuilder().setIdentifier(identifier(prefix, i))
                    .setHost("127.0.0.1").setPort(4028).setDriver(driver);
            if (siteId != null) {
                d.setSiteId(siteId);
            }
            reg.addDevices(d);
        }
        List<UUID> ids = new ArrayList<>();
        inventory().registerDevices(reg.build()).getDevicesList().forEach(d -> ids.add(UUID.fromString(d.getDeviceId())));
        for (UUID id : ids) {
            update("INSERT INTO device_telemetry_latest (device_id, org_id, sampled_at, status, power_w, power_source,"
                    + " hashrate_ths, efficiency_j_per_th) VALUES (?, ?, now() - interval '5 seconds', 'MINING', 3400,"
                    + " 'MEASURED_PSU', 136, 25)", id, org.orgId());
        }
        return ids;
    }

    static String identifier(String prefix, int i) {
        return String.format("%s-%05d", prefix, i);
    }

    static DeviceSelector devices(String... identifiers) {
        return DeviceSelector.newBuilder().setDeviceIdentifiers(
                DeviceIdentifierList.newBuilder().addAllIdentifiers(List.of(identifiers))).build();
    }

    /** A FULL_FLEET curtailment over these identifiers, started with the given credentials; returns the event id. */
    String curtail(String token, String... identifiers) {
        return curtailment(token).startCurtailment(StartCurtailmentRequest.newBuilder()
                .setScope(Scope.newBuilder().setDeviceIdentifiers(
                        DeviceIdentifierList.newBuilder().addAllIdentifiers(List.of(identifiers))))
                .setMode(CurtailmentMode.CURTAILMENT_MODE_FULL_FLEET).setReason("grid event").build())
                .getEvent().getEventId();
    }

    /** Ends the event as the reconciler would (open targets RESOLVED, event COMPLETED), in one statement. */
    void complete(String eventId) {
        update("WITH t AS (UPDATE curtailment_target SET state = 5, resolved_at = now() WHERE event_id = ?::uuid"
                + " AND state NOT IN (5, 6, 7)) UPDATE curtailment_event SET state = 4, ended_at = now() WHERE id = ?::uuid",
                eventId, eventId);
    }

    // ---- SQL --------------------------------------------------------------------------------------------------

    int update(String sql, Object... params) {
        try (Connection c = TestDatabase.get().connect(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = TestDatabase.get().connect(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= columns; i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql, Object... params) {
        return ((Number) rows(sql, params).get(0).values().iterator().next()).longValue();
    }

    long commandRows() {
        return count("SELECT count(*) FROM operator_command WHERE org_id = ?", org.orgId());
    }

    long activityRows(String type) {
        return count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = ?", org.orgId(), type);
    }

    // ---- errors -----------------------------------------------------------------------------------------------

    static StatusRuntimeException failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("expected the call to fail");
    }

    static List<String> fields(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        List<String> out = new ArrayList<>();
        if (status != null) {
            for (var any : status.getDetailsList()) {
                if (any.is(BadRequest.class)) {
                    try {
                        any.unpack(BadRequest.class).getFieldViolationsList().forEach(v -> out.add(v.getField()));
                    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                        throw new AssertionError(ex);
                    }
                }
            }
        }
        return out;
    }

    static Optional<ErrorInfo> info(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            for (var any : status.getDetailsList()) {
                if (any.is(ErrorInfo.class)) {
                    try {
                        return Optional.of(any.unpack(ErrorInfo.class));
                    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                        throw new AssertionError(ex);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
