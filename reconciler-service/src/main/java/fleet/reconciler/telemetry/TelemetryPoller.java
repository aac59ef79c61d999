package fleet.reconciler.telemetry;

import fleet.driver.CommandOutcome;
import fleet.driver.DriverRegistry;
import fleet.metrics.MetricNames;
import fleet.reconciler.lease.AdvisoryKeys;
import fleet.reconciler.lease.LeaseConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The telemetry poller (SPEC §7.3): polls every device of the shards this replica leases, on an interval, with
 * bounded concurrency, and writes {@code device_telemetry_latest} in bulk. See {@code package-info.java} for the
 * invariants.
 *
 * <p>Plain Java (no CDI) so tests run several in one JVM. Everything runs on ONE Vert.x context, taken at
 * {@link #start()}: the shard check, the rounds, and every use of the {@link LeaseConnection} (which must be used
 * from the context it was opened on, so start the poller on that context). The poller never opens, re-opens or
 * closes the lease connection: its owner does; while it is down the poller holds no shard and polls nothing.
 */
public final class TelemetryPoller {

    private static final Logger LOG = Logger.getLogger(TelemetryPoller.class);

    private final Vertx vertx;
    private final LeaseConnection lease;
    private final DriverRegistry drivers;
    private final Clock clock;
    private final PollerSettings settings;
    private final MeterRegistry meters;
    private final String replicaId;
    private final TelemetryStore store;
    private final ShardBalancer balancer;
    private final Timer roundTimer;
    private final AtomicInteger shardsGauge = new AtomicInteger();
    private final Map<String, Counter> failureCounters = new ConcurrentHashMap<>();
    private final AtomicLong statements = new AtomicLong();
    private final List<RoundListener> listeners = new CopyOnWriteArrayList<>();

    // Set once by start(); read by pollOnce/stop from any thread.
    private volatile Context context;
    private volatile Executor onContext;

    // Confined to the context.
    private long roundTimerId = -1;
    private long checkTimerId = -1;
    private boolean started;
    private boolean stopped;
    private boolean checking;
    private boolean firstRoundDone;
    private long rounds;
    private Round round;
    private final TreeSet<Integer> held = new TreeSet<>();

    // Published for other threads.
    private volatile Set<Integer> heldView = Set.of();
    private volatile RoundStats lastRound;

    /**
     * @param vertx     the Vert.x instance; timers run on the context current at {@link #start()}
     * @param pool      reads and writes (never for advisory locks)
     * @param lease     this replica's one lease session; shard locks live on it
     * @param drivers   the driver registry (its clock should be {@code clock}: observed-at instants are converted
     *                  to database time with an offset measured against {@code clock})
     * @param clock     local time
     * @param settings  knobs
     * @param meters    metrics ({@link MetricNames#TELEMETRY_POLL_DURATION}, {@code TELEMETRY_POLL_FAILURES},
     *                  {@code TELEMETRY_SHARDS_HELD})
     * @param replicaId this replica's id ({@code reconciler_member.id})
     */
    public TelemetryPoller(Vertx vertx, Pool pool, LeaseConnection lease, DriverRegistry drivers, Clock clock,
            PollerSettings settings, MeterRegistry meters, String replicaId) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.drivers = Objects.requireNonNull(drivers, "drivers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.replicaId = Objects.requireNonNull(replicaId, "replicaId");
        this.store = new TelemetryStore(Objects.requireNonNull(pool, "pool"), settings.efficiencyAlpha());
        this.balancer = new ShardBalancer(settings.shardCount(), replicaId.hashCode(), settings.orphanGrace(),
                settings.liveWindow(), settings.releaseBackoffMax());
        this.roundTimer = Timer.builder(MetricNames.TELEMETRY_POLL_DURATION)
                .description("One telemetry poll round over the shards this replica owns")
                .register(meters);
        meters.gauge(MetricNames.TELEMETRY_SHARDS_HELD, shardsGauge);
    }

    // ------------------------------------------------------------------------------------------------ public API

    /** Registers a listener told about every finished round (on the poller's context). */
    public void onRound(RoundListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Starts the shard checks (at once, then every {@code shardCheckInterval}) and the rounds (the first right after
     * the first check that holds shards, then every {@code pollInterval}). Call it on the lease connection's context.
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        context = vertx.getOrCreateContext();
        onContext = command -> context.runOnContext(command);
        lease.onLoss(cause -> onContext.execute(() -> leaseLost(cause)));
        context.runOnContext(() -> {
            if (stopped) {
                return;
            }
            checkTimerId = vertx.setPeriodic(settings.shardCheckInterval().toMillis(), id -> checkShards());
            roundTimerId = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> startRound(null));
            checkShards();
        });
    }

    /**
     * Stops: no new checks or rounds, the round in flight is abandoned (reads cancelled, unwritten results dropped;
     * a write already sent is awaited), every shard lock released, and with {@code heartbeat} this replica's member
     * row deleted so the others rebalance at once. Idempotent.
     */
    public Uni<Void> stop() {
        synchronized (this) {
            if (!started) {
                stopped = true;
                return Uni.createFrom().voidItem();
            }
        }
        return Uni.createFrom().<Void>emitter(done -> context.runOnContext(() -> {
            if (stopped) {
                done.complete(null);
                return;
            }
            stopped = true;
            vertx.cancelTimer(checkTimerId);
            vertx.cancelTimer(roundTimerId);
            Uni<Void> roundDone = round == null ? Uni.createFrom().voidItem() : round.abandonAndAwait();
            roundDone
                    .chain(this::releaseAll)
                    .chain(() -> settings.heartbeat() ? counted(store.leave(replicaId)) : Uni.createFrom().voidItem())
                    .subscribe().with(ok -> done.complete(null), failure -> {
                        LOG.warnf(failure, "telemetry poller stop: cleanup failed (locks go with the session)");
                        done.complete(null);
                    });
        }));
    }

    /** The shards this replica holds (last verified). */
    public Set<Integer> ownedShards() {
        return heldView;
    }

    /** The last finished round, if any. */
    public Optional<RoundStats> lastRoundStats() {
        return Optional.ofNullable(lastRound);
    }

    /** Database statements issued since construction (rounds, shard checks, heartbeats). */
    public long statementsIssued() {
        return statements.get();
    }

    /**
     * Runs a round now over the shards held (for tools and tests; the interval timer keeps running). Fails with
     * {@link IllegalStateException} when a round is already in flight or the poller is not running.
     */
    public Uni<RoundStats> pollOnce() {
        return Uni.createFrom().<RoundStats>emitter(result -> {
            if (context == null) {
                result.fail(new IllegalStateException("not started"));
                return;
            }
            context.runOnContext(() -> {
                if (stopped || round != null) {
                    result.fail(new IllegalStateException(stopped ? "stopped" : "a round is in flight"));
                    return;
                }
                startRound(result::complete);
            });
        });
    }

    // ------------------------------------------------------------------------------------------------ shard leases

    private void checkShards() {
        if (stopped || checking) {
            return;
        }
        checking = true;
        Uni<Void> heartbeat = settings.heartbeat() && lease.isUp()
                ? counted(store.heartbeat(replicaId, held.size()))
                : Uni.createFrom().voidItem();
        heartbeat
                .chain(() -> lease.isUp() ? rebalance() : dropAll("lease connection down"))
                .subscribe().with(ok -> {
                    checking = false;
                    if (!firstRoundDone && !held.isEmpty() && round == null && !stopped) {
                        startRound(null);
                    }
                }, failure -> {
                    checking = false;
                    LOG.warnf("telemetry shard check failed: %s", failure.toString());
                });
    }

    private Uni<Void> rebalance() {
        int pid = lease.backendPid();
        return verifyHeld()
                .chain(() -> counted(store.clusterView(settings.liveWindow(), replicaId, settings.shardCount(), pid)))
                .chain(view -> {
                    if (stopped || !lease.isUp()) {
                        return Uni.createFrom().voidItem();
                    }
                    Instant now = clock.instant();
                    Set<Integer> pinned = round == null ? Set.of() : round.shards;
                    ShardBalancer.Plan plan = balancer.plan(now, Set.copyOf(held), pinned, view.ownedByOthers(),
                            view.liveReplicas());
                    return release(plan.release(), "fair share " + plan.share())
                            .invoke(() -> balancer.released(clock.instant(), plan.release()))
                            .chain(() -> acquire(plan, plan.candidates().iterator(), new ArrayList<>(),
                                    new ArrayList<>()));
                });
    }

    /** Drops from {@code held} whatever pg_locks says this session no longer holds. */
    private Uni<Void> verifyHeld() {
        return counted(lease.heldKeys()).map(keys -> {
            Set<Integer> verified = shardsOf(keys);
            if (held.retainAll(verified)) {
                LOG.warnf("telemetry shards lost without a session loss; now holding %d", verified.size());
            }
            publish();
            return null;
        });
    }

    private Uni<Void> release(List<Integer> shards, String why) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Integer shard : shards) {
            // Out of `held` before the unlock is sent: a round starting meanwhile must not pick it.
            held.remove(shard);
            chain = chain.chain(() -> counted(lease.unlock(AdvisoryKeys.telemetryShard(shard))));
        }
        if (!shards.isEmpty()) {
            LOG.infof("telemetry shards released (%s): %s", why, shards);
            publish();
        }
        return chain;
    }

    /** Tries candidates in order: within the share first, then orphans beyond it. One lock statement at a time. */
    private Uni<Void> acquire(ShardBalancer.Plan plan, Iterator<Integer> candidates, List<Integer> withinShare,
            List<Integer> orphans) {
        while (candidates.hasNext()) {
            int shard = candidates.next();
            boolean belowShare = held.size() < plan.share();
            if (!belowShare && !plan.orphans().contains(shard)) {
                continue;
            }
            return counted(lease.tryLock(AdvisoryKeys.telemetryShard(shard))).chain(locked -> {
                if (locked) {
                    if (stopped || !lease.isUp()) {
                        return counted(lease.unlock(AdvisoryKeys.telemetryShard(shard)));
                    }
                    held.add(shard);
                    (belowShare ? withinShare : orphans).add(shard);
                }
                return acquire(plan, candidates, withinShare, orphans);
            });
        }
        balancer.taken(clock.instant(), withinShare, orphans);
        if (!withinShare.isEmpty() || !orphans.isEmpty()) {
            LOG.infof("telemetry shards taken: %s (fair share %d)%s", withinShare, plan.share(),
                    orphans.isEmpty() ? "" : ", orphans beyond the share: " + orphans);
        }
        publish();
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> releaseAll() {
        List<Integer> all = new ArrayList<>(held);
        return release(all, "stopping");
    }

    private Uni<Void> dropAll(String why) {
        if (!held.isEmpty()) {
            LOG.warnf("telemetry shards dropped (%s): %s", why, held);
            held.clear();
            balancer.reset();
            publish();
        }
        return Uni.createFrom().voidItem();
    }

    /** The session died: every lock is gone at once, so the round in flight must not write. */
    private void leaseLost(Throwable cause) {
        if (stopped) {
            return;
        }
        dropAll("lease connection lost: " + cause.getMessage());
        if (round != null) {
            round.abandon();
        }
        if (settings.heartbeat()) {
            // Leave at once so the others' fair share grows now, not when our heartbeat ages out.
            counted(store.leave(replicaId)).subscribe().with(ok -> { }, failure ->
                    LOG.debugf("leaving reconciler_member failed: %s", failure.toString()));
        }
    }

    private void publish() {
        heldView = Collections.unmodifiableSet(new TreeSet<>(held));
        shardsGauge.set(held.size());
    }

    private Set<Integer> shardsOf(Set<Long> keys) {
        Set<Integer> shards = new HashSet<>();
        for (Long key : keys) {
            if (AdvisoryKeys.namespaceOf(key) == AdvisoryKeys.NS_TELEMETRY_SHARD) {
                long id = key & 0xFFFF_FFFFL;
                if (id < settings.shardCount()) {
                    shards.add((int) id);
                }
            }
        }
        return shards;
    }

    // ------------------------------------------------------------------------------------------------ rounds

    /** @param whenDone told the round's stats (pollOnce); null for timer rounds */
    private void startRound(Consumer<RoundStats> whenDone) {
        if (stopped) {
            return;
        }
        if (round != null) {
            LOG.warnf("telemetry round %d still running at the next interval: skipping a round", round.number);
            return;
        }
        if (!lease.isUp() || held.isEmpty()) {
            if (whenDone != null) {
                whenDone.accept(new RoundStats(0, clock.instant(), Duration.ZERO, 0, 0, 0, 0, 0, 0, false));
            }
            return;
        }
        firstRoundDone = true;
        Round r = new Round(++rounds, whenDone);
        round = r;
        r.run();
    }

    /** One round; all fields confined to the context. */
    private final class Round {
        final long number;
        final Consumer<RoundStats> whenDone;
        final Instant startedAt = clock.instant();
        final Timer.Sample sample = Timer.start(meters);
        final List<UUID> polled = new ArrayList<>();
        final ArrayDeque<List<PollResult>> queue = new ArrayDeque<>();
        final List<Runnable> onFinished = new ArrayList<>();
        Set<Integer> shards = Set.of();
        Duration dbOffset = Duration.ZERO;
        List<PollResult> batch = new ArrayList<>();
        Cancellable reads;
        int statementCount;
        int failures;
        int written;
        int skipped;
        boolean readsDone;
        boolean writing;
        boolean abandoned;
        boolean finished;

        Round(long number, Consumer<RoundStats> whenDone) {
            this.number = number;
            this.whenDone = whenDone;
        }

        void run() {
            roundStatement(lease.heldKeys())
                    .chain(keys -> {
                        held.retainAll(shardsOf(keys));
                        publish();
                        shards = Set.copyOf(held);
                        if (abandoned || shards.isEmpty()) {
                            return Uni.createFrom().<List<PolledDevice>>item(List.of());
                        }
                        Instant before = clock.instant();
                        return roundStatement(store.dbNow()).chain(dbNow -> {
                            Instant after = clock.instant();
                            Instant localMid = before.plus(Duration.between(before, after).dividedBy(2));
                            dbOffset = Duration.between(localMid, dbNow);
                            return abandoned ? Uni.createFrom().item(List.<PolledDevice>of())
                                    : roundStatement(store.loadDevices(settings.shardCount(), shards));
                        });
                    })
                    .subscribe().with(this::read, failure -> {
                        LOG.warnf("telemetry round %d failed before reading: %s", number, failure.toString());
                        readsDone = true;
                        maybeFinish();
                    });
        }

        void read(List<PolledDevice> devices) {
            if (abandoned || devices.isEmpty()) {
                readsDone = true;
                maybeFinish();
                return;
            }
            reads = Multi.createFrom().iterable(devices)
                    .onItem().transformToUni(TelemetryPoller.this::readOne).merge(settings.maxConcurrentReads())
                    .emitOn(onContext)
                    .subscribe().with(this::accept, failure -> {
                        LOG.errorf(failure, "telemetry round %d: reading stopped", number);
                        readsDone = true;
                        flush();
                    }, () -> {
                        readsDone = true;
                        flush();
                    });
        }

        void accept(PollResult result) {
            if (abandoned) {
                return;
            }
            polled.add(result.deviceId());
            if (!result.success()) {
                failures++;
            }
            batch.add(result);
            if (batch.size() >= settings.writeBatchSize()) {
                queue.add(batch);
                batch = new ArrayList<>(settings.writeBatchSize());
                drain();
            }
        }

        void flush() {
            if (!batch.isEmpty() && !abandoned) {
                queue.add(batch);
                batch = new ArrayList<>();
            }
            drain();
        }

        /** One write in flight at a time; reads go on meanwhile. */
        void drain() {
            if (writing) {
                return;
            }
            List<PollResult> next = abandoned ? null : queue.poll();
            if (next == null) {
                maybeFinish();
                return;
            }
            writing = true;
            write(next).subscribe().with(ok -> {
                writing = false;
                drain();
            }, failure -> {
                LOG.warnf("telemetry round %d: a batch of %d results was not written: %s", number, next.size(),
                        failure.toString());
                skipped += next.size();
                writing = false;
                drain();
            });
        }

        /** Re-verifies the shards on the lease session, then upserts the results of the shards still held. */
        Uni<Void> write(List<PollResult> results) {
            return roundStatement(lease.heldKeys()).chain(keys -> {
                Set<Integer> stillHeld = shardsOf(keys);
                if (abandoned) {
                    skipped += results.size();
                    return Uni.createFrom().voidItem();
                }
                List<PollResult> writable = new ArrayList<>(results.size());
                for (PollResult r : results) {
                    if (stillHeld.contains(r.shard()) && shards.contains(r.shard())) {
                        writable.add(r);
                    }
                }
                if (writable.size() < results.size()) {
                    Set<Integer> lost = new TreeSet<>(shards);
                    lost.removeAll(stillHeld);
                    LOG.warnf("telemetry round %d: shards %s lost mid-round, %d results not written", number, lost,
                            results.size() - writable.size());
                    held.removeAll(lost);
                    publish();
                }
                skipped += results.size() - writable.size();
                if (writable.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                return roundStatement(store.upsert(writable, dbOffset)).map(rows -> {
                    written += rows;
                    skipped += writable.size() - rows;
                    return null;
                });
            });
        }

        /** Cancels the reads and drops unwritten results; the write in flight (if any) completes. */
        void abandon() {
            if (abandoned || finished) {
                return;
            }
            abandoned = true;
            if (reads != null) {
                reads.cancel();
            }
            readsDone = true;
            skipped += batch.size();
            batch = new ArrayList<>();
            for (List<PollResult> b : queue) {
                skipped += b.size();
            }
            queue.clear();
            maybeFinish();
        }

        Uni<Void> abandonAndAwait() {
            return Uni.createFrom().emitter(done -> {
                if (finished) {
                    done.complete(null);
                    return;
                }
                onFinished.add(() -> done.complete(null));
                abandon();
            });
        }

        void maybeFinish() {
            if (finished || writing || !readsDone || (!abandoned && (!queue.isEmpty() || !batch.isEmpty()))) {
                return;
            }
            finished = true;
            long nanos = sample.stop(roundTimer);
            RoundStats stats = new RoundStats(number, startedAt, Duration.ofNanos(nanos), shards.size(),
                    polled.size(), failures, written, skipped, statementCount, abandoned);
            lastRound = stats;
            round = null;
            LOG.debugf("telemetry round %s", stats);
            for (RoundListener listener : listeners) {
                try {
                    listener.roundFinished(stats, Collections.unmodifiableList(polled));
                } catch (RuntimeException e) {
                    LOG.warnf(e, "telemetry round listener failed");
                }
            }
            if (whenDone != null) {
                whenDone.accept(stats);
            }
            onFinished.forEach(Runnable::run);
        }

        <T> Uni<T> roundStatement(Uni<T> statement) {
            statementCount++;
            return counted(statement);
        }
    }

    /** One device's read as a result; never fails. Subscribed from any thread. */
    private Uni<PollResult> readOne(PolledDevice device) {
        return Uni.createFrom().deferred(() -> drivers.driverFor(device.endpoint()).readTelemetry(device.endpoint()))
                .map(sample -> PollResult.of(device, sample))
                .onFailure().recoverWithItem(failure -> {
                    CommandOutcome outcome = CommandOutcome.fromFailure(failure);
                    failureCounter(StatusMapping.failureReason(outcome)).increment();
                    return PollResult.failed(device, outcome, clock.instant());
                });
    }

    private Counter failureCounter(String reason) {
        return failureCounters.computeIfAbsent(reason, r -> Counter.builder(MetricNames.TELEMETRY_POLL_FAILURES)
                .description("Device telemetry polls that failed")
                .tag("reason", r)
                .register(meters));
    }

    /** Counts one statement and brings its result back onto the poller's context. */
    private <T> Uni<T> counted(Uni<T> statement) {
        return Uni.createFrom().deferred(() -> {
            statements.incrementAndGet();
            return statement;
        }).emitOn(onContext);
    }
}
