package fleet.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The database itself refuses what the API would refuse (SPEC §5 invariants). */
class SchemaConstraintsTest {

    private static TestDatabase db;
    private Connection c;
    private UUID orgId;
    private UUID userId;

    @BeforeAll
    static void migrate() {
        db = TestDatabase.get().migrate();
    }

    @BeforeEach
    void org() throws SQLException {
        c = db.connect();
        var boot = Bootstrap.createOrganization(c, "schema-" + UUID.randomUUID(), "admin@example.com");
        orgId = boot.orgId();
        userId = boot.userId();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    private static final String EVENT_INSERT = "INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason,"
            + " scope, max_duration_sec, candidate_min_power_w, request_fingerprint, source_actor_type, source_actor_id,"
            + " created_by_user_id, restore_batch_size, idempotency_key, ended_at)"
            + " VALUES (?, ?, 2, 2, 1, ?, '{}'::jsonb, 3600, 1500, 'fp', 'user', 'u', ?, ?, ?,"
            + " CASE WHEN ? BETWEEN 4 AND 7 THEN now() END) RETURNING id";

    private UUID insertEvent(int state, String reason, int restoreBatchSize, String idempotencyKey) throws SQLException {
        try (var ps = c.prepareStatement(EVENT_INSERT)) {
            ps.setObject(1, orgId);
            ps.setInt(2, state);
            ps.setString(3, reason);
            ps.setObject(4, userId);
            ps.setInt(5, restoreBatchSize);
            ps.setString(6, idempotencyKey);
            ps.setInt(7, state);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    private UUID insertDevice(String identifier) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO device (org_id, identifier, host, port, driver)"
                + " VALUES (?, ?, '127.0.0.1', 4028, 'luxos') RETURNING id")) {
            ps.setObject(1, orgId);
            ps.setString(2, identifier);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    private void insertTarget(UUID eventId, UUID deviceId, int state) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO curtailment_target (event_id, org_id, device_id, state, desired_state, rank)"
                + " VALUES (?, ?, ?, ?, 1, 1)")) {
            ps.setObject(1, eventId);
            ps.setObject(2, orgId);
            ps.setObject(3, deviceId);
            ps.setInt(4, state);
            ps.executeUpdate();
        }
    }

    private static String sqlState(Throwable t) {
        return ((SQLException) t).getSQLState();
    }

    @Test
    void refusesAnUnknownEventState() {
        assertThatThrownBy(() -> insertEvent(8, "grid event", 0, null))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23514"));
        assertThatThrownBy(() -> insertEvent(0, "grid event", 0, null))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23514"));
    }

    @Test
    void refusesAnUnknownTargetState() throws SQLException {
        UUID event = insertEvent(1, "grid event", 0, null);
        UUID device = insertDevice("d-unknown-state");
        assertThatThrownBy(() -> insertTarget(event, device, 11))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23514"));
    }

    @Test
    void refusesABlankReason() {
        assertThatThrownBy(() -> insertEvent(1, "   ", 0, null))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23514"));
        assertThatThrownBy(() -> insertEvent(1, "x".repeat(257), 0, null))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23514"));
    }

    @Test
    void refusesAnOutOfRangeBound() {
        assertThatThrownBy(() -> insertEvent(1, "grid event", 10_001, null))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23514"));
        assertThatThrownBy(() -> insertDevice("bad identifier with spaces"))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23514"));
    }

    @Test
    void refusesASecondLiveTargetForTheSameDevice() throws SQLException {
        UUID first = insertEvent(1, "first", 0, null);
        UUID second = insertEvent(1, "second", 0, null);
        UUID device = insertDevice("d-exclusive");
        insertTarget(first, device, 1);
        assertThatThrownBy(() -> insertTarget(second, device, 1))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23505"))
                .hasMessageContaining("curtailment_target_one_live_per_device");
    }

    @Test
    void aResolvedTargetFreesTheDevice() throws SQLException {
        UUID first = insertEvent(1, "first", 0, null);
        UUID second = insertEvent(1, "second", 0, null);
        UUID device = insertDevice("d-freed");
        insertTarget(first, device, 5);
        insertTarget(second, device, 1);
        try (var ps = c.prepareStatement("SELECT count(*) FROM curtailment_target WHERE device_id = ?")) {
            ps.setObject(1, device);
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void idempotencyKeyIsUniqueAmongLiveEventsOnly() throws SQLException {
        insertEvent(4, "done", 0, "key-1");
        insertEvent(1, "live", 0, "key-1");
        assertThatThrownBy(() -> insertEvent(2, "another live", 0, "key-1"))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23505"));
    }

    @Test
    void aTargetCannotPointAtAnotherOrganizationsDevice() throws SQLException {
        UUID event = insertEvent(1, "grid event", 0, null);
        var other = Bootstrap.createOrganization(c, "other-" + UUID.randomUUID(), "admin@example.com");
        UUID foreignDevice;
        try (var ps = c.prepareStatement("INSERT INTO device (org_id, identifier, host, port, driver)"
                + " VALUES (?, 'foreign', '127.0.0.1', 4028, 'luxos') RETURNING id")) {
            ps.setObject(1, other.orgId());
            try (var rs = ps.executeQuery()) {
                rs.next();
                foreignDevice = rs.getObject(1, UUID.class);
            }
        }
        assertThatThrownBy(() -> insertTarget(event, foreignDevice, 1))
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("23503"));
    }
}
