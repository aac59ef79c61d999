package fleet.api.watch;

import fleet.api.app.EventQueries;
import fleet.api.app.StartCurtailment;
import fleet.curtailment.v1.WatchCurtailmentEventResponse;
import io.grpc.Status;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Live progress of curtailment events for WatchCurtailmentEvent, driven by PostgreSQL NOTIFY rather than by
 * per-client polling.
 *
 * <p>One dedicated (unpooled) connection per api-service replica LISTENs on {@code curtailment_progress} (the
 * reconciler, after each batch of target-state writes) and {@code curtailment_work} (every Start, Stop, Update and
 * admin ending); the payload is the event id. Every watched event is one {@link Topic} whatever its number of
 * watchers: a notification costs one re-read of that event, fanned out to all its streams, and only when its state or
 * per-state rollup changed. A safety re-read per watched event (default every 5 s) covers a notification lost while
 * the listener was down; after every (re)connect all watched events are re-read at once. The listener reconnects with
 * capped exponential backoff and jitter; watchers keep their streams meanwhile.
 */
@ApplicationScoped
public class WatchHub {

    static final String PROGRESS_CHANNEL = "curtailment_progress";
    static final String APPLICATION_NAME = "fleet-api-watch";
    private static final Logger LOG = Logger.getLogger(WatchHub.class);
    private static final long FIRST_BACKOFF_MS = 250;

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> user;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    @ConfigProperty(name = "fleet.watch.safety-reread", defaultValue = "5s")
    Duration safetyReread;

    @ConfigProperty(name = "fleet.watch.reconnect-max-backoff", defaultValue = "30s")
    Duration maxBackoff;

    private final ConcurrentMap<Topic.Key, Topic> topics = new ConcurrentHashMap<>();
    private final AtomicReference<PgConnection> listener = new AtomicReference<>();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private volatile boolean stopped;
    private int failedAttempts;
    private long safetyTimer = -1;

    /** What the hub holds, for tests and diagnostics. */
    public record Stats(boolean listening, int listenerPid, long connects, long notifications, int watchedEvents,
            int watchers) {
    }

    void onStart(@Observes StartupEvent event) {
        connect();
        safetyTimer = vertx.setPeriodic(safetyReread.toMillis(), id -> rereadAll());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        if (safetyTimer >= 0) {
            vertx.cancelTimer(safetyTimer);
        }
        var unavailable = Status.UNAVAILABLE.withDescription("the server is shutting down; watch again").asRuntimeException();
        topics.values().forEach(t -> t.abort(unavailable));
        PgConnection c = listener.getAndSet(null);
        if (c != null) {
            c.closeAndForget();
        }
    }

    /**
     * A stream of the event's snapshot, then its changes, completing after the terminal state. The organization
     * scopes the read: another organization's event is NOT_FOUND, exactly like a missing one.
     */
    public Multi<WatchCurtailmentEventResponse> watch(UUID orgId, UUID eventId) {
        Topic.Key key = new Topic.Key(orgId, eventId);
        return Multi.createFrom().<WatchCurtailmentEventResponse>emitter(emitter -> {
            Topic.Watcher watcher = new Topic.Watcher(emitter);
            emitter.onTermination(() -> {
                Topic t = watcher.topic;
                if (t != null) {
                    t.leave(watcher);
                }
            });
            Topic topic = join(key, watcher);
            if (emitter.isCancelled()) {
                topic.leave(watcher);
                return;
            }
            topic.requestRead();
        }, BackPressureStrategy.BUFFER);
    }

    public Stats stats() {
        PgConnection c = listener.get();
        int watchers = topics.values().stream().mapToInt(Topic::watchers).sum();
        return new Stats(c != null, c == null ? 0 : c.processId(), connects.get(), notifications.get(), topics.size(),
                watchers);
    }

    /** The safety re-read: every watched event once, whatever the notifications said. */
    public void rereadAll() {
        topics.values().forEach(Topic::requestRead);
    }

    /** Streams open on one event (0 when nobody watches it). */
    public int watchers(UUID orgId, UUID eventId) {
        Topic t = topics.get(new Topic.Key(orgId, eventId));
        return t == null ? 0 : t.watchers();
    }

    /** Reads issued for one watched event so far (0 when nobody watches it). */
    public long reads(UUID orgId, UUID eventId) {
        Topic t = topics.get(new Topic.Key(orgId, eventId));
        return t == null ? 0 : t.reads();
    }

    private Topic join(Topic.Key key, Topic.Watcher watcher) {
        return topics.compute(key, (k, existing) -> {
            if (existing != null && existing.tryJoin(watcher)) {
                return existing;
            }
            Topic fresh = new Topic(k, this::read, closed -> topics.remove(closed.key, closed));
            fresh.tryJoin(watcher);
            return fresh;
        });
    }

    private io.smallrye.mutiny.Uni<EventQueries.EventView> read(Topic.Key key) {
        return EventQueries.get(pool, key.orgId(), key.eventId());
    }

    private void onNotification(String payload) {
        notifications.incrementAndGet();
        UUID eventId;
        try {
            eventId = UUID.fromString(payload.trim());
        } catch (IllegalArgumentException e) {
            return;
        }
        for (Topic t : topics.values()) {
            if (t.key.eventId().equals(eventId)) {
                t.requestRead();
            }
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        PgConnection.connect(vertx, options()).subscribe().with(conn -> {
            if (stopped) {
                conn.closeAndForget();
                return;
            }
            conn.notificationHandler(n -> onNotification(n.getPayload()));
            // a dropped connection is reported by the close handler; the failure itself is only worth a debug line
            conn.exceptionHandler(t -> LOG.debugf("watch: listener connection error: %s", t.toString()));
            conn.closeHandler(() -> onListenerClosed(conn));
            conn.query("LISTEN " + PROGRESS_CHANNEL).execute()
                    .chain(() -> conn.query("LISTEN " + StartCurtailment.NOTIFY_CHANNEL).execute())
                    .subscribe().with(ok -> {
                        synchronized (this) {
                            failedAttempts = 0;
                        }
                        listener.set(conn);
                        connects.incrementAndGet();
                        LOG.debugf("watch: listening on %s and %s (backend pid %d)", PROGRESS_CHANNEL,
                                StartCurtailment.NOTIFY_CHANNEL, conn.processId());
                        // whatever changed while nobody listened is picked up now
                        rereadAll();
                    }, failure -> {
                        LOG.warnf("watch: LISTEN failed (%s); reconnecting", failure.toString());
                        conn.closeAndForget();
                    });
        }, failure -> {
            LOG.warnf("watch: could not open the listener connection (%s)", failure.toString());
            scheduleReconnect();
        });
    }

    private void onListenerClosed(PgConnection conn) {
        listener.compareAndSet(conn, null);
        if (!stopped) {
            LOG.warn("watch: the listener connection closed; reconnecting");
            scheduleReconnect();
        }
    }

    private void scheduleReconnect() {
        if (stopped) {
            return;
        }
        long delay;
        synchronized (this) {
            int exponent = Math.min(failedAttempts, 16);
            failedAttempts++;
            long capped = Math.min(maxBackoff.toMillis(), FIRST_BACKOFF_MS << exponent);
            // ±20 % jitter, so replicas that lost the database together do not reconnect in lockstep
            delay = Math.max(1, capped + (long) (capped * 0.2 * (ThreadLocalRandom.current().nextDouble() * 2 - 1)));
        }
        vertx.setTimer(delay, id -> connect());
    }

    private PgConnectOptions options() {
        PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:")
                ? url.substring("vertx-reactive:".length()) : url);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        options.setTcpKeepAlive(true);
        options.addProperty("application_name", APPLICATION_NAME);
        return options;
    }
}
