package fleet.bench;

import fleet.persistence.Bootstrap;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The bench's own database ({@code fleet_bench} by default): created empty before the api-service starts (which
 * applies the migrations), dropped at the end. Everything outside the timed gRPC calls goes through JDBC here: orgs and
 * keys ({@link Bootstrap}), telemetry, releasing devices between repetitions, and the bare COPY floor.
 */
final class BenchDatabase {

    /** The scratch table of the COPY floor: curtailment_target's columns, defaults, CHECKs and indexes, no FKs. */
    static final String COPY_TABLE = "bench_target_copy";

    /** The columns a Start writes per target (StartCurtailment's unnest insert), in this order. */
    static final String TARGET_COLUMNS = "event_id, org_id, device_id, state, desired_state, rank, baseline_power_w,"
            + " baseline_hashrate_ths, pre_curtail_snapshot";

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String name;

    BenchDatabase(String host, int port, String user, String password, String name) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.name = name;
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must be a plain lower-case identifier: " + name);
        }
    }

    String name() {
        return name;
    }

    Connection connect() throws SQLException {
        return connect(name);
    }

    private Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null && !password.isEmpty()) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, p);
    }

    /**
     * Drops and creates the database; {@code settings} ({@code name=value}) become its defaults ({@code ALTER DATABASE
     * … SET}), e.g. {@code log_min_duration_statement=0} to see the api-service's statements in the server log.
     */
    void recreate(List<String> settings) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
            for (String setting : settings) {
                int eq = setting.indexOf('=');
                String key = eq < 0 ? "" : setting.substring(0, eq).trim();
                if (!key.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?")) {
                    throw new IllegalArgumentException("a database setting is name=value: " + setting);
                }
                String value = setting.substring(eq + 1).trim().replace("'", "''");
                s.execute("ALTER DATABASE " + name + " SET " + key + " = '" + value + "'");
            }
        }
    }

    void drop() throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** After the migrations: the COPY floor's scratch table. */
    static void createCopyTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + COPY_TABLE + " (LIKE curtailment_target INCLUDING ALL)");
        }
    }

    /**
     * A fresh organization for one fleet size, with a telemetry freshness window of an hour so a long run never turns
     * its samples stale mid-measurement.
     */
    static Bootstrap.Result createOrg(Connection c, int size) throws SQLException {
        Bootstrap.Result org = Bootstrap.createOrganization(c, "bench-" + size + "-" + UUID.randomUUID(),
                "bench@example.com");
        try (var ps = c.prepareStatement("UPDATE curtailment_org_config SET telemetry_freshness_sec = 3600 WHERE org_id = ?")) {
            ps.setObject(1, org.orgId());
            ps.executeUpdate();
        }
        return org;
    }

    /**
     * One bulk {@code INSERT … SELECT generate_series}: a fresh MINING sample for each of the org's devices
     * {@code <prefix>000000 … }, power 3 250–3 600 W, efficiency 18–38 J/TH spread pseudo-randomly so the ranking
     * order is not the identifier order.
     */
    static int writeTelemetry(Connection c, UUID org, String identifierPrefix, int n) throws SQLException {
        String sql = """
                INSERT INTO device_telemetry_latest (device_id, org_id, sampled_at, status, power_w, power_source,
                                                     hashrate_ths, efficiency_j_per_th, last_success_at)
                SELECT d.id, d.org_id, now(), 'MINING', s.power_w, 'MEASURED_PSU', s.power_w / s.eff, s.eff, now()
                FROM (SELECT g, 3250 + ((g::bigint * 7919) % 351)::float8 AS power_w,
                             18 + ((g::bigint * 104729) % 2001)::float8 / 100 AS eff
                      FROM generate_series(0, ?::int - 1) AS g) s
                JOIN device d ON d.org_id = ? AND d.identifier = ? || lpad(s.g::text, 6, '0')
                ON CONFLICT (device_id) DO UPDATE SET sampled_at = EXCLUDED.sampled_at, status = EXCLUDED.status,
                    power_w = EXCLUDED.power_w, power_source = EXCLUDED.power_source,
                    hashrate_ths = EXCLUDED.hashrate_ths, efficiency_j_per_th = EXCLUDED.efficiency_j_per_th
                """;
        try (var ps = c.prepareStatement(sql)) {
            ps.setInt(1, n);
            ps.setObject(2, org);
            ps.setString(3, identifierPrefix);
            return ps.executeUpdate();
        }
    }

    /** Fresh planner statistics and no dead tuples, so every repetition starts from the same physical state. */
    static void vacuumAnalyze(Connection c, String... tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("VACUUM (ANALYZE) " + String.join(", ", tables));
        }
    }

    /**
     * Releases a Start's devices so the next Start selects them again, as a finished restore would leave them:
     * targets RESOLVED with resolved_at, the event COMPLETED with ended_at (the state/ended_at CHECK).
     */
    static void releaseEvent(Connection c, UUID eventId) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (var targets = c.prepareStatement("UPDATE curtailment_target SET state = 5, resolved_at = now(),"
                + " updated_at = now() WHERE event_id = ? AND state NOT IN (5, 6, 7)");
                var event = c.prepareStatement("UPDATE curtailment_event SET state = 4, ended_at = now(), updated_at = now(),"
                        + " end_reason = 'bench: released' WHERE id = ? AND ended_at IS NULL")) {
            targets.setObject(1, eventId);
            targets.executeUpdate();
            event.setObject(1, eventId);
            event.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        vacuumAnalyze(c, "curtailment_target", "curtailment_event");
    }

    /** The rows a Start wrote, as COPY text lines without the event id (which each COPY repetition replaces). */
    static List<String> targetRowsWithoutEvent(Connection c, UUID eventId) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (var ps = c.prepareStatement("SELECT " + TARGET_COLUMNS + " FROM curtailment_target WHERE event_id = ?"
                + " ORDER BY rank")) {
            ps.setObject(1, eventId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder(160);
                    for (int col = 2; col <= 9; col++) {
                        String v = rs.getString(col);
                        sb.append('\t').append(v == null ? "\\N" : escapeCopyText(v));
                    }
                    rows.add(sb.toString());
                }
            }
        }
        return rows;
    }

    /** The COPY payload for one repetition: the Start's rows under a fresh event id. Built outside the timed section. */
    static byte[] copyPayload(UUID eventId, List<String> rowsWithoutEvent) {
        String id = eventId.toString();
        StringBuilder sb = new StringBuilder(rowsWithoutEvent.size() * 200);
        for (String row : rowsWithoutEvent) {
            sb.append(id).append(row).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The physical floor: one {@code COPY … FROM STDIN} of the payload, committed (autocommit). Returns rows copied. */
    static long copy(Connection c, byte[] payload) throws SQLException, IOException {
        return c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "COPY " + COPY_TABLE + " (" + TARGET_COLUMNS + ") FROM STDIN", new ByteArrayInputStream(payload));
    }

    /** Frees the copied rows the same way {@link #releaseEvent} frees a Start's targets (same table growth). */
    static void releaseCopy(Connection c, UUID eventId) throws SQLException {
        try (var ps = c.prepareStatement("UPDATE " + COPY_TABLE + " SET state = 5, resolved_at = now(), updated_at = now()"
                + " WHERE event_id = ?")) {
            ps.setObject(1, eventId);
            ps.executeUpdate();
        }
        vacuumAnalyze(c, COPY_TABLE);
    }

    private static String escapeCopyText(String v) {
        if (v.indexOf('\\') < 0 && v.indexOf('\t') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
