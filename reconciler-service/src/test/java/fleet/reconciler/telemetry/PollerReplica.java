package fleet.reconciler.telemetry;

import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.reconciler.lease.LeaseConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One reconciler replica as far as telemetry goes, the way a process would have it: its own Vert.x, pool, driver
 * registry and lease session, and a poller started on the lease session's context.
 */
final class PollerReplica implements AutoCloseable {

    private static final Duration AWAIT = Duration.ofSeconds(30);

    /** Short timeouts and cool-offs: a faulty simulated miner costs a round under a second. */
    static final DriverSettings DRIVER_SETTINGS = DriverSettings.builder()
            .connectTimeout(Duration.ofMillis(500)).totalTimeout(Duration.ofMillis(800))
            .breakerCoolOff(Duration.ofMillis(500)).busyRetries(0)
            .build();

    /** One finished round as a replica saw it. */
    record RoundRecord(String replica, Instant start, Instant end, RoundStats stats, Set<UUID> devices) {

        boolean overlapsInTime(RoundRecord other) {
            return start.isBefore(other.end) && other.start.isBefore(end);
        }
    }

    final String id;
    final Vertx vertx;
    final Pool pool;
    final DriverRegistry drivers;
    final LeaseConnection lease;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TelemetryPoller poller;
    final List<RoundRecord> rounds = new CopyOnWriteArrayList<>();
    private final Context context;

    PollerReplica(String id, PollerTestDb db, PollerSettings settings) {
        this(id, db, settings, DRIVER_SETTINGS);
    }

    PollerReplica(String id, PollerTestDb db, PollerSettings settings, DriverSettings driverSettings) {
        this.id = id;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
        this.pool = db.pool(vertx, 4);
        this.drivers = new DriverRegistry(vertx, Clock.systemUTC(), driverSettings);
        this.lease = new LeaseConnection(vertx, db.connectOptions(), "telemetry-test-" + id, List.of());
        this.poller = new TelemetryPoller(vertx, pool, lease, drivers, Clock.systemUTC(), settings, meters, id);
        this.context = vertx.getOrCreateContext();
        poller.onRound((stats, devices) -> rounds.add(new RoundRecord(id, stats.startedAt(),
                stats.startedAt().plus(stats.duration()), stats, new HashSet<>(devices))));
    }

    /** Opens the lease session and starts the poller, both on this replica's context. */
    PollerReplica start() {
        onContext(() -> lease.ensureConnected().invoke(poller::start)).await().atMost(AWAIT);
        return this;
    }

    /** Re-opens a lost lease session (what the session's owner, the reconcile loop, does). */
    void reconnect() {
        onContext(lease::ensureConnected).await().atMost(AWAIT);
    }

    Set<Integer> shards() {
        return poller.ownedShards();
    }

    private <T> Uni<T> onContext(java.util.function.Supplier<Uni<T>> action) {
        return Uni.createFrom().emitter(e -> context.runOnContext(() ->
                action.get().subscribe().with(e::complete, e::fail)));
    }

    @Override
    public void close() {
        try {
            poller.stop().await().atMost(AWAIT);
            onContext(lease::close).await().atMost(AWAIT);
        } finally {
            drivers.close();
            pool.close().await().atMost(AWAIT);
            vertx.close().await().atMost(AWAIT);
        }
    }
}
