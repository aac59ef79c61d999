package fleet.reconciler.loop;

import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.persistence.Bootstrap;
import fleet.reconciler.ReconcilerSettings;
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
import java.util.List;
import java.util.UUID;

/**
 * Real PostgreSQL, a real simulated fleet over TCP, and any number of reconciler replicas in one JVM, each with its
 * own lease connection. Events and targets are written the way StartCurtailment writes them.
 */
final class ReconcilerHarness implements AutoCloseable {

    final TestDatabase db;
    final Vertx vertx = Vertx.vertx();
    final FleetSimulator sim;
    final UUID orgId;
    final UUID userId;
    final List<UUID> deviceIds = new ArrayList<>();
    final List<ReconcilerNode> nodes = new ArrayList<>();
    final List<DriverRegistry> registries = new ArrayList<>();
    final List<Pool> pools = new ArrayList<>();
    final List<fleet.reconciler.telemetry.TelemetryPoller> pollers = new ArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    ReconcilerHarness(String name, int miners, String firstAddress) {
        // Outside Quarkus there is no context to propagate; SmallRye's provider also races on first use across threads.
        io.smallrye.mutiny.infrastructure.Infrastructure.clearInterceptors();
        // a database of its own: reconcilers drive every live event they can lease, other tests' included
        db = TestDatabase.get().fresh("fleet_test_" + name).migrate();
        sim = FleetSimulator.start(SimulatorConfig.builder().miners(miners).firstAddress(firstAddress)
                .timeScale(20).seed(11).withoutControlSurface().build());
        try (Connection c = db.connect()) {
            var boot = Bootstrap.createOrganization(c, name + "-" + UUID.randomUUID(), "admin@example.com");
            orgId = boot.orgId();
            userId = boot.userId();
            try (var ps = c.prepareStatement("UPDATE curtailment_org_config SET curtail_confirm_timeout_sec = 3,"
                    + " restore_confirm_timeout_sec = 5 WHERE org_id = ?")) {
                ps.setObject(1, orgId);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("INSERT INTO device (org_id, identifier, host, port, driver, capabilities)"
                    + " VALUES (?, ?, ?, ?, 'luxos', '{curtail_full,power_target,power_reported,reboot}') RETURNING id")) {
                for (int i = 0; i < miners; i++) {
                    ps.setObject(1, orgId);
                    ps.setString(2, name + "-" + i);
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

    /** Starts a replica with its own pool, drivers and lease connection. */
    ReconcilerNode startNode(String nodeId) {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8)).connectingTo(connectOptions()).using(vertx).build();
        DriverRegistry drivers = new DriverRegistry(vertx, Clock.systemUTC(), DriverSettings.builder()
                .connectTimeout(Duration.ofMillis(500)).totalTimeout(Duration.ofMillis(1500)).breakerFailureThreshold(1000)
                .busyRetries(2).busyBackoffInitial(Duration.ofMillis(50)).busyBackoffMax(Duration.ofMillis(200)).build());
        ReconcilerSettings settings = ReconcilerSettings.defaults(nodeId).withTick(Duration.ofMillis(500))
                .withConfirmInterval(Duration.ofMillis(500)).withDriftInterval(Duration.ofMillis(500))
                .withLiveWindow(Duration.ofSeconds(5)).withShutdownBudget(Duration.ofSeconds(5));
        ReconcilerNode node = new ReconcilerNode(vertx, pool, connectOptions(), drivers, Clock.systemUTC(), settings, meters);
        node.start().await().atMost(Duration.ofSeconds(10));
        nodes.add(node);
        registries.add(drivers);
        pools.add(pool);
        return node;
    }

    /** Starts the real telemetry poller on a replica's lease connection (fast interval for tests). */
    fleet.reconciler.telemetry.TelemetryPoller startPoller(ReconcilerNode node, int index) {
        fleet.reconciler.telemetry.TelemetryPoller poller = new fleet.reconciler.telemetry.TelemetryPoller(vertx,
                pools.get(index), node.leaseConnection(), registries.get(index), Clock.systemUTC(),
                fleet.reconciler.telemetry.PollerSettings.defaults().withPollInterval(Duration.ofMillis(500))
                        .withShardCheckInterval(Duration.ofMillis(500)),
                meters, node.nodeId());
        node.runOnContext(poller::start);
        pollers.add(poller);
        return poller;
    }

    /** A PENDING FULL_FLEET event over {@code devices} (indexes into the fleet), like StartCurtailment writes it. */
    UUID startEvent(List<Integer> devices, String extraColumnsSql) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            UUID eventId;
            try (var ps = c.prepareStatement("INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason,"
                    + " scope, max_duration_sec, candidate_min_power_w, request_fingerprint, source_actor_type,"
                    + " source_actor_id, created_by_user_id, target_count) VALUES (?, 1, 2, 2, 1, 'test', '{\"kind\":\"whole_org\"}',"
                    + " 3600, 1500, 'fp', 'user', 'u', ?, ?) RETURNING id")) {
                ps.setObject(1, orgId);
                ps.setObject(2, userId);
                ps.setInt(3, devices.size());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    eventId = rs.getObject(1, UUID.class);
                }
            }
            if (extraColumnsSql != null) {
                try (var ps = c.prepareStatement("UPDATE curtailment_event SET " + extraColumnsSql + " WHERE id = ?")) {
                    ps.setObject(1, eventId);
                    ps.executeUpdate();
                }
            }
            try (var ps = c.prepareStatement("INSERT INTO curtailment_target (event_id, org_id, device_id, state,"
                    + " desired_state, rank, baseline_power_w, pre_curtail_snapshot) VALUES (?, ?, ?, 1, 1, ?, ?, '{\"was_mining\":true}')")) {
                int rank = 1;
                for (int i : devices) {
                    ps.setObject(1, eventId);
                    ps.setObject(2, orgId);
                    ps.setObject(3, deviceIds.get(i));
                    ps.setInt(4, rank++);
                    ps.setDouble(5, sim.miner(i).operatingPowerW());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (var ps = c.prepareStatement("SELECT pg_notify('curtailment_work', ?)")) {
                ps.setString(1, eventId.toString());
                ps.execute();
            }
            c.commit();
            return eventId;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    int eventState(UUID eventId) {
        return (int) scalar("SELECT state FROM curtailment_event WHERE id = ?", eventId);
    }

    long count(String sql, Object param) {
        return scalar(sql, param);
    }

    long scalar(String sql, Object param) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void execute(String sql, Object param) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Curtail commands the miner at {@code index} received ("curtail" with a sleep parameter). */
    long sleepCommands(int index) {
        return sim.commandsReceived(sim.host(index), "curtail").stream()
                .filter(r -> r.parameter() != null && r.parameter().endsWith("sleep")).count();
    }

    long wakeCommands(int index) {
        return sim.commandsReceived(sim.host(index), "curtail").stream()
                .filter(r -> r.parameter() != null && r.parameter().endsWith("wakeup")).count();
    }

    @Override
    public void close() {
        for (var p : pollers) {
            p.stop().await().atMost(Duration.ofSeconds(20));
        }
        for (ReconcilerNode n : nodes) {
            n.stop().await().atMost(Duration.ofSeconds(20));
        }
        registries.forEach(DriverRegistry::close);
        pools.forEach(p -> p.close().await().atMost(Duration.ofSeconds(5)));
        sim.close();
        vertx.close().await().atMost(Duration.ofSeconds(5));
        db.drop();
    }
}
