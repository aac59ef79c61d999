package fleet.reconciler.schedules;

import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.persistence.Bootstrap;
import fleet.reconciler.commands.CommandExecutor;
import fleet.reconciler.commands.CommandSettings;
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
import java.util.List;
import java.util.UUID;

/**
 * A database of its own, a simulated fleet over real TCP (LuxOS dialect, loopback 127.75.x.y), schedule processor
 * replicas in one JVM sharing a {@link SettableClock}, and the operator-command executor of issue 7 running the queued
 * commands against the simulator. Curtailments are written as rows (an event with live targets), exactly what the
 * processor looks at; completing one moves its targets to RESOLVED.
 */
final class ScheduleHarness implements AutoCloseable {

    static final String ZONE = "America/Chicago";

    final TestDatabase db;
    final Vertx vertx = Vertx.vertx();
    final FleetSimulator sim;
    final UUID orgId;
    final UUID userId;
    final String prefix;
    final List<UUID> deviceIds = new ArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<ScheduleProcessor> processors = new ArrayList<>();
    private final List<CommandExecutor> executors = new ArrayList<>();
    private final List<DriverRegistry> registries = new ArrayList<>();
    private final List<Pool> pools = new ArrayList<>();

    ScheduleHarness(String name, int miners, String firstAddress) {
        io.smallrye.mutiny.infrastructure.Infrastructure.clearInterceptors();
        this.prefix = name;
        db = TestDatabase.get().fresh("fleet_test_" + name).migrate();
        sim = FleetSimulator.start(SimulatorConfig.builder().miners(miners).firstAddress(firstAddress)
                .timeScale(20).seed(7).withoutControlSurface().build());
        try (Connection c = db.connect()) {
            var boot = Bootstrap.createOrganization(c, name + "-" + UUID.randomUUID(), "admin@example.com");
            orgId = boot.orgId();
            userId = boot.userId();
            try (var ps = c.prepareStatement("INSERT INTO device (org_id, identifier, host, port, driver, capabilities)"
                    + " VALUES (?, ?, ?, ?, 'luxos', '{curtail_full,power_target,power_reported,reboot}') RETURNING id")) {
                for (int i = 0; i < miners; i++) {
                    ps.setObject(1, orgId);
                    ps.setString(2, identifier(i));
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

    String identifier(int index) {
        return prefix + "-" + index;
    }

    PgConnectOptions connectOptions() {
        return new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(db.database())
                .setUser(db.user()).setPassword(db.password());
    }

    private Pool newPool() {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connectOptions()).using(vertx).build();
        pools.add(pool);
        return pool;
    }

    /** A processor replica ticking every 100 ms on the shared clock. */
    ScheduleProcessor startProcessor(String nodeId, Clock clock) {
        ScheduleProcessor p = new ScheduleProcessor(vertx, newPool(), clock,
                ScheduleSettings.defaults(nodeId).withTick(Duration.ofMillis(100)).withShutdownBudget(Duration.ofSeconds(5)),
                meters);
        p.start().await().atMost(Duration.ofSeconds(10));
        processors.add(p);
        return p;
    }

    void stopProcessor(ScheduleProcessor p) {
        p.stop().await().atMost(Duration.ofSeconds(10));
        processors.remove(p);
    }

    /** The issue-7 executor, polling every 200 ms, sending to the simulator. */
    CommandExecutor startExecutor(String nodeId) {
        DriverRegistry drivers = new DriverRegistry(vertx, Clock.systemUTC(), DriverSettings.builder()
                .connectTimeout(Duration.ofMillis(500)).totalTimeout(Duration.ofMillis(2000)).breakerFailureThreshold(1000)
                .busyRetries(2).busyBackoffInitial(Duration.ofMillis(50)).busyBackoffMax(Duration.ofMillis(200)).build());
        registries.add(drivers);
        CommandExecutor e = new CommandExecutor(vertx, newPool(), connectOptions(), drivers,
                CommandSettings.defaults().withPollInterval(Duration.ofMillis(200)), meters, nodeId);
        e.start().await().atMost(Duration.ofSeconds(10));
        executors.add(e);
        return e;
    }

    /** A site holding the given devices. */
    UUID site(String name, List<Integer> devices) {
        UUID site = UUID.fromString(text("INSERT INTO site (org_id, name) VALUES (?, ?) RETURNING id::text", orgId, name));
        for (int i : devices) {
            execute("UPDATE device SET site_id = ? WHERE id = ?", site, deviceIds.get(i));
        }
        return site;
    }

    /** Stops every executor (queued commands stay QUEUED until one is started again). */
    void stopExecutors() {
        for (CommandExecutor e : List.copyOf(executors)) {
            e.stop().await().atMost(Duration.ofSeconds(20));
            executors.remove(e);
        }
    }

    /**
     * A daily schedule over the given devices: SetPowerTarget {@code watts} from {@code start} to {@code end} (local,
     * "HH:MM") every day, reverting to {@code revertWatts}, priority 0.
     */
    UUID dailySchedule(String name, List<Integer> devices, String start, String end, int watts, int revertWatts) {
        StringBuilder identifiers = new StringBuilder();
        for (int i : devices) {
            identifiers.append(identifiers.length() == 0 ? "" : ",").append('"').append(identifier(i)).append('"');
        }
        return dailySchedule(name, "{\"kind\":\"device_identifiers\",\"identifiers\":[" + identifiers + "]}", start, end,
                watts, revertWatts);
    }

    /** The same with a selector in its stored JSON form (e.g. {"kind":"site_ids","ids":[...]}). */
    UUID dailySchedule(String name, String selectorJson, String start, String end, int watts, int revertWatts) {
        String sql = "INSERT INTO schedule (org_id, name, selector, action_type, action_power_w, revert_type, revert_power_w,"
                + " time_zone, window_kind, start_time, end_time, days_mask, priority, created_by_user_id,"
                + " created_actor_type, created_actor_id) VALUES (?, ?, ?::jsonb, 'SET_POWER_TARGET', ?, 'SET_POWER_TARGET', ?,"
                + " ?, 'DAILY', ?::time, ?::time, 127, 0, ?, 'user', 'test') RETURNING id";
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            ps.setObject(1, orgId);
            ps.setString(2, name);
            ps.setString(3, selectorJson);
            ps.setInt(4, watts);
            ps.setInt(5, revertWatts);
            ps.setString(6, ZONE);
            ps.setString(7, start);
            ps.setString(8, end);
            ps.setObject(9, userId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A live curtailment (event ACTIVE, targets CONFIRMED) holding the given devices. */
    UUID startCurtailment(List<Integer> devices) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            UUID eventId;
            try (var ps = c.prepareStatement("INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason,"
                    + " scope, max_duration_sec, candidate_min_power_w, request_fingerprint, source_actor_type,"
                    + " source_actor_id, created_by_user_id, target_count, started_at) VALUES (?, 2, 2, 2, 1, 'test',"
                    + " '{\"kind\":\"whole_org\"}', 3600, 1500, 'fp', 'user', 'u', ?, ?, now()) RETURNING id")) {
                ps.setObject(1, orgId);
                ps.setObject(2, userId);
                ps.setInt(3, devices.size());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    eventId = rs.getObject(1, UUID.class);
                }
            }
            try (var ps = c.prepareStatement("INSERT INTO curtailment_target (event_id, org_id, device_id, state,"
                    + " desired_state, rank) VALUES (?, ?, ?, 3, 1, ?)")) {
                int rank = 1;
                for (int i : devices) {
                    ps.setObject(1, eventId);
                    ps.setObject(2, orgId);
                    ps.setObject(3, deviceIds.get(i));
                    ps.setInt(4, rank++);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            return eventId;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The event's restore finished: every target RESOLVED, the event COMPLETED. */
    void completeCurtailment(UUID eventId) {
        execute("UPDATE curtailment_target SET state = 5, desired_state = 2, resolved_at = now() WHERE event_id = ?", eventId);
        execute("UPDATE curtailment_event SET state = 4, ended_at = now() WHERE id = ?", eventId);
    }

    long count(String sql, Object... params) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String text(String sql, Object... params) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
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

    /** operator_command rows a schedule queued in a phase (start, revert, deferred_revert). */
    long commands(UUID scheduleId, String phase) {
        return count("SELECT count(*) FROM operator_command WHERE actor_type = 'scheduler' AND actor_id = ?"
                + " AND params #>> '{schedule,phase}' = ?", scheduleId.toString(), phase);
    }

    long commands(UUID scheduleId, String phase, int device) {
        return count("SELECT count(*) FROM operator_command WHERE actor_type = 'scheduler' AND actor_id = ?"
                + " AND params #>> '{schedule,phase}' = ? AND device_id = ?", scheduleId.toString(), phase,
                deviceIds.get(device));
    }

    long activity(String type, UUID scheduleId) {
        return count("SELECT count(*) FROM activity_log WHERE type = ? AND actor_type = 'scheduler' AND actor_id = ?", type,
                scheduleId.toString());
    }

    /** Power targets the miner at {@code index} received on the wire, in order. */
    List<Integer> powerTargets(int index) {
        List<Integer> out = new ArrayList<>();
        for (CommandRecord r : sim.commandsReceived(sim.host(index), "powertargetset")) {
            String p = r.parameter();
            if (p != null && p.contains("power=") && r.succeeded()) {
                out.add(Integer.parseInt(p.substring(p.indexOf("power=") + 6).trim()));
            }
        }
        return out;
    }

    /** Stops every processor and disables every schedule, so the next test starts from a quiet database. */
    void quiesce() {
        for (ScheduleProcessor p : List.copyOf(processors)) {
            stopProcessor(p);
        }
        execute("UPDATE schedule SET enabled = false");
        execute("UPDATE curtailment_target SET state = 5 WHERE state NOT IN (5, 6, 7)");
    }

    @Override
    public void close() {
        for (ScheduleProcessor p : processors) {
            p.stop().await().atMost(Duration.ofSeconds(10));
        }
        for (CommandExecutor e : executors) {
            e.stop().await().atMost(Duration.ofSeconds(20));
        }
        registries.forEach(DriverRegistry::close);
        pools.forEach(p -> p.close().await().atMost(Duration.ofSeconds(5)));
        sim.close();
        vertx.close().await().atMost(Duration.ofSeconds(5));
        db.drop();
    }
}
