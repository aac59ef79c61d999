package fleet.api;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A test organization of its own, for every API test that needs devices or curtailments: credentials of each kind and
 * the service stubs they call with, devices registered through the real API with telemetry written as the poller
 * writes it, reconciler progress written with SQL as the reconciler would write it, and SQL reads scoped by the
 * caller. Error details of a failed call are read with {@link Errors}.
 */
public final class TestFleet {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    public final GrpcClients.TestOrg org;

    public TestFleet(String name) {
        this.org = GrpcClients.newOrg(name);
    }

    // ---- credentials and stubs --------------------------------------------------------------------------------

    /** The admin user's session (JWT): what the recovery RPCs require. */
    public String adminSessionToken() {
        return TestTokens.session(org.adminUserId(), org.orgId(), "ADMIN", Duration.ofMinutes(5));
    }

    /** A session whose claims carry OPERATOR (the viewer user's id, so the user exists). */
    public String operatorSessionToken() {
        return TestTokens.session(org.viewerUserId(), org.orgId(), "OPERATOR", Duration.ofMinutes(5));
    }

    /** The key id of an API key token {@code fk_<key-id>_<secret>}: what activity rows name as the actor. */
    public static String keyId(String token) {
        return token.split("_")[1];
    }

    public CurtailmentServiceGrpc.CurtailmentServiceBlockingStub curtailment(String token) {
        return CurtailmentServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(DEADLINE)
                .withCallCredentials(GrpcClients.bearer(token));
    }

    /** The streaming stub (WatchCurtailmentEvent); no deadline, the test ends the stream. */
    public CurtailmentServiceGrpc.CurtailmentServiceStub curtailmentAsync(String token) {
        return CurtailmentServiceGrpc.newStub(GrpcClients.channel()).withCallCredentials(GrpcClients.bearer(token));
    }

    /** CurtailmentService as the operator's API key. */
    public CurtailmentServiceGrpc.CurtailmentServiceBlockingStub operator() {
        return curtailment(org.operatorKey());
    }

    /** CurtailmentService as the admin's API key: an admin, but not a session. */
    public CurtailmentServiceGrpc.CurtailmentServiceBlockingStub adminKey() {
        return curtailment(org.adminKey());
    }

    /** CurtailmentService as the admin user's session. */
    public CurtailmentServiceGrpc.CurtailmentServiceBlockingStub adminSession() {
        return curtailment(adminSessionToken());
    }

    /** CurtailmentService as a session with OPERATOR claims. */
    public CurtailmentServiceGrpc.CurtailmentServiceBlockingStub operatorSession() {
        return curtailment(operatorSessionToken());
    }

    /** CurtailmentService as the viewer's API key. */
    public CurtailmentServiceGrpc.CurtailmentServiceBlockingStub viewer() {
        return curtailment(org.viewerKey());
    }

    /** InventoryService as the admin's API key. */
    public InventoryServiceGrpc.InventoryServiceBlockingStub inventory() {
        return InventoryServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(DEADLINE)
                .withCallCredentials(GrpcClients.bearer(org.adminKey()));
    }

    public MinerCommandServiceGrpc.MinerCommandServiceBlockingStub commands(String token) {
        return MinerCommandServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(DEADLINE)
                .withCallCredentials(GrpcClients.bearer(token));
    }

    /** MinerCommandService as the operator's API key. */
    public MinerCommandServiceGrpc.MinerCommandServiceBlockingStub operatorCommands() {
        return commands(org.operatorKey());
    }

    public ActivityServiceGrpc.ActivityServiceBlockingStub activity(String token) {
        return ActivityServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(DEADLINE)
                .withCallCredentials(GrpcClients.bearer(token));
    }

    /** ActivityService as the viewer's API key. */
    public ActivityServiceGrpc.ActivityServiceBlockingStub viewerActivity() {
        return activity(org.viewerKey());
    }

    // ---- devices ----------------------------------------------------------------------------------------------

    /** One device's latest sample; null fields are written as NULL, a null status writes no sample at all. */
    public record Sample(String identifier, String driver, String status, Double powerW, Double hashrateThs,
            Double efficiency, int ageSeconds) {

        /** A healthy LuxOS miner sampled 5 s ago. */
        public static Sample mining(String identifier, double powerW, double efficiency) {
            return new Sample(identifier, "luxos", "MINING", powerW, powerW / efficiency, efficiency, 5);
        }

        public Sample withStatus(String s) {
            return new Sample(identifier, driver, s, powerW, hashrateThs, efficiency, ageSeconds);
        }

        public Sample withDriver(String d) {
            return new Sample(identifier, d, status, powerW, hashrateThs, efficiency, ageSeconds);
        }

        public Sample withAge(int seconds) {
            return new Sample(identifier, driver, status, powerW, hashrateThs, efficiency, seconds);
        }

        public Sample withHashrate(Double ths) {
            return new Sample(identifier, driver, status, powerW, ths, efficiency, ageSeconds);
        }
    }

    /** Registers the devices (idempotent) and writes their samples; returns the device ids by input order. */
    public List<UUID> add(List<Sample> samples) {
        return add(samples, null);
    }

    /** The same, every device placed at {@code siteId} (null: unplaced). */
    public List<UUID> add(List<Sample> samples, String siteId) {
        List<DeviceRegistration> registrations = new ArrayList<>();
        for (Sample s : samples) {
            DeviceRegistration.Builder d = DeviceRegistration.newBuilder().setIdentifier(s.identifier())
                    .setHost("127.0.0.1").setPort(4028).setDriver(s.driver());
            if (siteId != null) {
                d.setSiteId(siteId);
            }
            registrations.add(d.build());
        }
        List<UUID> ids = new ArrayList<>();
        for (int from = 0; from < registrations.size(); from += 10_000) {
            var part = RegisterDevicesRequest.newBuilder()
                    .addAllDevices(registrations.subList(from, Math.min(registrations.size(), from + 10_000))).build();
            inventory().registerDevices(part).getDevicesList().forEach(d -> ids.add(UUID.fromString(d.getDeviceId())));
        }
        try (Connection c = TestDatabase.get().connect();
                var ps = c.prepareStatement("INSERT INTO device_telemetry_latest (device_id, org_id, sampled_at, status,"
                        + " power_w, power_source, hashrate_ths, efficiency_j_per_th)"
                        + " VALUES (?, ?, now() - make_interval(secs => ?), ?, ?, 'MEASURED_PSU', ?, ?)"
                        + " ON CONFLICT (device_id) DO UPDATE SET sampled_at = EXCLUDED.sampled_at, status = EXCLUDED.status,"
                        + " power_w = EXCLUDED.power_w, hashrate_ths = EXCLUDED.hashrate_ths,"
                        + " efficiency_j_per_th = EXCLUDED.efficiency_j_per_th")) {
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                if (s.status() == null) {
                    continue;
                }
                ps.setObject(1, ids.get(i));
                ps.setObject(2, org.orgId());
                ps.setInt(3, s.ageSeconds());
                ps.setString(4, s.status());
                ps.setObject(5, s.powerW());
                ps.setObject(6, s.hashrateThs());
                ps.setObject(7, s.efficiency());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** n healthy LuxOS miners prefix-00000.. with a fresh MINING sample each (3 400 W, 25 J/TH). */
    public List<UUID> addMiners(String prefix, int n) {
        return addMiners(prefix, n, 3400, 25);
    }

    /** n identical healthy LuxOS miners prefix-00000.. */
    public List<UUID> addMiners(String prefix, int n, double powerW, double efficiency) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(Sample.mining(identifier(prefix, i), powerW, efficiency));
        }
        return add(samples);
    }

    /** n healthy miners prefix-00000.. of one driver (3 400 W, 25 J/TH). */
    public List<UUID> addMiners(String prefix, int n, String driver) {
        return addMiners(prefix, n, driver, null);
    }

    /** The same, placed at {@code siteId}. */
    public List<UUID> addMiners(String prefix, int n, String driver, String siteId) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(Sample.mining(identifier(prefix, i), 3400, 25).withDriver(driver));
        }
        return add(samples, siteId);
    }

    /** The identifier {@link #addMiners} gives the i-th miner: prefix-00042. */
    public static String identifier(String prefix, int i) {
        return String.format("%s-%05d", prefix, i);
    }

    /** A command selector over these identifiers. */
    public static DeviceSelector devices(String... identifiers) {
        return DeviceSelector.newBuilder().setDeviceIdentifiers(
                DeviceIdentifierList.newBuilder().addAllIdentifiers(List.of(identifiers))).build();
    }

    // ---- curtailments -----------------------------------------------------------------------------------------

    /** A FULL_FLEET Start over the whole organization by the operator; returns the event id. */
    public String start() {
        return start(StartCurtailmentRequest.newBuilder());
    }

    /** A Start by the operator; scope (whole organization), mode (FULL_FLEET) and reason default when unset. */
    public String start(StartCurtailmentRequest.Builder request) {
        return start(operator(), request);
    }

    public String start(CurtailmentServiceGrpc.CurtailmentServiceBlockingStub as, StartCurtailmentRequest.Builder request) {
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

    /** A FULL_FLEET curtailment of these identifiers, started with the given credentials; returns the event id. */
    public String curtail(String token, String... identifiers) {
        return start(curtailment(token), identifiers(identifiers));
    }

    /** A Start request over these device identifiers. */
    public static StartCurtailmentRequest.Builder identifiers(String... identifiers) {
        return StartCurtailmentRequest.newBuilder().setScope(Scope.newBuilder().setDeviceIdentifiers(
                DeviceIdentifierList.newBuilder().addAllIdentifiers(List.of(identifiers))));
    }

    /**
     * What the reconciler would have written when every target confirmed, in one statement (a watcher never sees
     * half of it): targets CONFIRMED with a curtail-phase summary, the event ACTIVE since {@code activeForSec} seconds
     * ago (database time).
     */
    public void makeActive(String eventId, int activeForSec) {
        update("WITH t AS (UPDATE curtailment_target SET state = 3, command_sent_at = now() - interval '40 seconds',"
                + " curtail_dispatched_at = now() - interval '40 seconds', curtail_completed_at = now() - interval '30 seconds',"
                + " curtail_retries = 1, retry_count = 1, last_error = 'slow to confirm', last_observed_at = now(),"
                + " last_power_w = 25, last_hashrate_ths = 0 WHERE event_id = ?::uuid)"
                + " UPDATE curtailment_event SET state = 2, first_dispatched_at = now() - interval '40 seconds',"
                + " started_at = now() - make_interval(secs => ?) WHERE id = ?::uuid", eventId, activeForSec, eventId);
    }

    /** Ends the event as the reconciler would (open targets RESOLVED, event COMPLETED), in one statement. */
    public void complete(String eventId) {
        update("WITH t AS (UPDATE curtailment_target SET state = 5, resolved_at = now() WHERE event_id = ?::uuid"
                + " AND state NOT IN (5, 6, 7)) UPDATE curtailment_event SET state = 4, ended_at = now() WHERE id = ?::uuid",
                eventId, eventId);
    }

    /**
     * A CURTAIL / RESTORE command of the event as the reconciler records it ({@code curtailment_command_log}, the
     * event's creator copied from the event), sent {@code secondsAgo} seconds ago and answered 50 ms later.
     *
     * @param code the firmware's reply code, or null (no reply)
     */
    public void logCommand(String eventId, String identifier, String action, int attempt, String outcome,
            String refusal, Integer code, String detail, int secondsAgo) {
        int n = update("""
                INSERT INTO curtailment_command_log (org_id, event_id, device_id, action, attempt, outcome, refusal_reason,
                    reply_code, detail, source_actor_type, source_actor_id, created_by_user_id, replica, sent_at, finished_at)
                SELECT e.org_id, e.id, d.id, ?, ?, ?, ?, ?, ?, e.source_actor_type, e.source_actor_id,
                       e.created_by_user_id, 'reconciler-a', now() - make_interval(secs => ?),
                       now() - make_interval(secs => ?) + interval '50 milliseconds'
                FROM curtailment_event e JOIN device d ON d.org_id = e.org_id AND d.identifier = ?
                WHERE e.id = ?::uuid
                """, action, attempt, outcome, refusal, code, detail, secondsAgo, secondsAgo, identifier, eventId);
        if (n != 1) {
            throw new IllegalStateException("no such event or device: " + eventId + " / " + identifier);
        }
    }

    // ---- SQL --------------------------------------------------------------------------------------------------

    /** Runs a statement with positional parameters; returns the rows it changed. */
    public int update(String sql, Object... params) {
        try (Connection c = TestDatabase.get().connect(); var ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row of a query, columns by label in select order. */
    public List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = TestDatabase.get().connect(); var ps = c.prepareStatement(sql)) {
            bind(ps, params);
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

    /** The first column of the first row. */
    public Object scalar(String sql, Object... params) {
        return rows(sql, params).get(0).values().iterator().next();
    }

    /** A count (or any number) query. */
    public long count(String sql, Object... params) {
        return ((Number) scalar(sql, params)).longValue();
    }

    /** This organization's curtailment events. */
    public long events() {
        return count("SELECT count(*) FROM curtailment_event WHERE org_id = ?", org.orgId());
    }

    /** This organization's curtailment targets. */
    public long targets() {
        return count("SELECT count(*) FROM curtailment_target WHERE org_id = ?", org.orgId());
    }

    /** This organization's operator command rows. */
    public long commandRows() {
        return count("SELECT count(*) FROM operator_command WHERE org_id = ?", org.orgId());
    }

    /** This organization's activity rows. */
    public long activityRows() {
        return count("SELECT count(*) FROM activity_log WHERE org_id = ?", org.orgId());
    }

    /** This organization's activity rows of one type. */
    public long activityRows(String type) {
        return count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = ?", org.orgId(), type);
    }

    /** The most recent activity row's metadata of this type, as JSON text. */
    public String lastActivityMetadata(String type) {
        return scalar("SELECT metadata::text FROM activity_log WHERE org_id = ? AND type = ? ORDER BY id DESC LIMIT 1",
                org.orgId(), type).toString();
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}
