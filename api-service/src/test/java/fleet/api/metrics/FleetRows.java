package fleet.api.metrics;

import fleet.persistence.Bootstrap;
import fleet.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Inserts the rows the fleet gauges aggregate (organizations, events, targets, devices, samples, heartbeats)
 * straight into the test database, and deletes them again, so the gauges can be checked without a reconciler.
 */
final class FleetRows implements AutoCloseable {

    static final int PENDING = 1;
    static final int ACTIVE = 2;
    static final int RESTORING = 3;
    static final int COMPLETED = 4;

    static final int NORMAL = 1;
    static final int EMERGENCY = 2;

    private final Connection c;
    private final List<UUID> orgs = new ArrayList<>();
    private final List<String> members = new ArrayList<>();
    private int devices;

    FleetRows() throws SQLException {
        c = TestDatabase.get().connect();
    }

    record Org(UUID id, UUID adminId) {
    }

    Org org(String prefix) throws SQLException {
        var boot = Bootstrap.createOrganization(c, prefix + "-" + UUID.randomUUID(), "admin@example.com");
        orgs.add(boot.orgId());
        return new Org(boot.orgId(), boot.userId());
    }

    void config(Org org, String column, int value) throws SQLException {
        try (var ps = c.prepareStatement("UPDATE curtailment_org_config SET " + column + " = ? WHERE org_id = ?")) {
            ps.setInt(1, value);
            ps.setObject(2, org.id());
            ps.executeUpdate();
        }
    }

    /** An event created {@code ageSeconds} ago (database time); {@code targetKw} null means FULL_FLEET. */
    UUID event(Org org, int state, Double targetKw, int ageSeconds, int priority, int curtailBatchSize,
            int curtailBatchIntervalSec, int targetCount) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason, scope,"
                + " target_kw, tolerance_kw, max_duration_sec, candidate_min_power_w, request_fingerprint,"
                + " source_actor_type, source_actor_id, created_by_user_id, created_at, curtail_batch_size,"
                + " curtail_batch_interval_sec, target_count, ended_at)"
                + " VALUES (?, ?, ?, 2, ?, 'gauge test', '{}'::jsonb, ?, ?, 3600, 1500, 'fp', 'user', 'u', ?,"
                + " now() - make_interval(secs => ?), ?, ?, ?, CASE WHEN ? >= 4 THEN now() END) RETURNING id")) {
            ps.setObject(1, org.id());
            ps.setInt(2, state);
            ps.setInt(3, targetKw == null ? 2 : 1);
            ps.setInt(4, priority);
            ps.setObject(5, targetKw);
            ps.setObject(6, targetKw == null ? null : 0.0);
            ps.setObject(7, org.adminId());
            ps.setInt(8, ageSeconds);
            ps.setInt(9, curtailBatchSize);
            ps.setInt(10, curtailBatchIntervalSec);
            ps.setInt(11, targetCount);
            ps.setInt(12, state);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    UUID event(Org org, int state, Double targetKw) throws SQLException {
        return event(org, state, targetKw, 0, NORMAL, 0, 0, 0);
    }

    UUID device(Org org) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO device (org_id, identifier, host, port, driver)"
                + " VALUES (?, ?, '127.0.0.1', 4028, 'luxos') RETURNING id")) {
            ps.setObject(1, org.id());
            ps.setString(2, "gauge-dev-" + (++devices));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    /** A target on a fresh device; {@code baselineW} null means a hash-only target. */
    void target(Org org, UUID event, int state, Double baselineW) throws SQLException {
        UUID device = device(org);
        try (var ps = c.prepareStatement("INSERT INTO curtailment_target (event_id, org_id, device_id, state, desired_state,"
                + " rank, baseline_power_w) VALUES (?, ?, ?, ?, 1, 1, ?)")) {
            ps.setObject(1, event);
            ps.setObject(2, org.id());
            ps.setObject(3, device);
            ps.setInt(4, state);
            ps.setObject(5, baselineW);
            ps.executeUpdate();
        }
    }

    /** The device's latest sample, taken {@code ageSeconds} ago (database time). */
    void sample(Org org, UUID device, int ageSeconds) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO device_telemetry_latest (device_id, org_id, sampled_at, status, power_w)"
                + " VALUES (?, ?, now() - make_interval(secs => ?), 'MINING', 3200)")) {
            ps.setObject(1, device);
            ps.setObject(2, org.id());
            ps.setInt(3, ageSeconds);
            ps.executeUpdate();
        }
    }

    /** A reconciler heartbeat {@code ageSeconds} old (database time); returns the replica id. */
    String member(int ageSeconds, int ownedEvents) throws SQLException {
        String id = "gauge-test-" + UUID.randomUUID();
        try (var ps = c.prepareStatement("INSERT INTO reconciler_member (id, last_seen, owned_events)"
                + " VALUES (?, now() - make_interval(secs => ?), ?)")) {
            ps.setString(1, id);
            ps.setInt(2, ageSeconds);
            ps.setInt(3, ownedEvents);
            ps.executeUpdate();
        }
        members.add(id);
        return id;
    }

    void ageMember(String id, int ageSeconds) throws SQLException {
        try (var ps = c.prepareStatement("UPDATE reconciler_member SET last_seen = now() - make_interval(secs => ?)"
                + " WHERE id = ?")) {
            ps.setInt(1, ageSeconds);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    /** Deletes everything inserted here, so no reconciler ever picks up these events. */
    @Override
    public void close() throws SQLException {
        try {
            try (var ps = c.prepareStatement("DELETE FROM reconciler_member WHERE id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", members.toArray()));
                ps.executeUpdate();
            }
            // events first: their targets reference the devices the organization's cascade deletes
            for (String table : new String[] {"curtailment_event", "organization"}) {
                try (var ps = c.prepareStatement("DELETE FROM " + table + " WHERE "
                        + (table.equals("organization") ? "id" : "org_id") + " = ANY (?)")) {
                    ps.setArray(1, c.createArrayOf("uuid", orgs.toArray()));
                    ps.executeUpdate();
                }
            }
        } finally {
            c.close();
        }
    }
}
