package fleet.api.metrics;

import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.metrics.MetricNames;
import fleet.persistence.StateSql;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Publishes the fleet-wide gauges of {@link MetricNames} (the api-service section) from PostgreSQL every 15 s:
 * events and targets by state, confirmed and target kW, overdue PENDING events, reconciler heartbeats and
 * telemetry freshness. They are read from the database, not from a reconciler's memory, so they stay true when
 * every reconciler is dead — which is exactly when the alerts built on them must fire.
 *
 * <p>Two set-based statements per refresh, whatever the fleet size. Every age is computed with the database's
 * {@code now()}, never this process's clock. A failed read sets every gauge to NaN ("unknown") rather than
 * keeping values that are no longer true.
 */
@Startup
@ApplicationScoped
public class FleetGauges {

    private static final Logger LOG = Logger.getLogger(FleetGauges.class);

    /** A reconciler is live when its heartbeat is at most this old (SPEC §6.1 fair share counts the same). */
    static final int LIVE_WINDOW_SECONDS = 10;

    /** Defaults of curtailment_org_config, for an organization whose row is missing. */
    private static final int DEFAULT_CONFIRM_TIMEOUT_SEC = 30;
    private static final int DEFAULT_CURTAIL_RETRY_BUDGET = 5;
    private static final int DEFAULT_FRESHNESS_SEC = 180;

    private static final Set<EventState> LIVE_EVENT_STATES = Set.of(EventState.PENDING, EventState.ACTIVE,
            EventState.RESTORING);

    /*
     * One row per (kind, state). Live events are PENDING(1), ACTIVE(2), RESTORING(3). Target kW counts only
     * events still holding a curtailment (PENDING, ACTIVE): a RESTORING event resets its targets, so counting
     * its target would show a shortfall that is in fact the requested restore. A PENDING event is overdue when
     * it is older than its confirmation budget, curtail timeout × (retry budget + 1), plus the time its own
     * curtail pacing needs to send the last batch (NORMAL priority only: EMERGENCY ignores pacing).
     */
    private static final String CURTAILMENT_SQL = StateSql.render("""
            WITH live AS (
                SELECT e.id, e.state, e.mode, e.target_kw, e.created_at,
                       coalesce(c.curtail_confirm_timeout_sec, %d) * (coalesce(c.curtail_retry_budget, %d) + 1)
                       + CASE WHEN e.priority = 1 AND e.curtail_batch_size > 0
                              THEN greatest(ceil(e.target_count::numeric / e.curtail_batch_size) - 1, 0)
                                   * e.curtail_batch_interval_sec
                              ELSE 0 END AS pending_budget_sec
                FROM curtailment_event e
                LEFT JOIN curtailment_org_config c ON c.org_id = e.org_id
                WHERE e.state IN {EventState.LIVE}
            ), targets AS (
                SELECT t.state, count(*) AS n, sum(t.baseline_power_w) AS baseline_w
                FROM curtailment_target t JOIN live ON live.id = t.event_id
                GROUP BY t.state
            )
            SELECT 'event' AS kind, live.state AS state, count(*)::float8 AS value FROM live GROUP BY live.state
            UNION ALL
            SELECT 'target', targets.state, targets.n::float8 FROM targets
            UNION ALL
            SELECT 'confirmed_w', NULL, coalesce(sum(targets.baseline_w), 0)::float8 FROM targets WHERE targets.state = {TargetState.CONFIRMED}
            UNION ALL
            SELECT 'target_kw', NULL, coalesce(sum(live.target_kw), 0)::float8
                FROM live WHERE live.mode = 1 AND live.state IN {EventState.PENDING, ACTIVE}
            UNION ALL
            SELECT 'pending_overdue', NULL, count(*)::float8
                FROM live WHERE live.state = {EventState.PENDING}
                 AND live.created_at < now() - make_interval(secs => live.pending_budget_sec::float8)
            """).formatted(DEFAULT_CONFIRM_TIMEOUT_SEC, DEFAULT_CURTAIL_RETRY_BUDGET);

    /*
     * Heartbeats and telemetry. A device is stale when its latest sample is older than its organization's
     * freshness window, or when it has none. Ages are NULL (published as NaN) when there is nothing to age.
     */
    private static final String FLEET_SQL = """
            SELECT 'member' AS kind, m.id AS label, m.owned_events::float8 AS value
                FROM reconciler_member m WHERE m.last_seen >= now() - make_interval(secs => %d)
            UNION ALL
            SELECT 'heartbeat_age', NULL, extract(epoch FROM now() - max(m.last_seen))::float8
                FROM reconciler_member m
            UNION ALL
            SELECT 'oldest_sample_age', NULL, extract(epoch FROM now() - min(l.sampled_at))::float8
                FROM device_telemetry_latest l
            UNION ALL
            SELECT 'stale_devices', NULL, count(*)::float8
                FROM device d
                LEFT JOIN curtailment_org_config c ON c.org_id = d.org_id
                LEFT JOIN device_telemetry_latest l ON l.device_id = d.id
                WHERE l.sampled_at IS NULL
                   OR l.sampled_at < now() - make_interval(secs => coalesce(c.telemetry_freshness_sec, %d))
            """.formatted(LIVE_WINDOW_SECONDS, DEFAULT_FRESHNESS_SEC);

    private final Pool pool;
    private final MeterRegistry registry;

    private final Map<EventState, GaugeValue> events = new EnumMap<>(EventState.class);
    private final Map<TargetState, GaugeValue> targets = new EnumMap<>(TargetState.class);
    private final GaugeValue confirmedKw;
    private final GaugeValue targetKw;
    private final GaugeValue pendingOverdue;
    private final GaugeValue liveReconcilers;
    private final GaugeValue heartbeatAge;
    private final GaugeValue oldestSampleAge;
    private final GaugeValue staleDevices;
    /** Guarded by {@code this}: one gauge per live replica, removed when the replica stops heartbeating. */
    private final Map<String, OwnedEvents> ownedEvents = new HashMap<>();

    private record OwnedEvents(GaugeValue value, Gauge gauge) {
    }

    public FleetGauges(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        this.registry = registry;
        for (EventState state : EventState.values()) {
            if (LIVE_EVENT_STATES.contains(state)) {
                events.put(state, register(MetricNames.EVENTS_BY_STATE, "state", state.name()));
            }
        }
        for (TargetState state : TargetState.values()) {
            targets.put(state, register(MetricNames.TARGETS_BY_STATE, "state", state.name()));
        }
        confirmedKw = register(MetricNames.CONFIRMED_KW);
        targetKw = register(MetricNames.TARGET_KW);
        pendingOverdue = register(MetricNames.PENDING_OVERDUE);
        liveReconcilers = register(MetricNames.LIVE_RECONCILERS);
        heartbeatAge = register(MetricNames.HEARTBEAT_AGE);
        oldestSampleAge = register(MetricNames.TELEMETRY_OLDEST_SAMPLE_AGE);
        staleDevices = register(MetricNames.TELEMETRY_STALE_DEVICES);
    }

    private GaugeValue register(String name, String... tags) {
        GaugeValue value = new GaugeValue();
        Gauge.builder(name, value, GaugeValue::get).tags(tags).strongReference(true).register(registry);
        return value;
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledRefresh() {
        return refresh().onFailure().recoverWithNull();
    }

    /** Reads both aggregates and publishes them; on failure every gauge becomes NaN and the failure is passed on. */
    public Uni<Void> refresh() {
        return pool.query(CURTAILMENT_SQL).execute()
                .flatMap(curtailment -> pool.query(FLEET_SQL).execute()
                        .invoke(fleet -> publish(curtailment, fleet)))
                .onFailure().invoke(failure -> {
                    LOG.warnf(failure, "could not read the fleet gauges from PostgreSQL; publishing NaN");
                    publishUnknown();
                })
                .replaceWithVoid();
    }

    private synchronized void publish(RowSet<Row> curtailment, RowSet<Row> fleet) {
        Map<EventState, Double> eventCounts = new EnumMap<>(EventState.class);
        Map<TargetState, Double> targetCounts = new EnumMap<>(TargetState.class);
        double confirmedW = 0;
        double fixedKw = 0;
        double overdue = 0;
        for (Row row : curtailment) {
            double value = row.getDouble("value");
            switch (row.getString("kind")) {
                case "event" -> eventCounts.put(EventState.fromWire(row.getInteger("state")), value);
                case "target" -> targetCounts.put(TargetState.fromWire(row.getInteger("state")), value);
                case "confirmed_w" -> confirmedW = value;
                case "target_kw" -> fixedKw = value;
                case "pending_overdue" -> overdue = value;
                default -> throw new IllegalStateException("unexpected row kind " + row.getString("kind"));
            }
        }
        events.forEach((state, gauge) -> gauge.set(eventCounts.getOrDefault(state, 0.0)));
        targets.forEach((state, gauge) -> gauge.set(targetCounts.getOrDefault(state, 0.0)));
        confirmedKw.set(confirmedW / 1000.0);
        targetKw.set(fixedKw);
        pendingOverdue.set(overdue);

        Map<String, Double> owned = new HashMap<>();
        double heartbeat = Double.NaN;
        double oldestSample = Double.NaN;
        double stale = 0;
        for (Row row : fleet) {
            Double value = row.getDouble("value");
            switch (row.getString("kind")) {
                case "member" -> owned.put(row.getString("label"), value);
                case "heartbeat_age" -> heartbeat = value == null ? Double.NaN : value;
                case "oldest_sample_age" -> oldestSample = value == null ? Double.NaN : value;
                case "stale_devices" -> stale = value;
                default -> throw new IllegalStateException("unexpected row kind " + row.getString("kind"));
            }
        }
        liveReconcilers.set(owned.size());
        heartbeatAge.set(heartbeat);
        oldestSampleAge.set(oldestSample);
        staleDevices.set(stale);
        publishOwnedEvents(owned);
    }

    private void publishOwnedEvents(Map<String, Double> owned) {
        for (String gone : new HashSet<>(ownedEvents.keySet())) {
            if (!owned.containsKey(gone)) {
                registry.remove(ownedEvents.remove(gone).gauge());
            }
        }
        owned.forEach((replica, count) -> ownedEvents.computeIfAbsent(replica, id -> {
            GaugeValue value = new GaugeValue();
            Gauge gauge = Gauge.builder(MetricNames.OWNED_EVENTS, value, GaugeValue::get).tag("replica", id)
                    .strongReference(true).register(registry);
            return new OwnedEvents(value, gauge);
        }).value().set(count));
    }

    private synchronized void publishUnknown() {
        events.values().forEach(g -> g.set(Double.NaN));
        targets.values().forEach(g -> g.set(Double.NaN));
        for (GaugeValue g : new GaugeValue[] {confirmedKw, targetKw, pendingOverdue, liveReconcilers, heartbeatAge,
                oldestSampleAge, staleDevices}) {
            g.set(Double.NaN);
        }
        ownedEvents.values().forEach(o -> o.value().set(Double.NaN));
    }
}
