package fleet.reconciler.lease;

import fleet.metrics.MetricNames;
import fleet.persistence.StateSql;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The events this replica leases: one advisory lock per event on the {@link LeaseConnection}, and a fencing epoch
 * bumped in the database on every claim. Used only from the reconciler loop's context.
 */
public final class EventLeases {

    private static final Logger LOG = Logger.getLogger(EventLeases.class);

    /** Claiming bumps the epoch (the row lock waits for a fenced writer's FOR SHARE to finish). */
    private static final String BUMP_EPOCH = StateSql.render("""
            UPDATE curtailment_event SET lease_epoch = lease_epoch + 1, lease_owner = $2, lease_claimed_at = now()
            WHERE id = $1 AND state IN {EventState.LIVE}
            RETURNING lease_epoch
            """);

    /** A held lease: the epoch is the fencing token every write of this replica carries. */
    public record Lease(UUID eventId, long key, long epoch, long generation, long sequence) {
    }

    private final LeaseConnection connection;
    private final Pool pool;
    private final String owner;
    private final Map<UUID, Lease> owned = new LinkedHashMap<>();
    /** Read by other threads (health, tests); replaced on every change made on the loop's context. */
    private volatile List<UUID> snapshot = List.of();
    private final AtomicInteger held = new AtomicInteger();
    /** Increments with every claim: verification only judges leases claimed before its pg_locks query was sent. */
    private long claims;
    private final MeterRegistry meters;

    public EventLeases(LeaseConnection connection, Pool pool, String owner, MeterRegistry meters) {
        this.connection = connection;
        this.pool = pool;
        this.owner = owner;
        this.meters = meters;
        meters.gauge(MetricNames.LEASES_HELD, held);
    }

    public Optional<Lease> lease(UUID eventId) {
        return Optional.ofNullable(owned.get(eventId));
    }

    public Collection<Lease> all() {
        return List.copyOf(owned.values());
    }

    /** The leased event ids, safe to read from any thread. */
    public List<UUID> snapshot() {
        return snapshot;
    }

    private void changed() {
        held.set(owned.size());
        snapshot = List.copyOf(owned.keySet());
    }

    public int size() {
        return owned.size();
    }

    /**
     * Tries to lease {@code eventId}: the advisory lock first, then the epoch bump. Empty when another replica holds
     * it, or the event is no longer live (the lock is then released again).
     */
    public Uni<Optional<Lease>> claim(UUID eventId) {
        if (owned.containsKey(eventId)) {
            return Uni.createFrom().item(Optional.of(owned.get(eventId)));
        }
        long key = AdvisoryKeys.event(eventId);
        long generation = connection.generation();
        return connection.tryLock(key).chain(locked -> {
            if (!locked) {
                return Uni.createFrom().item(Optional.<Lease>empty());
            }
            return pool.preparedQuery(BUMP_EPOCH).execute(Tuple.of(eventId, owner)).chain(rows -> {
                if (rows.size() == 0 || generation != connection.generation()) {
                    return connection.unlock(key).replaceWith(Optional.<Lease>empty());
                }
                Row r = rows.iterator().next();
                Lease lease = new Lease(eventId, key, r.getLong("lease_epoch"), generation, ++claims);
                owned.put(eventId, lease);
                changed();
                meters.counter(MetricNames.LEASE_CLAIMS).increment();
                LOG.debugf("claimed event %s at epoch %d", eventId, lease.epoch());
                return Uni.createFrom().item(Optional.of(lease));
            });
        });
    }

    /** Gives the event up (terminal, surplus, fenced). */
    public Uni<Void> release(UUID eventId, String cause) {
        Lease lease = owned.remove(eventId);
        changed();
        if (lease == null) {
            return Uni.createFrom().voidItem();
        }
        meters.counter(MetricNames.LEASES_LOST, "cause", cause).increment();
        if (lease.generation() != connection.generation()) {
            return Uni.createFrom().voidItem();
        }
        return connection.unlock(lease.key());
    }

    /** Every lease is gone (the session closed): forget them all at once. Returns the events dropped. */
    public List<UUID> dropAll(String cause) {
        List<UUID> dropped = new ArrayList<>(owned.keySet());
        if (!dropped.isEmpty()) {
            meters.counter(MetricNames.LEASES_LOST, "cause", cause).increment(dropped.size());
        }
        owned.clear();
        changed();
        return dropped;
    }

    /** Drops the leases whose lock pg_locks no longer shows for this session. Returns the events dropped. */
    public Uni<List<UUID>> verify() {
        long claimedBefore = claims;
        return connection.heldKeys().map(keys -> dropMissing(keys, claimedBefore));
    }

    /**
     * A lease claimed after the query was sent may be missing from its (older) answer: it is judged by the next
     * verification, never dropped on a stale snapshot.
     */
    private List<UUID> dropMissing(Set<Long> keys, long claimedBefore) {
        List<UUID> dropped = new ArrayList<>();
        owned.values().removeIf(lease -> {
            if (lease.sequence() > claimedBefore) {
                return false;
            }
            boolean missing = lease.generation() != connection.generation() || !keys.contains(lease.key());
            if (missing) {
                dropped.add(lease.eventId());
            }
            return missing;
        });
        if (!dropped.isEmpty()) {
            meters.counter(MetricNames.LEASES_LOST, "cause", "verify").increment(dropped.size());
            LOG.warnf("leases no longer held according to pg_locks: %s", dropped);
        }
        changed();
        return dropped;
    }
}
