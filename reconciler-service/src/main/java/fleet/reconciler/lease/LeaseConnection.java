package fleet.reconciler.lease;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The replica's one dedicated, unpooled PostgreSQL session (SPEC §6.1). Every advisory lock this replica holds lives
 * on it, and it LISTENs for wake-ups. See {@code package-info.java} for the invariants.
 *
 * <p>All methods must be called on the connection's Vert.x context (the reconciler loop's context).
 */
public final class LeaseConnection {

    private static final Logger LOG = Logger.getLogger(LeaseConnection.class);

    /** Server-side keepalive for this session: a dead peer is noticed in ~11 s instead of the OS default hours. */
    private static final List<String> SESSION_SETTINGS = List.of(
            "SET tcp_keepalives_idle = 5",
            "SET tcp_keepalives_interval = 2",
            "SET tcp_keepalives_count = 3",
            "SET statement_timeout = '10s'",
            "SET idle_in_transaction_session_timeout = '30s'");

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final List<String> channels;
    private final List<BiConsumer<String, String>> notificationListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Throwable>> lossListeners = new CopyOnWriteArrayList<>();

    private PgConnection connection;
    private int backendPid;
    private long generation;
    private boolean closing;

    public LeaseConnection(Vertx vertx, PgConnectOptions options, String applicationName, List<String> channels) {
        this.vertx = vertx;
        this.options = new PgConnectOptions(options).setTcpKeepAlive(true).setPipeliningLimit(256);
        this.options.addProperty("application_name", applicationName);
        this.channels = List.copyOf(channels);
    }

    /** Called with (channel, payload) for every notification received. */
    public void onNotification(BiConsumer<String, String> listener) {
        notificationListeners.add(listener);
    }

    /** Called once per lost session: every lock taken on it is gone. */
    public void onLoss(Consumer<Throwable> listener) {
        lossListeners.add(listener);
    }

    public boolean isUp() {
        return connection != null;
    }

    /** Increments each time a new session is opened; a lease remembers the generation it was taken in. */
    public long generation() {
        return generation;
    }

    public int backendPid() {
        return backendPid;
    }

    /** Opens the session if it is not open: keepalive settings, then LISTEN on every channel. */
    public Uni<Void> ensureConnected() {
        if (connection != null) {
            return Uni.createFrom().voidItem();
        }
        if (closing) {
            return Uni.createFrom().failure(new IllegalStateException("lease connection is closing"));
        }
        return PgConnection.connect(vertx, options).chain(c -> {
            Uni<Void> setup = Uni.createFrom().voidItem();
            for (String sql : SESSION_SETTINGS) {
                setup = setup.chain(() -> c.query(sql).execute().replaceWithVoid());
            }
            for (String channel : channels) {
                setup = setup.chain(() -> c.query("LISTEN " + channel).execute().replaceWithVoid());
            }
            return setup.chain(() -> c.query("SELECT pg_backend_pid()").execute())
                    .map(rows -> {
                        adopt(c, rows.iterator().next().getInteger(0));
                        return (Void) null;
                    })
                    .onFailure().call(() -> c.close());
        });
    }

    private void adopt(PgConnection c, int pid) {
        connection = c;
        backendPid = pid;
        generation++;
        long gen = generation;
        c.notificationHandler(n -> notificationListeners.forEach(l -> l.accept(n.getChannel(), n.getPayload())));
        c.closeHandler(() -> lost(gen, new IllegalStateException("lease connection closed")));
        c.exceptionHandler(e -> LOG.debugf(e, "lease connection error"));
        LOG.infof("lease connection up (backend pid %d, generation %d)", pid, gen);
    }

    private void lost(long gen, Throwable cause) {
        if (gen != generation || connection == null) {
            return;
        }
        connection = null;
        if (!closing) {
            LOG.warnf("lease connection lost (generation %d): every lease it held is gone", gen);
        }
        lossListeners.forEach(l -> l.accept(cause));
    }

    /** pg_try_advisory_lock on this session; false when someone else holds it or the session is down. */
    public Uni<Boolean> tryLock(long key) {
        PgConnection c = connection;
        if (c == null) {
            return Uni.createFrom().item(false);
        }
        return c.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(key))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /**
     * Releases {@code key}. Callers take each key at most once per session (they check their own map before
     * locking), so one unlock undoes one lock.
     */
    public Uni<Void> unlock(long key) {
        PgConnection c = connection;
        if (c == null) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(key)).replaceWithVoid();
    }

    /**
     * The advisory keys this session holds according to pg_locks. Leases are verified here, never by re-locking
     * (a re-entrant lock would only stack another hold).
     */
    public Uni<Set<Long>> heldKeys() {
        PgConnection c = connection;
        if (c == null) {
            return Uni.createFrom().item(Set.of());
        }
        return c.query("SELECT ((classid::bigint << 32) | objid::bigint) AS k FROM pg_locks"
                        + " WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND pid = pg_backend_pid()")
                .execute()
                .map(rows -> {
                    Set<Long> keys = new HashSet<>();
                    for (Row r : rows) {
                        keys.add(r.getLong("k"));
                    }
                    return keys;
                });
    }

    /** A liveness probe on the session itself. */
    public Uni<Void> ping() {
        PgConnection c = connection;
        if (c == null) {
            return Uni.createFrom().failure(new IllegalStateException("lease connection is down"));
        }
        return c.query("SELECT 1").execute().replaceWithVoid();
    }

    /** Closing the session releases every lock at once (no unlock calls needed). */
    public Uni<Void> close() {
        closing = true;
        PgConnection c = connection;
        if (c == null) {
            return Uni.createFrom().voidItem();
        }
        return c.close().onFailure().recoverWithNull().replaceWithVoid();
    }
}
