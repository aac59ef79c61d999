package fleet.domain.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.persistence.Bootstrap;
import fleet.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The V3 schedule tables refuse what the API refuses, and a window can be started only once. */
class ScheduleSchemaTest {

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
        var boot = Bootstrap.createOrganization(c, "schedule-schema-" + UUID.randomUUID(), "admin@example.com");
        orgId = boot.orgId();
        userId = boot.userId();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    /** Inserts a daily schedule (Chicago, set power target, revert start mining). */
    private UUID schedule(String name, String start, String end, int daysMask, int priority, int watts) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO schedule (org_id, name, selector, action_type, action_power_w,"
                + " revert_type, revert_power_w, time_zone, window_kind, start_time, end_time, days_mask, priority,"
                + " created_by_user_id, created_actor_type, created_actor_id) VALUES (?, ?,"
                + " '{\"kind\":\"device_identifiers\",\"identifiers\":[\"a\"]}', 'SET_POWER_TARGET', ?, 'START_MINING', NULL,"
                + " 'America/Chicago', 'DAILY', ?::time, ?::time, ?, ?, ?, 'user', 'u') RETURNING id")) {
            ps.setObject(1, orgId);
            ps.setString(2, name);
            ps.setInt(3, watts);
            ps.setString(4, start);
            ps.setString(5, end);
            ps.setInt(6, daysMask);
            ps.setInt(7, priority);
            ps.setObject(8, userId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    private void execute(String sql, Object... params) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
        }
    }

    @Test
    void boundsAreChecks() throws SQLException {
        schedule("ok", "14:00", "19:00", 31, 0, 2800);
        assertThatThrownBy(() -> schedule("same", "14:00", "14:00", 31, 0, 2800)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> schedule("no-days", "14:00", "19:00", 0, 0, 2800)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> schedule("bad-days", "14:00", "19:00", 128, 0, 2800)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> schedule("priority", "14:00", "19:00", 31, 1001, 2800)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> schedule("watts", "14:00", "19:00", 31, 0, 99)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> schedule("seconds", "14:00:30", "19:00", 31, 0, 2800)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> schedule(" ", "14:00", "19:00", 31, 0, 2800)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> schedule("ok", "15:00", "19:00", 31, 0, 2800)).isInstanceOf(SQLException.class); // name
    }

    @Test
    void aDeletedScheduleIsNeverEnabledAndFreesItsName() throws SQLException {
        UUID id = schedule("reused", "14:00", "19:00", 31, 0, 2800);
        assertThatThrownBy(() -> execute("UPDATE schedule SET deleted_at = now() WHERE id = ?", id))
                .isInstanceOf(SQLException.class);
        execute("UPDATE schedule SET deleted_at = now(), enabled = false WHERE id = ?", id);
        schedule("reused", "14:00", "19:00", 31, 0, 2800);
    }

    @Test
    void aWindowCanStartOnlyOnce() throws SQLException {
        UUID id = schedule("once", "14:00", "19:00", 127, 0, 2800);
        String insert = "INSERT INTO schedule_occurrence (org_id, schedule_id, schedule_version, window_start, window_end,"
                + " action_type, action_power_w, revert_type, start_state, start_batch_id, revert_state)"
                + " VALUES (?, ?, 1, '2026-06-03 19:00Z', '2026-06-04 00:00Z', 'SET_POWER_TARGET', 2800, 'START_MINING',"
                + " 'QUEUED', gen_random_uuid(), 'PENDING') ON CONFLICT (schedule_id, window_start) DO NOTHING";
        try (var ps = c.prepareStatement(insert)) {
            ps.setObject(1, orgId);
            ps.setObject(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            assertThat(ps.executeUpdate()).isZero();
        }
        // reverting is one guarded transition: the second attempt changes nothing
        String revert = "UPDATE schedule_occurrence SET revert_state = 'DONE', reverted_at = now()"
                + " WHERE schedule_id = ? AND revert_state = 'PENDING'";
        try (var ps = c.prepareStatement(revert)) {
            ps.setObject(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            assertThat(ps.executeUpdate()).isZero();
        }
        assertThatThrownBy(() -> execute("UPDATE schedule_occurrence SET reverted_at = NULL WHERE schedule_id = ?", id))
                .isInstanceOf(SQLException.class);
    }
}
