package fleet.reconciler;

import fleet.domain.state.EventState;
import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.persistence.Bootstrap;
import fleet.persistence.curtailment.EndEvent;
import fleet.persistence.curtailment.StopEvent;
import fleet.persistence.curtailment.UpdateEvent;
import fleet.reconciler.commands.CommandExecutor;
import fleet.reconciler.commands.CommandSettings;
import fleet.reconciler.loop.ReconcilerNode;
import fleet.reconciler.schedules.ScheduleProcessor;
import fleet.reconciler.schedules.ScheduleSettings;
import fleet.reconciler.telemetry.PollerSettings;
import fleet.reconciler.telemetry.TelemetryPoller;
import fleet.simulator.CommandRecord;
import fleet.simulator.FleetSimulator;
import fleet.simulator.SimulatorConfig;
import fleet.testsupport.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Real PostgreSQL (a database of its own: reconcilers, executors and schedule processors act on every row they can
 * see), a real simulated LuxOS fleet over TCP on loopback, one organization owning a device per simulated miner, and
 * any number of replicas of the reconciler's components in one JVM, each with its own pool and drivers:
 * reconcile loops (with their lease connection), telemetry pollers, operator-command executors and schedule
 * processors.
 *
 * <p>What the api-service would write is written the way it writes it: events and targets as StartCurtailment,
 * the restore through StopCurtailment's own statements ({@link StopEvent}), commands as AcceptCommand. What the
 * reconciler itself would have written (a confirmed or finished curtailment) is written as one statement.
 */
public final class ReconcilerHarness implements AutoCloseable {

    static final String LUXOS_CAPS = "{curtail_full,power_target,power_reported,reboot}";
    private static final Duration AWAIT = Duration.ofSeconds(20);

    public final TestDatabase db;
    public final Vertx vertx = Vertx.vertx();
    public final FleetSimulator sim;
    public final UUID orgId;
    public final UUID userId;
    public final List<UUID> deviceIds = new ArrayList<>();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final List<ReconcilerNode> nodes = new ArrayList<>();
    public final List<CommandExecutor> executors = new ArrayList<>();
    private final String name;
    private final Map<ReconcilerNode, Replica> replicas = new HashMap<>();
    private final List<TelemetryPoller> pollers = new ArrayList<>();
    private final List<ScheduleProcessor> processors = new ArrayList<>();
    private final List<DriverRegistry> registries = new ArrayList<>();
    private final List<Pool> pools = new ArrayList<>();
    private Pool own;

    private record Replica(Pool pool, DriverRegistry drivers) {
    }

    /** {@code miners} simulated miners from {@code firstAddress}, seed 11. */
    public ReconcilerHarness(String name, int miners, String firstAddress) {
        this(name, miners, firstAddress, 11);
    }

    /**
     * @param name         names the database ({@code fleet_test_<name>}), the organization and the devices
     *                     ({@code <name>-<index>})
     * @param seed         picks each simulated miner's model and spreads (a power-target range is a model's)
     */
    public ReconcilerHarness(String name, int miners, String firstAddress, long seed) {
        // Outside Quarkus there is no context to propagate; SmallRye's provider also races on first use across threads.
        io.smallrye.mutiny.infrastructure.Infrastructure.clearInterceptors();
        this.name = name;
        db = TestDatabase.get().fresh("fleet_test_" + name).migrate();
        sim = FleetSimulator.start(SimulatorConfig.builder().miners(miners).firstAddress(firstAddress)
                .timeScale(20).seed(seed).withoutControlSurface().build());
        try (Connection c = db.connect()) {
            var boot = Bootstrap.createOrganization(c, name + "-" + UUID.randomUUID(), "admin@example.com");
            orgId = boot.orgId();
            userId = boot.userId();
            try (var ps = c.prepareStatement("UPDATE curtailment_org_config SET curtail_confirm_timeout_sec = 3,"
                    + " restore_confirm_timeout_sec = 5 WHERE org_id = ?")) {
                ps.setObject(1, orgId);
                ps.executeUpdate();
            }
            deviceIds.addAll(insertDevices(c, orgId, name, IntStream.range(0, miners).mapToObj(sim::host).toList(),
                    sim.port()));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The identifier of the device on the simulated miner at {@code index}. */
    public String identifier(int index) {
        return name + "-" + index;
    }

    public PgConnectOptions connectOptions() {
        return connectOptions(db);
    }

    /** The reactive client's options for a test database. */
    public static PgConnectOptions connectOptions(TestDatabase database) {
        return new PgConnectOptions().setHost(database.host()).setPort(database.port())
                .setDatabase(database.database()).setUser(database.user()).setPassword(database.password());
    }

    /**
     * Inserts one LuxOS device per host ({@code <prefix>-<index>}, every LuxOS capability), in one batch; returns
     * their ids in host order.
     */
    public static List<UUID> insertDevices(Connection c, UUID orgId, String prefix, List<String> hosts, int port)
            throws SQLException {
        List<UUID> ids = new ArrayList<>(hosts.size());
        try (var ps = c.prepareStatement("INSERT INTO device (id, org_id, identifier, host, port, driver, capabilities)"
                + " VALUES (?, ?, ?, ?, ?, 'luxos', '" + LUXOS_CAPS + "')")) {
            for (int i = 0; i < hosts.size(); i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                ps.setObject(1, id);
                ps.setObject(2, orgId);
                ps.setString(3, prefix + "-" + i);
                ps.setString(4, hosts.get(i));
                ps.setInt(5, port);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return ids;
    }

    private Pool newPool(int size) {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(size)).connectingTo(connectOptions())
                .using(vertx).build();
        pools.add(pool);
        return pool;
    }

    private DriverRegistry newDrivers(Duration totalTimeout) {
        DriverRegistry drivers = new DriverRegistry(vertx, Clock.systemUTC(), DriverSettings.builder()
                .connectTimeout(Duration.ofMillis(500)).totalTimeout(totalTimeout).breakerFailureThreshold(1000)
                .busyRetries(2).busyBackoffInitial(Duration.ofMillis(50)).busyBackoffMax(Duration.ofMillis(200)).build());
        registries.add(drivers);
        return drivers;
    }

    /** A pool of the test's own, for calling stores and statements directly. */
    public synchronized Pool pool() {
        if (own == null) {
            own = newPool(2);
        }
        return own;
    }

    // ---- replicas ---------------------------------------------------------------------------------------------

    /** A reconcile loop replica with its own pool, drivers and lease connection; ticks every 500 ms. */
    public ReconcilerNode startNode(String nodeId) {
        Pool pool = newPool(8);
        DriverRegistry drivers = newDrivers(Duration.ofMillis(1500));
        ReconcilerSettings settings = ReconcilerSettings.defaults(nodeId).withTick(Duration.ofMillis(500))
                .withConfirmInterval(Duration.ofMillis(500)).withDriftInterval(Duration.ofMillis(500))
                .withLiveWindow(Duration.ofSeconds(5)).withShutdownBudget(Duration.ofSeconds(5));
        ReconcilerNode node = new ReconcilerNode(vertx, pool, connectOptions(), drivers, Clock.systemUTC(), settings, meters);
        node.start().await().atMost(Duration.ofSeconds(10));
        nodes.add(node);
        replicas.put(node, new Replica(pool, drivers));
        return node;
    }

    /** The real telemetry poller on a loop replica's lease connection, pool and drivers (500 ms interval). */
    public TelemetryPoller startPoller(ReconcilerNode node) {
        Replica replica = replicas.get(node);
        TelemetryPoller poller = new TelemetryPoller(vertx, replica.pool(), node.leaseConnection(), replica.drivers(),
                Clock.systemUTC(), PollerSettings.defaults().withPollInterval(Duration.ofMillis(500))
                        .withShardCheckInterval(Duration.ofMillis(500)),
                meters, node.nodeId());
        node.runOnContext(poller::start);
        pollers.add(poller);
        return poller;
    }

    /** Fast executor timings for tests: 200 ms poll, backoff 200 ms doubling to 1 s, 10 s visibility, 5 s per attempt. */
    public static CommandSettings commandSettings() {
        return CommandSettings.defaults().withPollInterval(Duration.ofMillis(200))
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    /** An operator-command executor replica with its own pool, drivers and LISTEN session. */
    public CommandExecutor startExecutor(String nodeId) {
        CommandExecutor executor = new CommandExecutor(vertx, newPool(4), connectOptions(),
                newDrivers(Duration.ofMillis(2000)), commandSettings(), meters, nodeId);
        executor.start().await().atMost(Duration.ofSeconds(10));
        executors.add(executor);
        return executor;
    }

    /** Stops every executor (queued commands stay QUEUED until one is started again). */
    public void stopExecutors() {
        for (CommandExecutor e : List.copyOf(executors)) {
            e.stop().await().atMost(AWAIT);
            executors.remove(e);
        }
    }

    /** A schedule processor replica ticking every 100 ms on the given clock. */
    public ScheduleProcessor startProcessor(String nodeId, Clock clock) {
        ScheduleProcessor p = new ScheduleProcessor(vertx, newPool(4), clock,
                ScheduleSettings.defaults(nodeId).withTick(Duration.ofMillis(100)).withShutdownBudget(Duration.ofSeconds(5)),
                meters);
        p.start().await().atMost(Duration.ofSeconds(10));
        processors.add(p);
        return p;
    }

    public void stopProcessor(ScheduleProcessor p) {
        p.stop().await().atMost(Duration.ofSeconds(10));
        processors.remove(p);
    }

    /** Stops every processor, disables every schedule and resolves every open target: the next test starts quiet. */
    public void quiesceSchedules() {
        for (ScheduleProcessor p : List.copyOf(processors)) {
            stopProcessor(p);
        }
        execute("UPDATE schedule SET enabled = false");
        execute("UPDATE curtailment_target SET state = 5 WHERE state NOT IN (5, 6, 7)");
    }

    // ---- curtailments -----------------------------------------------------------------------------------------

    /**
     * A PENDING FULL_FLEET event over {@code devices} (indexes into the fleet), as StartCurtailment writes it: targets
     * PENDING with their baselines and snapshots, {@code NOTIFY curtailment_work}, one transaction.
     *
     * @param extraColumnsSql assignments applied to the event before commit (e.g. {@code max_duration_sec = 3}), or null
     */
    public UUID startEvent(List<Integer> devices, String extraColumnsSql) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            UUID eventId = insertEvent(c, 1, 1, devices, null);
            if (extraColumnsSql != null) {
                try (var ps = c.prepareStatement("UPDATE curtailment_event SET " + extraColumnsSql + " WHERE id = ?")) {
                    ps.setObject(1, eventId);
                    ps.executeUpdate();
                }
            }
            try (var ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, ReconcilerNode.WORK_CHANNEL);
                ps.setString(2, eventId.toString());
                ps.execute();
            }
            c.commit();
            return eventId;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A curtailment the reconciler has confirmed: the event ACTIVE, its targets CONFIRMED, holding their devices. */
    public UUID confirmedEvent(List<Integer> devices) {
        try (Connection c = db.connect()) {
            return insertEvent(c, 2, 3, devices, null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A curtailment that is over: the event COMPLETED, its targets RESOLVED (the devices are free again). */
    public UUID finishedEvent(List<Integer> devices) {
        try (Connection c = db.connect()) {
            return insertEvent(c, 4, 5, devices, "now()");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private UUID insertEvent(Connection c, int eventState, int targetState, List<Integer> devices, String endedAt)
            throws SQLException {
        UUID eventId;
        try (var ps = c.prepareStatement("INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason,"
                + " scope, max_duration_sec, candidate_min_power_w, request_fingerprint, source_actor_type,"
                + " source_actor_id, created_by_user_id, target_count, started_at, ended_at) VALUES (?, ?, 2, 2, 1,"
                + " 'test', '{\"kind\":\"whole_org\"}', 3600, 1500, 'fp', 'user', 'u', ?, ?,"
                + " CASE WHEN ? >= 2 THEN now() END, " + (endedAt == null ? "NULL" : endedAt) + ") RETURNING id")) {
            ps.setObject(1, orgId);
            ps.setShort(2, (short) eventState);
            ps.setObject(3, userId);
            ps.setInt(4, devices.size());
            ps.setInt(5, eventState);
            try (var rs = ps.executeQuery()) {
                rs.next();
                eventId = rs.getObject(1, UUID.class);
            }
        }
        try (var ps = c.prepareStatement("INSERT INTO curtailment_target (event_id, org_id, device_id, state,"
                + " desired_state, rank, baseline_power_w, pre_curtail_snapshot, resolved_at)"
                + " VALUES (?, ?, ?, ?, 1, ?, ?, '{\"was_mining\":true}', " + (endedAt == null ? "NULL" : endedAt) + ")")) {
            int rank = 1;
            for (int i : devices) {
                ps.setObject(1, eventId);
                ps.setObject(2, orgId);
                ps.setObject(3, deviceIds.get(i));
                ps.setShort(4, (short) targetState);
                ps.setInt(5, rank++);
                ps.setDouble(6, sim.miner(i).operatingPowerW());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return eventId;
    }

    /**
     * Stops the event through StopCurtailment's own statements ({@link StopEvent}) and wakes the reconcilers, in one
     * transaction, by the user: the event RESTORING, its open targets reset for the restore (never-commanded ones
     * RESOLVED at once). Fails when the event was neither PENDING nor ACTIVE.
     */
    public StopEvent.RestoreReset stopEvent(UUID eventId) {
        return pool().withTransaction(tx -> StopEvent.beginRestore(tx, eventId, "user")
                .map(reset -> reset.orElseThrow(() -> new IllegalStateException(
                        "event " + eventId + " is neither PENDING nor ACTIVE: " + eventState(eventId))))
                .call(reset -> tx.preparedQuery("SELECT pg_notify($1, $2)")
                        .execute(Tuple.of(ReconcilerNode.WORK_CHANNEL, eventId.toString()))))
                .await().atMost(AWAIT);
    }

    /** ForceRelease as the api-service runs it (EndEvent, then NOTIFY), on an event in {@code from}. */
    public int forceRelease(UUID eventId, EventState from, String reason) {
        return pool().withTransaction(tx -> EndEvent.release(tx, eventId, from, reason)
                .call(() -> tx.preparedQuery("SELECT pg_notify($1, $2)")
                        .execute(Tuple.of(ReconcilerNode.WORK_CHANNEL, eventId.toString()))))
                .await().atMost(AWAIT);
    }

    /** UpdateCurtailmentEvent as the api-service runs it once its checks passed (UpdateEvent, then NOTIFY). */
    public boolean updateEvent(UUID eventId, UpdateEvent.Changes changes) {
        return pool().withTransaction(tx -> UpdateEvent.apply(tx, eventId, changes)
                .call(() -> tx.preparedQuery("SELECT pg_notify($1, $2)")
                        .execute(Tuple.of(ReconcilerNode.WORK_CHANNEL, eventId.toString()))))
                .await().atMost(AWAIT);
    }

    /** The event's restore finished, as the reconciler would end it: open targets RESOLVED, the event COMPLETED. */
    public void complete(UUID eventId) {
        execute("WITH t AS (UPDATE curtailment_target SET state = 5, desired_state = 2, resolved_at = now()"
                + " WHERE event_id = ? AND state NOT IN (5, 6, 7))"
                + " UPDATE curtailment_event SET state = 4, ended_at = now() WHERE id = ?", eventId, eventId);
    }

    public int eventState(UUID eventId) {
        return (int) scalar("SELECT state FROM curtailment_event WHERE id = ?", eventId);
    }

    /** Curtail commands the miner at {@code index} received ("curtail" with a sleep parameter). */
    public long sleepCommands(int index) {
        return sim.commandsReceived(sim.host(index), "curtail").stream()
                .filter(r -> r.parameter() != null && r.parameter().endsWith("sleep")).count();
    }

    /** Curtail commands the miner at {@code index} received with a wakeup parameter. */
    public long wakeCommands(int index) {
        return sim.commandsReceived(sim.host(index), "curtail").stream()
                .filter(r -> r.parameter() != null && r.parameter().endsWith("wakeup")).count();
    }

    // ---- operator commands ------------------------------------------------------------------------------------

    /**
     * Queues one batch like AcceptCommand: one row per device (QUEUED, actor api_key), the accepted activity row and
     * {@code NOTIFY operator_command_work}, in one transaction. Returns the batch id.
     */
    public UUID queue(String command, String paramsJson, int maxAttempts, int... devices) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
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
                    + " VALUES (?, 'operator_command_accepted', 'api_key', 'testkey0000001',"
                    + " jsonb_build_object('batch_id', ?::text))")) {
                ps.setObject(1, orgId);
                ps.setString(2, batch.toString());
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, CommandExecutor.WORK_CHANNEL);
                ps.setString(2, batch.toString());
                ps.execute();
            }
            c.commit();
            return batch;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One command's row, by column name. */
    public Map<String, Object> command(UUID batch, int device) {
        return row("SELECT * FROM operator_command WHERE batch_id = ? AND device_id = ?", batch, deviceIds.get(device));
    }

    public String state(UUID batch, int device) {
        return (String) command(batch, device).get("state");
    }

    /** Every request the miner received, in arrival order. */
    public List<CommandRecord> received(int miner) {
        return sim.commandsReceived(sim.host(miner));
    }

    public long received(int miner, String verb) {
        return sim.commandsReceived(sim.host(miner), verb).size();
    }

    /** A counter of the shared registry, 0 before its first increment. */
    public double counter(String meter, String... tags) {
        var c = meters.find(meter).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    // ---- schedules --------------------------------------------------------------------------------------------

    /** A site holding the given devices. */
    public UUID site(String siteName, List<Integer> devices) {
        UUID site = UUID.fromString(text("INSERT INTO site (org_id, name) VALUES (?, ?) RETURNING id::text", orgId,
                siteName));
        for (int i : devices) {
            execute("UPDATE device SET site_id = ? WHERE id = ?", site, deviceIds.get(i));
        }
        return site;
    }

    /**
     * A daily schedule over the given devices in America/Chicago: SetPowerTarget {@code watts} from {@code start} to
     * {@code end} (local, "HH:MM") every day, reverting to {@code revertWatts}, priority 0.
     */
    public UUID dailySchedule(String scheduleName, List<Integer> devices, String start, String end, int watts,
            int revertWatts) {
        StringBuilder identifiers = new StringBuilder();
        for (int i : devices) {
            identifiers.append(identifiers.length() == 0 ? "" : ",").append('"').append(identifier(i)).append('"');
        }
        return dailySchedule(scheduleName, "{\"kind\":\"device_identifiers\",\"identifiers\":[" + identifiers + "]}",
                start, end, watts, revertWatts);
    }

    /** The same with a selector in its stored JSON form (e.g. {"kind":"site_ids","ids":[...]}). */
    public UUID dailySchedule(String scheduleName, String selectorJson, String start, String end, int watts,
            int revertWatts) {
        return UUID.fromString(text("INSERT INTO schedule (org_id, name, selector, action_type, action_power_w,"
                + " revert_type, revert_power_w, time_zone, window_kind, start_time, end_time, days_mask, priority,"
                + " created_by_user_id, created_actor_type, created_actor_id) VALUES (?, ?, ?::jsonb, 'SET_POWER_TARGET',"
                + " ?, 'SET_POWER_TARGET', ?, 'America/Chicago', 'DAILY', ?::time, ?::time, 127, 0, ?, 'user', 'test')"
                + " RETURNING id::text", orgId, scheduleName, selectorJson, watts, revertWatts, start, end, userId));
    }

    /** operator_command rows a schedule queued in a phase (start, revert, deferred_revert). */
    public long commands(UUID scheduleId, String phase) {
        return count("SELECT count(*) FROM operator_command WHERE actor_type = 'scheduler' AND actor_id = ?"
                + " AND params #>> '{schedule,phase}' = ?", scheduleId.toString(), phase);
    }

    /** Activity rows of one type written for a schedule. */
    public long activity(String type, UUID scheduleId) {
        return count("SELECT count(*) FROM activity_log WHERE type = ? AND actor_type = 'scheduler' AND actor_id = ?",
                type, scheduleId.toString());
    }

    /** Power targets the miner at {@code index} accepted on the wire, in order. */
    public List<Integer> powerTargets(int index) {
        List<Integer> out = new ArrayList<>();
        for (CommandRecord r : sim.commandsReceived(sim.host(index), "powertargetset")) {
            String p = r.parameter();
            if (p != null && p.contains("power=") && r.succeeded()) {
                out.add(Integer.parseInt(p.substring(p.indexOf("power=") + 6).trim()));
            }
        }
        return out;
    }

    // ---- SQL --------------------------------------------------------------------------------------------------

    /** Every row of a query, columns by label in select order. */
    public List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                var meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one row of a query; fails on none or several. */
    public Map<String, Object> row(String sql, Object... params) {
        List<Map<String, Object>> rows = rows(sql, params);
        if (rows.size() != 1) {
            throw new IllegalStateException("expected one row, got " + rows.size() + ": " + sql);
        }
        return rows.get(0);
    }

    /** The first column of the first row, as a long. */
    public long scalar(String sql, Object... params) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row: " + sql);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A {@code count(*)} query. */
    public long count(String sql, Object... params) {
        return scalar(sql, params);
    }

    /** The first column of the first row as text; null when there is no row. */
    public String text(String sql, Object... params) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs any statement. */
    public void execute(String sql, Object... params) {
        try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
            bind(ps, params);
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    @Override
    public void close() {
        for (TelemetryPoller p : pollers) {
            p.stop().await().atMost(AWAIT);
        }
        for (ScheduleProcessor p : List.copyOf(processors)) {
            stopProcessor(p);
        }
        stopExecutors();
        for (ReconcilerNode n : nodes) {
            n.stop().await().atMost(AWAIT);
        }
        registries.forEach(DriverRegistry::close);
        pools.forEach(p -> p.close().await().atMost(Duration.ofSeconds(5)));
        sim.close();
        vertx.close().await().atMost(Duration.ofSeconds(5));
        db.drop();
    }
}
