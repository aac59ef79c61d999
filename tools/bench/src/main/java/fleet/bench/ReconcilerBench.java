package fleet.bench;

import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.persistence.Bootstrap;
import fleet.reconciler.ReconcilerSettings;
import fleet.reconciler.loop.ReconcilerNode;
import fleet.simulator.CommandRecord;
import fleet.simulator.FleetSimulator;
import fleet.simulator.SimulatorConfig;
import org.flywaydb.core.Flyway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * SPEC §10 reconciler budgets, measured (not asserted): Start → first curtail command on the wire (p50/p99), and the
 * time until 10 000 simulated miners are all commanded and all confirmed, with one and with three replicas.
 *
 * <p>Run after {@code mvn -B -DskipTests install}:
 * {@code java -Xmx1g -cp tools/bench/target/bench.jar fleet.bench.ReconcilerBench}
 * ({@code -Dbench.miners=…}, {@code -Dbench.events=…}, {@code -Dbench.latencySamples=…}).
 * The simulator runs in the same JVM (10 000 miners on 127.180.x.y), so the numbers include its CPU on these 2 cores.
 */
public final class ReconcilerBench {

    private static final int MINERS = Integer.getInteger("bench.miners", 10_000);
    private static final int EVENTS = Integer.getInteger("bench.events", 10);
    private static final int LATENCY_SAMPLES = Integer.getInteger("bench.latencySamples", 40);

    private final Db db;

    /** A database of the bench's own on the configured server (DB_HOST/DB_PORT/DB_USER/DB_PASSWORD). */
    private record Db(String host, int port, String database, String user, String password) {

        static Db fresh(String name) throws SQLException {
            Db db = new Db(env("DB_HOST", "127.0.0.1"), Integer.parseInt(env("DB_PORT", "5432")), name,
                    env("DB_USER", "postgres"), env("DB_PASSWORD", ""));
            db.admin("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            db.admin("CREATE DATABASE \"" + name + "\"");
            Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).locations("classpath:db/migration")
                    .load().migrate();
            return db;
        }

        String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        Connection connect() throws SQLException {
            return java.sql.DriverManager.getConnection(jdbcUrl(), user, password);
        }

        void drop() {
            try {
                admin("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("could not drop " + database + ": " + e.getMessage());
            }
        }

        private void admin(String sql) throws SQLException {
            try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres",
                    user, password); var st = c.createStatement()) {
                st.execute(sql);
            }
        }

        private static String env(String key, String fallback) {
            String v = System.getenv(key);
            return v == null || v.isBlank() ? fallback : v;
        }
    }
    private final Vertx vertx = Vertx.vertx();
    private final FleetSimulator sim;
    private final UUID orgId;
    private final UUID userId;
    private final List<UUID> devices = new ArrayList<>();

    private ReconcilerBench() throws SQLException {
        io.smallrye.mutiny.infrastructure.Infrastructure.clearInterceptors();
        db = Db.fresh("fleet_bench_reconciler");
        sim = FleetSimulator.start(SimulatorConfig.builder().miners(MINERS).firstAddress("127.180.0.1")
                .timeScale(10).seed(3).withoutControlSurface().commandLogCapacity(200_000, 1_000).build());
        try (Connection c = db.connect()) {
            var boot = Bootstrap.createOrganization(c, "bench", "bench@localhost");
            orgId = boot.orgId();
            userId = boot.userId();
            c.setAutoCommit(false);
            try (var ps = c.prepareStatement("INSERT INTO device (org_id, identifier, host, port, driver, capabilities)"
                    + " SELECT ?, 'b-' || g, ?, ?, 'luxos', '{curtail_full}' FROM generate_series(0, ? - 1) g")) {
                ps.setObject(1, orgId);
                ps.setString(2, "0.0.0.0");
                ps.setInt(3, sim.port());
                ps.setInt(4, MINERS);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("UPDATE device SET host = ? WHERE org_id = ? AND identifier = ?")) {
                for (int i = 0; i < MINERS; i++) {
                    ps.setString(1, sim.host(i));
                    ps.setObject(2, orgId);
                    ps.setString(3, "b-" + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (var ps = c.prepareStatement("SELECT id FROM device WHERE org_id = ? ORDER BY (substr(identifier, 3))::int")) {
                ps.setObject(1, orgId);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        devices.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            c.commit();
        }
    }

    private PgConnectOptions options() {
        return new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(db.database())
                .setUser(db.user()).setPassword(db.password());
    }

    private record Replica(ReconcilerNode node, DriverRegistry drivers, Pool pool) {
    }

    private Replica replica(String id) {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(10)).connectingTo(options()).using(vertx).build();
        DriverRegistry drivers = new DriverRegistry(vertx, Clock.systemUTC(), DriverSettings.defaults());
        ReconcilerNode node = new ReconcilerNode(vertx, pool, options(), drivers, Clock.systemUTC(),
                ReconcilerSettings.defaults(id).withShutdownBudget(Duration.ofSeconds(5)), new SimpleMeterRegistry());
        node.start().await().atMost(Duration.ofSeconds(10));
        return new Replica(node, drivers, pool);
    }

    private void stop(List<Replica> replicas) {
        for (Replica r : replicas) {
            r.node().stop().await().atMost(Duration.ofSeconds(20));
            r.drivers().close();
            r.pool().close().await().atMost(Duration.ofSeconds(5));
        }
    }

    /** Inserts an event over devices [from, to) exactly as StartCurtailment does; returns (id, commit instant). */
    private Object[] startEvent(int from, int to) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            UUID id;
            try (var ps = c.prepareStatement("INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason,"
                    + " scope, max_duration_sec, candidate_min_power_w, request_fingerprint, source_actor_type, source_actor_id,"
                    + " created_by_user_id, target_count) VALUES (?, 1, 2, 2, 1, 'bench', '{}', 3600, 1500, 'fp', 'user', 'u', ?, ?)"
                    + " RETURNING id")) {
                ps.setObject(1, orgId);
                ps.setObject(2, userId);
                ps.setInt(3, to - from);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getObject(1, UUID.class);
                }
            }
            try (var ps = c.prepareStatement("INSERT INTO curtailment_target (event_id, org_id, device_id, state, desired_state,"
                    + " rank, baseline_power_w, pre_curtail_snapshot) SELECT ?, ?, d, 1, 1, r::int, 3300, '{\"was_mining\":true}'"
                    + " FROM unnest(?::uuid[]) WITH ORDINALITY AS t(d, r)")) {
                ps.setObject(1, id);
                ps.setObject(2, orgId);
                ps.setArray(3, c.createArrayOf("uuid", devices.subList(from, to).toArray()));
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("SELECT pg_notify('" + fleet.persistence.Channels.CURTAILMENT_WORK + "', ?)")) {
                ps.setString(1, id.toString());
                ps.execute();
            }
            c.commit();
            return new Object[] {id, Instant.now()};
        }
    }

    private void reset() throws SQLException {
        try (Connection c = db.connect(); var st = c.createStatement()) {
            st.execute("UPDATE curtailment_target SET state = 5, resolved_at = now() WHERE state NOT IN (5, 6, 7)");
            st.execute("UPDATE curtailment_event SET state = 4, ended_at = now() WHERE state IN (1, 2, 3)");
        }
        for (int i = 0; i < MINERS; i++) {
            sim.wakeBehindTheSystemsBack(i);
        }
        sim.clearCommandLog();
    }

    private int countState(String sql) throws SQLException {
        try (Connection c = db.connect(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void pause(long millis) {
        CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS)).join();
    }

    private double[] firstCommandLatencies() throws SQLException {
        double[] all = new double[LATENCY_SAMPLES + 5];
        for (int s = 0; s < all.length; s++) {
            int from = (s * 5) % (MINERS - 5);
            Object[] started = startEvent(from, from + 5);
            Instant committed = (Instant) started[1];
            Instant first = null;
            for (int spins = 0; spins < 2000 && first == null; spins++) {
                for (int i = from; i < from + 5; i++) {
                    for (CommandRecord r : sim.commandsReceived(sim.host(i), "curtail")) {
                        if (first == null || r.at().isBefore(first)) {
                            first = r.at();
                        }
                    }
                }
                if (first == null) {
                    pause(2);
                }
            }
            all[s] = first == null ? Double.NaN : Duration.between(committed, first).toNanos() / 1e6;
            reset();
        }
        // the first five are warm-up (class loading, JIT, first connections)
        double[] out = Arrays.copyOfRange(all, 5, all.length);
        Arrays.sort(out);
        return out;
    }

    private double[] fleetRun(int replicasWanted) throws SQLException {
        List<Replica> replicas = new ArrayList<>();
        for (int i = 0; i < replicasWanted; i++) {
            replicas.add(replica("bench-" + replicasWanted + "-" + i));
        }
        pause(3000);
        reset();
        Instant t0 = Instant.now();
        int per = MINERS / EVENTS;
        for (int e = 0; e < EVENTS; e++) {
            startEvent(e * per, (e + 1) * per);
        }
        Instant allCommanded = null;
        Instant allConfirmed = null;
        Instant deadline = t0.plusSeconds(300);
        while (Instant.now().isBefore(deadline) && allConfirmed == null) {
            if (allCommanded == null && countState("SELECT count(*) FROM curtailment_target WHERE state IN (1, 8)") == 0) {
                allCommanded = Instant.now();
            }
            if (countState("SELECT count(*) FROM curtailment_event WHERE state = 2") == EVENTS) {
                allConfirmed = Instant.now();
            }
            pause(100);
        }
        // the wire view: the last curtail command the simulator received
        Instant lastWire = t0;
        for (CommandRecord r : sim.commandLog()) {
            if ("curtail".equals(r.command()) && r.at().isAfter(lastWire)) {
                lastWire = r.at();
            }
        }
        stop(replicas);
        reset();
        return new double[] {
            Duration.between(t0, lastWire).toMillis() / 1000.0,
            allCommanded == null ? Double.NaN : Duration.between(t0, allCommanded).toMillis() / 1000.0,
            allConfirmed == null ? Double.NaN : Duration.between(t0, allConfirmed).toMillis() / 1000.0};
    }

    public static void main(String[] args) throws Exception {
        ReconcilerBench bench = new ReconcilerBench();
        try {
            List<Replica> one = new ArrayList<>(List.of(bench.replica("bench-latency")));
            bench.pause(2000);
            double[] lat = bench.firstCommandLatencies();
            bench.stop(one);
            System.out.printf("Start commit -> first curtail command on the wire, %d samples: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    lat.length, lat[lat.length / 2], lat[(int) Math.ceil(lat.length * 0.99) - 1], lat[lat.length - 1]);
            for (int replicas : new int[] {1, 3}) {
                double[] r = bench.fleetRun(replicas);
                System.out.printf("%d miners in %d events, %d replica(s): last command on the wire %.2f s,"
                        + " all commanded (rows) %.2f s, all confirmed (every event ACTIVE) %.2f s%n",
                        MINERS, EVENTS, replicas, r[0], r[1], r[2]);
            }
            System.out.printf("JVM peak RSS (reconcilers + simulator together): %s%n", peakRss());
        } finally {
            bench.sim.close();
            bench.vertx.close().await().atMost(Duration.ofSeconds(5));
            bench.db.drop();
        }
    }

    private static String peakRss() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return line.substring(6).trim();
            }
        }
        return "?";
    }
}
