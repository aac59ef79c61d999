package fleet.reconciler.loop;

import fleet.domain.confirm.Confirmation;
import fleet.driver.DriverRegistry;
import fleet.metrics.MetricNames;
import fleet.persistence.StateSql;
import fleet.reconciler.ReconcilerSettings;
import fleet.reconciler.lease.EventLeases;
import fleet.reconciler.lease.LeaseConnection;
import fleet.reconciler.step.CurtailPhase;
import fleet.reconciler.step.DbClock;
import fleet.reconciler.step.EventStepper;
import fleet.reconciler.step.EventTransitions;
import fleet.reconciler.step.Fencing;
import fleet.reconciler.step.MinerCalls;
import fleet.reconciler.step.RestorePhase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One reconciler replica: its lease connection, its event leases, the loop (a safety tick plus LISTEN wake-ups) and
 * the per-event steps. A plain object (no CDI) so tests can run several replicas in one JVM; the Quarkus app builds
 * one. See {@code package-info.java} for the loop's invariants.
 */
public final class ReconcilerNode {

    private static final Logger LOG = Logger.getLogger(ReconcilerNode.class);
    public static final String WORK_CHANNEL = fleet.persistence.Channels.CURTAILMENT_WORK;

    private static final String LIVE_EVENTS =
            StateSql.render("SELECT id FROM curtailment_event WHERE state IN {EventState.LIVE} ORDER BY created_at, id");

    /** Test hook: runs before every step of an event (inject a failure, park on a latch). */
    public interface StepHook {
        Uni<Void> beforeStep(UUID eventId);
    }

    private final Vertx vertx;
    private final Pool pool;
    private final ReconcilerSettings settings;
    private final MeterRegistry meters;
    private final LeaseConnection connection;
    private final EventLeases leases;
    private final EventStepper stepper;
    private final Fencing fencing;
    private final Map<UUID, EventRun> runs = new HashMap<>();
    private final AtomicLong lastTickMillis = new AtomicLong();
    private Context context;
    private long timerId = -1;
    private long heartbeatTimerId = -1;
    private boolean beating;
    private boolean ticking;
    private boolean stopping;
    /** Live events as last read by a tick, plus those announced by NOTIFY since (a set: no double counting). */
    private Set<UUID> liveEvents = new java.util.HashSet<>();
    /** Events announced by NOTIFY since the tick's live-event query began (its snapshot may predate them). */
    private Set<UUID> announced = new java.util.HashSet<>();
    private int pendingClaims;
    private volatile int liveReplicas = 1;
    private boolean liveReplicasKnown;
    private volatile StepHook hook = id -> Uni.createFrom().voidItem();
    private volatile java.util.function.Supplier<Uni<Void>> tickHook = () -> Uni.createFrom().voidItem();
    private volatile java.util.function.IntSupplier ownedShards = () -> 0;

    /** Per-event run state; touched only on the loop's context. */
    private static final class EventRun {
        final EventStepper.Memory memory = new EventStepper.Memory();
        boolean running;
        boolean again;
        volatile boolean cancelled;
        CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);
    }

    public ReconcilerNode(Vertx vertx, Pool pool, PgConnectOptions leaseOptions, DriverRegistry drivers, Clock clock,
            ReconcilerSettings settings, MeterRegistry meters) {
        this.vertx = vertx;
        this.pool = pool;
        this.settings = settings;
        this.meters = meters;
        ReconcilerMetrics.register(meters);
        this.connection = new LeaseConnection(vertx, leaseOptions, "reconciler-" + settings.nodeId(), List.of(WORK_CHANNEL));
        this.leases = new EventLeases(connection, pool, settings.nodeId(), meters);
        this.fencing = new Fencing(pool, settings.nodeId(), meters.counter(MetricNames.LOST_RACES)::increment);
        DbClock dbClock = new DbClock(clock);
        MinerCalls miners = new MinerCalls(vertx.getDelegate(), drivers, dbClock, meters, settings.sendChunk());
        Confirmation confirmation = Confirmation.DEFAULT;
        this.stepper = new EventStepper(pool,
                new CurtailPhase(pool, fencing, miners, dbClock, meters, confirmation),
                new RestorePhase(pool, fencing, miners, meters, confirmation),
                new EventTransitions(fencing), settings, dbClock);
        connection.onNotification(this::onNotification);
        connection.onLoss(cause -> onLeaseLoss());
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------

    /** Connects and starts ticking on a context of its own. Completes once the lease connection is up (or failed). */
    public Uni<Void> start() {
        context = vertx.getDelegate().getOrCreateContext();
        CompletableFuture<Void> started = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            timerId = vertx.getDelegate().setPeriodic(settings.tick().toMillis(), id -> tick());
            // the heartbeat has its own timer: a long tick (many claims on a busy database) must not make this
            // replica look dead to the others, which would inflate their fair share
            heartbeatTimerId = vertx.getDelegate().setPeriodic(settings.tick().toMillis(), id -> beat());
            connection.ensureConnected().subscribe().with(ok -> {
                started.complete(null);
                tick();
            }, failure -> {
                LOG.warnf("lease connection not available yet: %s", failure.getMessage());
                started.complete(null);
            });
        });
        return Uni.createFrom().completionStage(started);
    }

    /**
     * Graceful shutdown, in order: stop taking work → let in-flight steps finish (bounded) → stop heartbeats →
     * close the lease connection (which frees every lock at once).
     */
    public Uni<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (context == null) {
            return Uni.createFrom().voidItem();
        }
        context.runOnContext(ignored -> {
            stopping = true;
            if (timerId >= 0) {
                vertx.getDelegate().cancelTimer(timerId);
                vertx.getDelegate().cancelTimer(heartbeatTimerId);
            }
            CompletableFuture<?>[] idle = runs.values().stream().map(r -> r.idle).toArray(CompletableFuture[]::new);
            Uni.createFrom().completionStage(CompletableFuture.allOf(idle))
                    .ifNoItem().after(settings.shutdownBudget()).recoverWithItem((Void) null)
                    .chain(() -> pool.preparedQuery("DELETE FROM reconciler_member WHERE id = $1")
                            .execute(Tuple.of(settings.nodeId())).onFailure().recoverWithNull())
                    .chain(() -> connection.close())
                    .subscribe().with(ok -> done.complete(null), failure -> done.complete(null));
        });
        return Uni.createFrom().completionStage(done);
    }

    /** What the heartbeat reports as {@code owned_shards} (the telemetry poller's shard count). */
    public void reportOwnedShards(java.util.function.IntSupplier value) {
        this.ownedShards = value;
    }

    /** Live replicas as this replica's last heartbeat counted them (itself included). */
    public int liveReplicas() {
        return liveReplicas;
    }

    /** Readiness: the lease connection is up. */
    public boolean isReady() {
        return connection.isUp() && !stopping;
    }

    public void setStepHook(StepHook value) {
        this.hook = value;
    }

    /** Test hook: runs at the start of every tick (park the whole loop, as a paused process would be). */
    public void setTickHook(java.util.function.Supplier<Uni<Void>> value) {
        this.tickHook = value;
    }

    public void observeWrites(Fencing.WriteObserver observer) {
        fencing.observe(observer);
    }

    public void hookWrites(Fencing.WriteHook writeHook) {
        fencing.hook(writeHook);
    }

    public String nodeId() {
        return settings.nodeId();
    }

    /** The events this replica leases right now (a copy, safe from any thread). */
    public Set<UUID> ownedEvents() {
        return Set.copyOf(leases.snapshot());
    }

    public LeaseConnection leaseConnection() {
        return connection;
    }

    public Context context() {
        return context;
    }

    /** Runs {@code task} on this replica's context (companions that share the lease connection start there). */
    public void runOnContext(Runnable task) {
        context.runOnContext(ignored -> task.run());
    }

    // ---- the loop ------------------------------------------------------------------------------------------

    private void tick() {
        if (ticking || stopping) {
            return;
        }
        ticking = true;
        Timer.Sample sample = Timer.start(meters);
        long started = System.nanoTime();
        tickHook.get()
                .chain(connection::ensureConnected)
                .chain(() -> liveReplicasKnown ? Uni.createFrom().voidItem() : heartbeat())
                .chain(() -> leases.verify())
                .invoke(dropped -> dropped.forEach(this::forget))
                .chain(() -> rebalance())
                .invoke(() -> List.copyOf(runs.keySet()).forEach(this::requestStep))
                .onFailure().invoke(failure -> LOG.warnf("tick failed: %s", failure.toString()))
                .onTermination().invoke(() -> {
                    ticking = false;
                    lastTickMillis.set((System.nanoTime() - started) / 1_000_000);
                    sample.stop(meters.timer(MetricNames.TICK_DURATION));
                })
                .subscribe().with(ok -> { }, failure -> { });
    }

    private void beat() {
        if (beating || stopping) {
            return;
        }
        beating = true;
        tickHook.get().chain(this::heartbeat)
                .onFailure().invoke(failure -> LOG.debugf("heartbeat failed: %s", failure.toString()))
                .onTermination().invoke(() -> beating = false)
                .subscribe().with(ok -> { }, failure -> { });
    }

    /** Upserts this replica's heartbeat and learns how many replicas are live (database time). */
    private Uni<Void> heartbeat() {
        return pool.preparedQuery("""
                        WITH hb AS (
                            INSERT INTO reconciler_member (id, last_seen, owned_events, tick_ms, host, owned_shards)
                            VALUES ($1, now(), $2, $3, $4, $6)
                            ON CONFLICT (id) DO UPDATE SET last_seen = now(), owned_events = $2, tick_ms = $3,
                                                           owned_shards = $6
                            RETURNING id)
                        SELECT 1 + (SELECT count(*) FROM reconciler_member
                                    WHERE id <> $1 AND last_seen > now() - make_interval(secs => $5::int)) AS live
                        """)
                .execute(Tuple.of(settings.nodeId(), leases.size(), (int) lastTickMillis.get(), hostName(),
                        (int) settings.liveWindow().toSeconds(), ownedShards.getAsInt()))
                .invoke(rows -> {
                    liveReplicas = Math.max(1, rows.iterator().next().getInteger("live"));
                    liveReplicasKnown = true;
                })
                .replaceWithVoid();
    }

    /**
     * Fair share (SPEC §6.1): own at most ceil(live events / live replicas) + 1 events; release finished and surplus
     * leases, claim unowned live events up to the share.
     */
    private Uni<Void> rebalance() {
        announced = new java.util.HashSet<>();
        return pool.query(LIVE_EVENTS).execute()
                .chain(rows -> {
                    List<UUID> live = new ArrayList<>();
                    for (Row r : rows) {
                        live.add(r.getUUID("id"));
                    }
                    Set<UUID> liveSet = new LinkedHashSet<>(live);
                    Set<UUID> known = new java.util.HashSet<>(liveSet);
                    known.addAll(announced);
                    liveEvents = known;
                    Uni<Void> work = Uni.createFrom().voidItem();
                    for (UUID owned : ownedEvents()) {
                        if (!liveSet.contains(owned)) {
                            work = work.chain(() -> releaseEvent(owned, "finished"));
                        }
                    }
                    int share = share();
                    List<UUID> mine = new ArrayList<>(ownedEvents());
                    mine.retainAll(liveSet);
                    for (int i = share; i < mine.size(); i++) {
                        UUID surplus = mine.get(mine.size() - 1 - (i - share));
                        work = work.chain(() -> releaseEvent(surplus, "surplus"));
                    }
                    for (UUID candidate : live) {
                        work = work.chain(() -> underShare() && leases.lease(candidate).isEmpty()
                                ? claim(candidate)
                                : Uni.createFrom().voidItem());
                    }
                    return work;
                });
    }

    private int share() {
        return (int) Math.ceil((double) liveEvents.size() / liveReplicas) + 1;
    }

    /** Claims in flight count against the share, so a burst of wake-ups cannot overshoot it. */
    private boolean underShare() {
        return leases.size() + pendingClaims < share();
    }

    private Uni<Void> claim(UUID eventId) {
        pendingClaims++;
        return leases.claim(eventId)
                .onTermination().invoke(() -> pendingClaims--)
                .invoke(lease -> lease.ifPresent(l -> {
                    runs.computeIfAbsent(eventId, id -> new EventRun());
                    requestStep(eventId);
                })).replaceWithVoid();
    }

    private Uni<Void> releaseEvent(UUID eventId, String cause) {
        EventRun run = runs.get(eventId);
        if (run != null) {
            run.cancelled = true;
        }
        Uni<Void> idle = run == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(run.idle).replaceWithVoid();
        return idle.chain(() -> {
            runs.remove(eventId);
            return leases.release(eventId, cause);
        });
    }

    private void forget(UUID eventId) {
        EventRun run = runs.remove(eventId);
        if (run != null) {
            run.cancelled = true;
        }
    }

    private void onLeaseLoss() {
        List<UUID> dropped = leases.dropAll("connection_lost");
        dropped.forEach(this::forget);
        runs.values().forEach(r -> r.cancelled = true);
        runs.clear();
    }

    /** A wake-up: drive the named event now if it is ours, or try to claim it if we are under our share. */
    private void onNotification(String channel, String payload) {
        if (stopping || !WORK_CHANNEL.equals(channel) || payload == null) {
            return;
        }
        UUID eventId;
        try {
            eventId = UUID.fromString(payload.trim());
        } catch (IllegalArgumentException e) {
            return;
        }
        if (leases.lease(eventId).isPresent()) {
            requestStep(eventId);
            return;
        }
        liveEvents.add(eventId);
        announced.add(eventId);
        if (underShare()) {
            claim(eventId).subscribe().with(ok -> { }, failure -> LOG.debugf("claim of %s failed: %s", eventId, failure));
        }
    }

    /** Steps of one event never overlap: a request during a step runs one more step right after it. */
    private void requestStep(UUID eventId) {
        EventRun run = runs.get(eventId);
        if (run == null || stopping) {
            return;
        }
        if (run.running) {
            run.again = true;
            return;
        }
        var lease = leases.lease(eventId);
        if (lease.isEmpty()) {
            return;
        }
        run.running = true;
        run.again = false;
        CompletableFuture<Void> idle = new CompletableFuture<>();
        run.idle = idle;
        long epoch = lease.get().epoch();
        hook.beforeStep(eventId)
                .chain(() -> stepper.step(eventId, epoch, run.memory, () -> run.cancelled || stopping))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "step of event %s failed", eventId);
                    meters.counter(MetricNames.STEP_OUTCOMES, "outcome", "error").increment();
                    return null;
                })
                .subscribe().with(outcome -> {
                    run.running = false;
                    idle.complete(null);
                    if (outcome != null) {
                        meters.counter(MetricNames.STEP_OUTCOMES, "outcome", outcome.name().toLowerCase()).increment();
                    }
                    if (outcome == EventStepper.Outcome.FINISHED || outcome == EventStepper.Outcome.FENCED) {
                        releaseEvent(eventId, outcome == EventStepper.Outcome.FENCED ? "fenced" : "finished")
                                .subscribe().with(ok -> { }, failure -> { });
                    } else if (run.again && runs.get(eventId) == run) {
                        requestStep(eventId);
                    }
                });
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        return host == null ? "local" : host;
    }

    public Duration tickInterval() {
        return settings.tick();
    }
}
