package fleet.reconciler.telemetry;

import fleet.persistence.Bootstrap;
import fleet.reconciler.ReconcilerHarness;
import fleet.testsupport.TestDatabase;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A database of the poller tests' own, on the server {@link TestDatabase} found. The poller polls every row of
 * {@code device} and fair-shares by {@code reconciler_member}, and advisory locks are per database: in the shared test
 * database it would poll other suites' devices (writing their telemetry) and count their replicas.
 *
 * <p>One database per JVM ({@code fleet_telemetry_test_<pid>}), so two builds running these tests at once do not
 * drop each other's. A JDBC connection stays open for the JVM's life: a stale database (a killed JVM's) is dropped
 * by the next run with a plain {@code DROP DATABASE}, which PostgreSQL refuses while anyone is connected, so a live
 * run's database is never dropped. Each test class starts from empty tables. Connections and devices are made as
 * {@link ReconcilerHarness} makes them; only the lifecycle differs (the harness migrates a database per test class,
 * which the poller tests, sharing one, are spared).
 */
final class PollerTestDb {

    private static final String PREFIX = "fleet_telemetry_test_";
    private static volatile PollerTestDb instance;

    private final TestDatabase db;
    /** Held open so that no other run's clean-up can drop this database. */
    private final Connection pin;

    private PollerTestDb(TestDatabase db) throws SQLException {
        this.db = db;
        this.pin = db.connect();
    }

    static synchronized PollerTestDb get() {
        if (instance == null) {
            TestDatabase server = TestDatabase.get();
            dropStale(server);
            try {
                PollerTestDb created = new PollerTestDb(server.fresh(PREFIX + ProcessHandle.current().pid()).migrate());
                instance = created;
                Runtime.getRuntime().addShutdownHook(new Thread(created::drop, "drop-" + created.db.database()));
            } catch (SQLException e) {
                throw new IllegalStateException("could not create the poller tests' database", e);
            }
        }
        return instance;
    }

    /** Drops the databases of runs that are gone; PostgreSQL refuses while a live run is connected to its own. */
    private static void dropStale(TestDatabase server) {
        String admin = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, server.user(), server.password());
             Statement st = c.createStatement()) {
            List<String> stale = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX + "%'")) {
                while (rs.next()) {
                    stale.add(rs.getString(1));
                }
            }
            for (String name : stale) {
                try {
                    st.execute("DROP DATABASE \"" + name + "\"");
                } catch (SQLException inUse) {
                    // another run is using it
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not list the poller tests' databases", e);
        }
    }

    private void drop() {
        try {
            pin.close();
            db.drop();
        } catch (SQLException | IllegalStateException e) {
            // best effort: the next run drops it
        }
    }

    Connection connect() throws SQLException {
        return db.connect();
    }

    PgConnectOptions connectOptions() {
        return ReconcilerHarness.connectOptions(db);
    }

    Pool pool(Vertx vertx, int size) {
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(size)).connectingTo(connectOptions())
                .using(vertx).build();
    }

    /** Empties every table the poller touches. */
    void clean() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE organization, reconciler_member CASCADE");
        }
    }

    UUID createOrg(String name) throws SQLException {
        try (Connection c = connect()) {
            return Bootstrap.createOrganization(c, name, "admin@" + name + ".test").orgId();
        }
    }

    /** One LuxOS device per host (miner-0, miner-1, …), in one batch; returns their ids in the same order. */
    List<UUID> insertDevices(UUID orgId, List<String> hosts, int port) throws SQLException {
        try (Connection c = connect()) {
            return ReconcilerHarness.insertDevices(c, orgId, "miner", hosts, port);
        }
    }

    Instant dbNow() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** Devices without a sample taken at or after {@code since}. */
    long devicesNotSampledSince(Instant since) throws SQLException {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM device d"
                     + " LEFT JOIN device_telemetry_latest t ON t.device_id = d.id"
                     + " WHERE t.sampled_at IS NULL OR t.sampled_at < ?")) {
            ps.setTimestamp(1, java.sql.Timestamp.from(since));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The latest sample of one device, or null. */
    Sample sample(UUID deviceId) throws SQLException {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("SELECT sampled_at, status, power_w, power_source, hashrate_ths,"
                     + " efficiency_j_per_th, firmware, model, last_error, consecutive_failures, last_success_at"
                     + " FROM device_telemetry_latest WHERE device_id = ?")) {
            ps.setObject(1, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Sample(rs.getTimestamp(1).toInstant(), rs.getString(2), (Double) rs.getObject(3),
                        rs.getString(4), (Double) rs.getObject(5), (Double) rs.getObject(6), rs.getString(7),
                        rs.getString(8), rs.getString(9), rs.getInt(10),
                        rs.getTimestamp(11) == null ? null : rs.getTimestamp(11).toInstant());
            }
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Kills a backend as an operator or a network failure would. */
    void terminateBackend(int pid) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            ps.executeQuery().close();
        }
    }

    record Sample(Instant sampledAt, String status, Double powerW, String powerSource, Double hashrateThs,
            Double efficiency, String firmware, String model, String lastError, int consecutiveFailures,
            Instant lastSuccessAt) {
    }
}
