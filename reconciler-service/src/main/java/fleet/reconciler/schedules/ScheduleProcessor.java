package fleet.reconciler.schedules;

import fleet.domain.schedule.Occurrence;
import fleet.domain.schedule.ScheduleWindow;
import fleet.domain.schedule.WindowColumns;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The schedule processor of one reconciler replica (SPEC §7.6): every tick it
 * <ol>
 *   <li>turns revert commands the executor blocked at execution into deferred reverts;</li>
 *   <li>ends the windows whose end has passed ({@link RevertWindow});</li>
 *   <li>sends the deferred reverts whose curtailment has ended ({@link DeferredReverts});</li>
 *   <li>starts the windows in progress that have not started ({@link StartWindow}).</li>
 * </ol>
 * Reverts come before starts, so a device's revert is always queued before the next window's action. "Now" for the
 * window arithmetic is the injected {@link Clock}; instants written to rows come from the database.
 *
 * <p>A plain object (no CDI) like {@code ReconcilerNode}, so tests run several in one JVM. See
 * {@code package-info.java} for the invariants.
 */
public final class ScheduleProcessor {

    private static final Logger LOG = Logger.getLogger(ScheduleProcessor.class);
    public static final String STEPS = "fleet.schedules.steps";
    public static final String TICK_DURATION = "fleet.schedules.tick.duration";

    private static final String ENABLED = """
            SELECT id, time_zone, window_kind, start_time, end_time, days_mask, cron_expression, duration_sec, version
            FROM schedule WHERE enabled AND deleted_at IS NULL
            """;
    private static final String STARTED = """
            SELECT schedule_id, window_start FROM schedule_occurrence
            WHERE schedule_id = ANY($1) AND window_start = ANY($2)
            """;

    private final Vertx vertx;
    private final Pool pool;
    private final Clock clock;
    private final ScheduleSettings settings;
    private final MeterRegistry meters;
    private final DeferredReverts deferred;
    private final StartWindow starts;
    private final RevertWindow reverts;
    /** Parsed windows by schedule id, valid for one version. Touched only on the processor's context. */
    private final Map<UUID, Parsed> windows = new HashMap<>();
    private volatile TransactionHook hook = TransactionHook.NONE;
    private Context context;
    private long timerId = -1;
    private boolean ticking;
    private boolean stopping;
    private CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);

    private record Parsed(long version, ScheduleWindow window, ZoneId zone) {
    }

    public ScheduleProcessor(Vertx vertx, Pool pool, Clock clock, ScheduleSettings settings, MeterRegistry meters) {
        this.vertx = vertx;
        this.pool = pool;
        this.clock = clock;
        this.settings = settings;
        this.meters = meters;
        Supplier<TransactionHook> hooks = () -> hook;
        this.deferred = new DeferredReverts(pool);
        this.starts = new StartWindow(pool, deferred, settings.nodeId(), hooks);
        this.reverts = new RevertWindow(pool, settings.nodeId(), hooks);
        for (String step : List.of("start", "revert", "deferred_revert", "blocked_revert")) {
            meters.counter(STEPS, "step", step, "outcome", "error");
        }
    }

    /** Starts ticking on a context of its own; the first tick runs at once. */
    public Uni<Void> start() {
        context = vertx.getDelegate().getOrCreateContext();
        CompletableFuture<Void> started = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            timerId = vertx.getDelegate().setPeriodic(settings.tick().toMillis(), id -> tick());
            tick();
            started.complete(null);
        });
        return Uni.createFrom().completionStage(started);
    }

    /** Stops ticking and waits (bounded) for a tick in progress; its open transaction commits or rolls back whole. */
    public Uni<Void> stop() {
        if (context == null) {
            return Uni.createFrom().voidItem();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            stopping = true;
            if (timerId >= 0) {
                vertx.getDelegate().cancelTimer(timerId);
            }
            Uni.createFrom().completionStage(idle)
                    .ifNoItem().after(settings.shutdownBudget()).recoverWithItem((Void) null)
                    .subscribe().with(ok -> done.complete(null), failure -> done.complete(null));
        });
        return Uni.createFrom().completionStage(done);
    }

    /** Test hook: runs inside the start and revert transactions once their claims are held. */
    public void setTransactionHook(TransactionHook value) {
        this.hook = value == null ? TransactionHook.NONE : value;
    }

    public String nodeId() {
        return settings.nodeId();
    }

    // ---- the loop ------------------------------------------------------------------------------------------

    private void tick() {
        if (ticking || stopping) {
            return;
        }
        ticking = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        idle = done;
        Timer.Sample sample = Timer.start(meters);
        Instant now = clock.instant();
        isolated("blocked_revert", deferred.recordBlocked().map(n -> n > 0 ? "recorded" : "none"))
                .chain(() -> dueReverts(now))
                .chain(() -> releasableDeferred())
                .chain(() -> dueStarts(now))
                .onFailure().invoke(failure -> LOG.warnf("schedule tick failed: %s", failure.toString()))
                .onTermination().invoke(() -> {
                    ticking = false;
                    sample.stop(meters.timer(TICK_DURATION));
                    done.complete(null);
                })
                .subscribe().with(ok -> { }, failure -> { });
    }

    private Uni<Void> dueReverts(Instant now) {
        return pool.preparedQuery(RevertWindow.DUE).execute(Tuple.of(StartWindow.utc(now), settings.batchLimit()))
                .chain(rows -> {
                    Uni<Void> work = Uni.createFrom().voidItem();
                    for (Row r : rows) {
                        long id = r.getLong("id");
                        work = work.chain(() -> isolated("revert", reverts.run(id, now).map(o -> o.name().toLowerCase())));
                    }
                    return work;
                });
    }

    private Uni<Void> releasableDeferred() {
        return pool.preparedQuery(DeferredReverts.RELEASABLE).execute(Tuple.of(settings.batchLimit())).chain(rows -> {
            Uni<Void> work = Uni.createFrom().voidItem();
            for (Row r : rows) {
                UUID scheduleId = r.getUUID("schedule_id");
                work = work.chain(() -> isolated("deferred_revert",
                        deferred.release(scheduleId).map(n -> n > 0 ? "released" : "claimed_elsewhere")));
            }
            return work;
        });
    }

    /** Windows in progress now (by the clock) that have no occurrence row yet. */
    private Uni<Void> dueStarts(Instant now) {
        return pool.query(ENABLED).execute().chain(rows -> {
            Map<UUID, Occurrence> due = new HashMap<>();
            Set<UUID> seen = new HashSet<>();
            for (Row r : rows) {
                UUID id = r.getUUID("id");
                seen.add(id);
                try {
                    Parsed p = parsed(r);
                    p.window().containing(p.zone(), now).ifPresent(o -> due.put(id, o));
                } catch (RuntimeException e) {
                    LOG.warnf("schedule %s has an unreadable window: %s", id, e.getMessage());
                    meters.counter(STEPS, "step", "start", "outcome", "error").increment();
                }
            }
            windows.keySet().retainAll(seen);
            if (due.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            UUID[] ids = due.keySet().toArray(UUID[]::new);
            OffsetDateTime[] startsAt = due.values().stream().map(o -> StartWindow.utc(o.start())).toArray(OffsetDateTime[]::new);
            return pool.preparedQuery(STARTED).execute(Tuple.of(ids, startsAt)).chain(started -> {
                for (Row r : started) {
                    Occurrence o = due.get(r.getUUID("schedule_id"));
                    if (o != null && o.start().equals(r.getOffsetDateTime("window_start").toInstant())) {
                        due.remove(r.getUUID("schedule_id"));
                    }
                }
                Uni<Void> work = Uni.createFrom().voidItem();
                int n = 0;
                for (UUID id : due.keySet()) {
                    if (n++ == settings.batchLimit()) {
                        break;
                    }
                    work = work.chain(() -> isolated("start", starts.run(id, now).map(o -> o.name().toLowerCase())));
                }
                return work;
            });
        });
    }

    private Parsed parsed(Row r) {
        UUID id = r.getUUID("id");
        long version = r.getLong("version");
        Parsed p = windows.get(id);
        if (p == null || p.version() != version) {
            p = new Parsed(version, StartWindow.window(r), ZoneId.of(r.getString("time_zone")));
            windows.put(id, p);
        }
        return p;
    }

    /** A step's failure is logged and counted and never stops the tick (per-item isolation). */
    private Uni<Void> isolated(String step, Uni<String> work) {
        return work
                .onItem().invoke(outcome -> meters.counter(STEPS, "step", step, "outcome", outcome).increment())
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "schedule %s step failed", step);
                    meters.counter(STEPS, "step", step, "outcome", "error").increment();
                    return null;
                })
                .replaceWithVoid();
    }
}
