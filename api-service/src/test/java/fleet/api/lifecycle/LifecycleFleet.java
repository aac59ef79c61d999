package fleet.api.lifecycle;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import fleet.api.GrpcClients;
import fleet.api.TestTokens;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentServiceGrpc;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.InventoryServiceGrpc;
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
import java.util.UUID;

/**
 * A test organization for the lifecycle RPCs: devices through the real API, telemetry and reconciler progress written
 * with SQL as the poller and the reconciler would, credentials of every kind, and the error details of a failed call.
 */
final class LifecycleFleet {

    final GrpcClients.TestOrg org;

    LifecycleFleet(String name) {
        this.org = GrpcClients.newOrg(name);
    }

    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub as(String token) {
        return CurtailmentServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(token));
    }

    CurtailmentServiceGrpc.CurtailmentServiceStub async(String token) {
        return CurtailmentServiceGrpc.newStub(GrpcClients.channel()).withCallCredentials(GrpcClients.bearer(token));
    }

    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub operator() {
        return as(org.operatorKey());
    }

    /** The admin's API key: an admin, but not a session. */
    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub adminKey() {
        return as(org.adminKey());
    }

    /** The admin user with a session (JWT): what the recovery RPCs require. */
    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub adminSession() {
        return as(TestTokens.session(org.adminUserId(), org.orgId(), "ADMIN", Duration.ofMinutes(5)));
    }

    /** A session whose claims carry OPERATOR (the viewer user's id, so the user exists). */
    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub operatorSession() {
        return as(TestTokens.session(org.viewerUserId(), org.orgId(), "OPERATOR", Duration.ofMinutes(5)));
    }

    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub viewer() {
        return as(org.viewerKey());
    }

    /** n healthy miners prefix-00000.. with a fresh MINING sample each (3 400 W, 25 J/TH). */
    List<UUID> addMiners(String prefix, int n) {
        RegisterDevicesRequest.Builder reg = RegisterDevicesRequest.newBuilder();
        for (int i = 0; i < n; i++) {
            reg.addDevices(DeviceRegistration.newBuilder().setIdentifier(String.format("%s-%05d", prefix, i))
                    .setHost("127.0.0.1").setPort(4028).setDriver("luxos"));
        }
        List<UUID> ids = new ArrayList<>();
        InventoryServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(org.adminKey()))
                .registerDevices(reg.build()).getDevicesList().forEach(d -> ids.add(UUID.fromString(d.getDeviceId())));
        for (UUID id : ids) {
            update("INSERT INTO device_telemetry_latest (device_id, org_id, sampled_at, status, power_w, power_source,"
                    + " hashrate_ths, efficiency_j_per_th) VALUES (?, ?, now() - interval '5 seconds', 'MINING', 3400,"
                    + " 'MEASURED_PSU', 136, 25)", id, org.orgId());
        }
        return ids;
    }

    /** A FULL_FLEET Start over the whole organization by the operator; returns the event id. */
    String start() {
        return start(StartCurtailmentRequest.newBuilder());
    }

    String start(StartCurtailmentRequest.Builder request) {
        return start(operator(), request);
    }

    String start(CurtailmentServiceGrpc.CurtailmentServiceBlockingStub as, StartCurtailmentRequest.Builder request) {
        if (!request.hasScope()) {
            request.setScope(Scope.newBuilder().setWholeOrg(true));
        }
        if (request.getMode() == CurtailmentMode.CURTAILMENT_MODE_UNSPECIFIED) {
            request.setMode(CurtailmentMode.CURTAILMENT_MODE_FULL_FLEET);
        }
        if (request.getReason().isEmpty()) {
            request.setReason("grid event");
        }
        return as.startCurtailment(request.build()).getEvent().getEventId();
    }

    /** A Start over these device identifiers. */
    StartCurtailmentRequest.Builder identifiers(String... identifiers) {
        return StartCurtailmentRequest.newBuilder().setScope(Scope.newBuilder().setDeviceIdentifiers(
                fleet.curtailment.v1.DeviceIdentifierList.newBuilder().addAllIdentifiers(List.of(identifiers))));
    }

    /**
     * What the reconciler would have written when every target confirmed, in one statement (a watcher never sees
     * half of it): targets CONFIRMED with a curtail-phase summary, the event ACTIVE since {@code activeForSec} seconds
     * ago (database time).
     */
    void makeActive(String eventId, int activeForSec) {
        update("WITH t AS (UPDATE curtailment_target SET state = 3, command_sent_at = now() - interval '40 seconds',"
                + " curtail_dispatched_at = now() - interval '40 seconds', curtail_completed_at = now() - interval '30 seconds',"
                + " curtail_retries = 1, retry_count = 1, last_error = 'slow to confirm', last_observed_at = now(),"
                + " last_power_w = 25, last_hashrate_ths = 0 WHERE event_id = ?::uuid)"
                + " UPDATE curtailment_event SET state = 2, first_dispatched_at = now() - interval '40 seconds',"
                + " started_at = now() - make_interval(secs => ?) WHERE id = ?::uuid", eventId, activeForSec, eventId);
    }

    /** Ends the event as the reconciler would (open targets RESOLVED, event COMPLETED), in one statement. */
    void complete(String eventId) {
        update("WITH t AS (UPDATE curtailment_target SET state = 5, resolved_at = now() WHERE event_id = ?::uuid"
                + " AND state NOT IN (5, 6, 7)) UPDATE curtailment_event SET state = 4, ended_at = now() WHERE id = ?::uuid",
                eventId, eventId);
    }

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

    Object scalar(String sql, Object... params) {
        return rows(sql, params).get(0).values().iterator().next();
    }

    /** Activity rows of this organization, of one type. */
    long activity(String type) {
        return ((Number) scalar("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = ?", org.orgId(), type))
                .longValue();
    }

    long activity() {
        return ((Number) scalar("SELECT count(*) FROM activity_log WHERE org_id = ?", org.orgId())).longValue();
    }

    /** The most recent activity row's metadata of this type, as JSON text. */
    String lastActivityMetadata(String type) {
        return scalar("SELECT metadata::text FROM activity_log WHERE org_id = ? AND type = ? ORDER BY id DESC LIMIT 1",
                org.orgId(), type).toString();
    }

    static StatusRuntimeException failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("expected the call to fail");
    }

    static ErrorInfo info(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            for (var any : status.getDetailsList()) {
                if (any.is(ErrorInfo.class)) {
                    try {
                        return any.unpack(ErrorInfo.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                        throw new AssertionError(ex);
                    }
                }
            }
        }
        throw new AssertionError("no ErrorInfo in " + e);
    }

    static List<String> fields(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            for (var any : status.getDetailsList()) {
                if (any.is(BadRequest.class)) {
                    try {
                        return any.unpack(BadRequest.class).getFieldViolationsList().stream()
                                .map(BadRequest.FieldViolation::getField).toList();
                    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                        throw new AssertionError(ex);
                    }
                }
            }
        }
        return List.of();
    }
}
