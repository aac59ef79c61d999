package fleet.api.watch;

import fleet.api.app.EventQueries;
import fleet.api.app.StartCurtailment;
import fleet.curtailment.v1.WatchCurtailmentEventResponse;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * the listener was down; after every (re)connect all watched events are re-read at once. The listener is a Vert.x
 * {@link PgSubscriber}: it re-opens the session and re-LISTENs by itself, with capped exponential backoff and jitter
 * ({@link #reconnectDelayMillis}); watchers keep their streams meanwhile.
 */
@ApplicationScoped
public class WatchHub {

    static final String PROGRESS_CHANNEL = fleet.persistence.Channels.CURTAILMENT_PROGRESS;
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

    /** Messages one stream may have waiting for its transport before it is ended as too slow (D39). */
    @ConfigProperty(name = "fleet.watch.stream-buffer", defaultValue = "64")
    int streamBuffer;

    @Inject
    MeterRegistry meters;

    private final ConcurrentMap<Topic.Key, Topic> topics = new ConcurrentHashMap<>();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private final AtomicLong slowDropped = new AtomicLong();
    private final AtomicInteger queuedPeak = new AtomicInteger();
    private Counter slowDroppedCounter;
    private final Topic.FlowStats flowStats = new Topic.FlowStats() {
        @Override
        public void queued(int depth) {
            queuedPeak.accumulateAndGet(depth, Math::max);
        }

        @Override
        public void dropped() {
            slowDropped.incrementAndGet();
            slowDroppedCounter.increment();
        }
    };
    private volatile PgSubscriber subscriber;
    /** The session whose LISTENs succeeded; the subscriber's current session is listening when it is this one. */
    private volatile PgConnection listeningOn;
    private volatile boolean stopped;
    private long safetyTimer = -1;

    /**
     * What the hub holds, for tests and diagnostics. {@code queuedPeak}: the most messages any one stream has had
     * waiting for its transport since start (never above {@code fleet.watch.stream-buffer}); {@code slowDropped}:
     * streams ended RESOURCE_EXHAUSTED because their consumer did not keep up.
     */
    public record Stats(boolean listening, int listenerPid, long connects, long notifications, int watchedEvents,
            int watchers, int queuedPeak, long slowDropped) {
    }

    void onStart(@Observes StartupEvent event) {
        slowDroppedCounter = Counter.builder("fleet.watch.slow.consumers.dropped")
                .description("Watch streams ended RESOURCE_EXHAUSTED: the client did not read fast enough")
                .register(meters);
        subscriber = PgSubscriber.subscriber(vertx, options()).reconnectPolicy(this::reconnectDelayMillis);
        subscriber.channel(PROGRESS_CHANNEL).handler(this::onNotification);
        // one subscribe handler for both channels: the subscriber runs it once per (re)connect, after every LISTEN
        subscriber.channel(StartCurtailment.NOTIFY_CHANNEL).subscribeHandler(this::onListening)
                .handler(this::onNotification);
        connect(0);
        safetyTimer = vertx.setPeriodic(safetyReread.toMillis(), id -> rereadAll());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        if (safetyTimer >= 0) {
            vertx.cancelTimer(safetyTimer);
        }
        var unavailable = Status.UNAVAILABLE.withDescription("the server is shutting down; watch again").asRuntimeException();
        topics.values().forEach(t -> t.abort(unavailable));
        PgSubscriber s = subscriber;
        if (s != null) {
            s.closeAndForget();
        }
    }

    /**
     * A stream of the event's snapshot, then its changes, completing after the terminal state. The organization
     * scopes the read: another organization's event is NOT_FOUND, exactly like a missing one.
     */
    public Multi<WatchCurtailmentEventResponse> watch(UUID orgId, UUID eventId) {
        return watch(orgId, eventId, StreamTransport.ALWAYS_READY);
    }

    /**
     * The same over a transport with flow control: at most {@code fleet.watch.stream-buffer} messages wait for it;
     * a stream that would need more ends RESOURCE_EXHAUSTED ("consumer too slow; re-subscribe").
     */
    public Multi<WatchCurtailmentEventResponse> watch(UUID orgId, UUID eventId, StreamTransport transport) {
        Topic.Key key = new Topic.Key(orgId, eventId);
        return Multi.createFrom().<WatchCurtailmentEventResponse>emitter(emitter -> {
            Topic.Watcher watcher = new Topic.Watcher(emitter, transport, streamBuffer, flowStats);
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
        PgSubscriber s = subscriber;
        PgConnection c = s == null ? null : s.getDelegate().actualConnection();
        boolean listening = c != null && c == listeningOn;
        int watchers = topics.values().stream().mapToInt(Topic::watchers).sum();
        return new Stats(listening, listening ? c.processId() : 0, connects.get(), notifications.get(), topics.size(),
                watchers, queuedPeak.get(), slowDropped.get());
    }

    /** Messages one stream may have waiting for its transport ({@code fleet.watch.stream-buffer}). */
    public int streamBuffer() {
        return streamBuffer;
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

    /**
     * The first connect. {@link PgSubscriber} re-opens only a session it once had, so a failed first attempt is
     * retried here, with the same backoff.
     */
    private void connect(int attempt) {
        PgSubscriber s = subscriber;
        if (stopped) {
            return;
        }
        s.connect().subscribe().with(ok -> { }, failure -> {
            if (stopped) {
                return;
            }
            if (s.getDelegate().actualConnection() != null) {
                return; // the session opened but LISTEN failed: the subscriber closes it and reconnects by its policy
            }
            long delay = backoffMillis(attempt);
            LOG.warnf("watch: could not open the listener connection (%s); retrying in %d ms", failure.toString(), delay);
            s.closeAndForget(); // back to closed (its channels stay), so that connect() starts over
            vertx.setTimer(delay, id -> connect(attempt + 1));
        });
    }

    /** The subscriber's LISTENs succeeded on a fresh session: whatever changed while nobody listened is read now. */
    private void onListening() {
        PgConnection c = subscriber.getDelegate().actualConnection();
        if (c == null) {
            return;
        }
        if (stopped) {
            c.close(); // a reconnect that raced the shutdown; the subscriber is closed and will not reopen
            return;
        }
        // a dropped session is reported to the subscriber, which reconnects; the error itself is worth a debug line
        c.exceptionHandler(t -> LOG.debugf("watch: listener connection error: %s", t.toString()));
        listeningOn = c;
        connects.incrementAndGet();
        LOG.debugf("watch: listening on %s and %s (backend pid %d)", PROGRESS_CHANNEL, StartCurtailment.NOTIFY_CHANNEL,
                c.processId());
        rereadAll();
    }

    /** The subscriber's reconnect policy: the delay before reconnect attempt {@code attempt} (0 = right after a loss). */
    private long reconnectDelayMillis(int attempt) {
        if (stopped) {
            return -1;
        }
        long delay = backoffMillis(attempt);
        if (attempt == 0) {
            LOG.warnf("watch: the listener connection closed; reconnecting in %d ms", delay);
        } else {
            LOG.warnf("watch: could not reopen the listener connection; retrying in %d ms", delay);
        }
        return delay;
    }

    /** 250 ms doubling up to {@code fleet.watch.reconnect-max-backoff}, ±20 % jitter. */
    private long backoffMillis(int attempt) {
        long capped = Math.min(maxBackoff.toMillis(), FIRST_BACKOFF_MS << Math.min(attempt, 16));
        // ±20 % jitter, so replicas that lost the database together do not reconnect in lockstep
        return Math.max(1, capped + (long) (capped * 0.2 * (ThreadLocalRandom.current().nextDouble() * 2 - 1)));
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
