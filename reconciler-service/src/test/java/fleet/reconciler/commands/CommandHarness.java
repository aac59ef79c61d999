package fleet.reconciler.commands;

import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.persistence.Bootstrap;
import fleet.simulator.CommandRecord;
import fleet.simulator.FleetSimulator;
import fleet.simulator.SimulatorConfig;
import fleet.testsupport.TestDatabase;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Real PostgreSQL (a database of its own: executors run every due command they can see), a real simulated fleet over
 * TCP on 127.70.x.y, and any number of command executors in one JVM. Commands are written exactly as the api-service's
 * AcceptCommand writes them (one unnest insert per batch, the accepted activity row, NOTIFY operator_command_work).
 */
final class CommandHarness implements AutoCloseable {

    static final String LUXOS_CAPS = "{curtail_full,power_target,power_reported,reboot}";

    final TestDatabase db;
    final Vertx vertx = Vertx.vertx();
    final FleetSimulator sim;
    final UUID orgId;
    final UUID userId;
    final List<UUID> deviceIds = new ArrayList<>();
    final List<CommandExecutor> executors = new ArrayList<>();
    final List<DriverRegistry> registries = new ArrayList<>();
    final List<Pool> pools = new ArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    CommandHarness(String name, int miners, String firstAddress) {
        io.smallrye.mutiny.infrastructure.Infrastructure.clearInterceptors();
        db = TestDatabase.get().fresh("fleet_test_" + name).migrate();
        sim = FleetSimulator.start(SimulatorConfig.builder().miners(miners).firstAddress(firstAddress)
                .timeScale(20).seed(7).withoutControlSurface().build());
        try (Connection c = db.connect()) {
            var boot = Bootstrap.createOrganization(c, name + "-" + UUID.randomUUID(), "admin@example.com");
            orgId = boot.orgId();
            userId = boot.userId();
            try (var ps = c.prepareStatement("INSERT INTO device (org_id, identifier, host, port, driver, capabilities)"
                    + " VALUES (?, ?, ?, ?, 'luxos', '" + LUXOS_CAPS + "') RETURNING id")) {
                for (int i = 0; i < miners; i++) {
                    ps.setObject(1, orgId);
                    ps.setString(2, String.format("%s-%02d", name, i));
                    ps.setString(3, sim.host(i));
                    ps.setInt(4, sim.port());
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        deviceIds.add(rs.getObject(1, UUID.class));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    PgConnectOptions connectOptions() {
        return new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(db.database())
                .setUser(db.user()).setPassword(db.password());
    }

    /** Fast timings for tests: 200 ms poll, backoff 200 ms doubling, 10 s visibility. */
    static CommandSettings testSettings() {
        return CommandSettings.defaults().withPollInterval(Duration.ofMillis(200))
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    /** Starts an executor (a replica) with its own pool, drivers and LISTEN session. */
    CommandExecutor startExecutor(String nodeId) {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connectOptions()).using(vertx).build();
        DriverRegistry drivers = new DriverRegistry(vertx, Clock.systemUTC(), DriverSettings.builder()
                .connectTimeout(Duration.ofMillis(500)).totalTimeout(Duration.ofMillis(1500)).breakerFailureThreshold(1000)
                .busyRetries(2).busyBackoffInitial(Duration.ofMillis(50)).busyBackoffMax(Duration.ofMillis(200)).build());
        CommandExecutor executor = new CommandExecutor(vertx, pool, connectOptions(), drivers, testSettings(), meters,
                nodeId);
        executor.start().await().atMost(Duration.ofSeconds(10));
        executors.add(executor);
        registries.add(drivers);
        pools.add(pool);
        return executor;
    }

    /** A pool of the test's own, for calling {@link CommandStore} directly. */
    Pool pool() {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connectOptions()).using(vertx).build();
        pools.add(pool);
        return pool;
    }

    void stopExecutors() {
        for (CommandExecutor e : executors) {
            e.stop().await().atMost(Duration.ofSeconds(15));
        }
        executors.clear();
    }

    /**
     * Queues one batch like AcceptCommand: one row per device (QUEUED, actor api_key), the accepted activity row and
     * the NOTIFY, in one transaction. Returns the batch id.
     */
    UUID queue(String command, String paramsJson, int maxAttempts, int... devices) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            UUID batch = queue(c, command, paramsJson, maxAttempts, devices);
            c.commit();
            return batch;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    UUID queue(Connection c, String command, String paramsJson, int maxAttempts, int... devices) throws SQLException {
        UUID batch = UUID.randomUUID();
        UUID[] ids = new UUID[devices.length];
        String[] states = new String[devices.length];
        for (int i = 0; i < devices.length; i++) {
            ids[i] = deviceIds.get(devices[i]);
            states[i] = "QUEUED";
        }
        try (var ps = c.prepareStatement("""
                INSERT INTO operator_command (org_id, batch_id, device_id, command_type, params, state, actor_type,
                                              actor_id, reason, last_error, finished_at, max_attempts)
                SELECT ?, ?, u.device_id, ?, ?::jsonb, u.state, 'api_key', 'testkey0000001', 'test', NULL, NULL, ?
                FROM unnest(?::uuid[], ?::text[]) WITH ORDINALITY AS u(device_id, state, ord)
                ORDER BY u.ord
                """)) {
            ps.setObject(1, orgId);
            ps.setObject(2, batch);
            ps.setString(3, command);
            ps.setString(4, paramsJson);
            ps.setInt(5, maxAttempts);
            ps.setArray(6, c.createArrayOf("uuid", ids));
            ps.setArray(7, c.createArrayOf("text", states));
            ps.executeUpdate();
        }
        try (var ps = c.prepareStatement("INSERT INTO activity_log (org_id, type, actor_type, actor_id, metadata)"
                + " VALUES (?, 'operator_command_accepted', 'api_key', 'testkey0000001', jsonb_build_object('batch_id', ?::text))")) {
            ps.setObject(1, orgId);
            ps.setString(2, batch.toString());
            ps.executeUpdate();
        }
        try (var ps = c.prepareStatement("SELECT pg_notify('operator_command_work', ?)")) {
            ps.setString(1, batch.toString());
            ps.execute();
        }
        return batch;
    }

    /** A live curtailment (PENDING event, PENDING target) on the device, as StartCurtailment writes it. */
    UUID startCurtailment(Connection c, int device) throws SQLException {
        return curtailment(c, device, 1, 1, false);
    }

    /** A finished curtailment: COMPLETED event whose target on the device is RESOLVED (it no longer holds it). */
    UUID completedCurtailment(int device) {
        try (Connection c = db.connect()) {
            return curtailment(c, device, 4, 5, true);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private UUID curtailment(Connection c, int device, int eventState, int targetState, boolean ended)
            throws SQLException {
        UUID eventId;
        try (var ps = c.prepareStatement("INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason,"
                + " scope, max_duration_sec, candidate_min_power_w, request_fingerprint, source_actor_type,"
                + " source_actor_id, created_by_user_id, target_count, ended_at) VALUES (?, ?, 2, 2, 1, 'test',"
                + " '{\"kind\":\"whole_org\"}', 3600, 1500, 'fp', 'user', 'u', ?, 1, " + (ended ? "now()" : "NULL")
                + ") RETURNING id")) {
            ps.setObject(1, orgId);
            ps.setShort(2, (short) eventState);
            ps.setObject(3, userId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                eventId = rs.getObject(1, UUID.class);
            }
        }
        try (var ps = c.prepareStatement("INSERT INTO curtailment_target (event_id, org_id, device_id, state,"
                + " desired_state, rank, resolved_at) VALUES (?, ?, ?, ?, 1, 1, " + (ended ? "now()" : "NULL") + ")")) {
            ps.setObject(1, eventId);
            ps.setObject(2, orgId);
            ps.setObject(3, deviceIds.get(device));
            ps.setShort(4, (short) targetState);
            ps.executeUpdate();
        }
        return eventId;
    }

    /** One command's row, by column name. */
    Map<String, Object> command(UUID batch, int device) {
        return row("SELECT * FROM operator_command WHERE batch_id = ? AND device_id = ?", batch, deviceIds.get(device));
    }

    String state(UUID batch, int device) {
        return (String) command(batch, device).get("state");
    }

    Map<String, Object> row(String sql, Object... params) {
        List<Map<String, Object>> rows = rows(sql, params);
        if (rows.size() != 1) {
            throw new IllegalStateException("expected one row, got " + rows.size() + ": " + sql);
        }
        return rows.get(0);
    }

    List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                var meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnName(i), rs.getObject(i));
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
        return ((Number) row(sql, params).values().iterator().next()).longValue();
    }

    void execute(String sql, Object... params) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every request the miner received, in arrival order. */
    List<CommandRecord> received(int miner) {
        return sim.commandsReceived(sim.host(miner));
    }

    long received(int miner, String verb) {
        return sim.commandsReceived(sim.host(miner), verb).size();
    }

    double counter(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        stopExecutors();
        registries.forEach(DriverRegistry::close);
        pools.forEach(p -> p.close().await().atMost(Duration.ofSeconds(5)));
        sim.close();
        vertx.close().await().atMost(Duration.ofSeconds(5));
        db.drop();
    }
}
