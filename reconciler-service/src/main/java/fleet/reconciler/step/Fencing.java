package fleet.reconciler.step;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Every write the reconciler makes to an event or its targets runs through {@link #write}: one transaction whose first
 * statement checks this replica's lease epoch under {@code FOR SHARE}. The next owner's epoch bump (an UPDATE) waits
 * for that share lock and then makes the check fail for every later write of the old owner (SPEC §6.1 fencing).
 */
public final class Fencing {

    private static final String CHECK = "SELECT state FROM curtailment_event WHERE id = $1 AND lease_epoch = $2 FOR SHARE";

    /** Observes committed fenced writes (tests record a write log with it). */
    public interface WriteObserver {
        void committed(UUID eventId, long epoch, String what);
    }

    /** Test hook around fenced writes: park a replica mid-dispatch, or before a write, on a latch. */
    public interface WriteHook {
        Uni<Void> before(UUID eventId, String what);

        Uni<Void> after(UUID eventId, String what);
    }

    private static final WriteHook NO_HOOK = new WriteHook() {
        @Override
        public Uni<Void> before(UUID eventId, String what) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> after(UUID eventId, String what) {
            return Uni.createFrom().voidItem();
        }
    };

    private final Pool pool;
    private final String nodeId;
    private volatile WriteObserver observer = (e, epoch, what) -> { };
    private volatile WriteHook hook = NO_HOOK;

    private final Runnable lostRace;

    public Fencing(Pool pool, String nodeId, Runnable lostRace) {
        this.pool = pool;
        this.nodeId = nodeId;
        this.lostRace = lostRace;
    }

    public void observe(WriteObserver o) {
        this.observer = o;
    }

    public void hook(WriteHook h) {
        this.hook = h == null ? NO_HOOK : h;
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * Runs {@code work} in a transaction that first proves the lease is still ours and the event is in one of
     * {@code states} (wire numbers; empty = any). Fails with {@link FencedException} when the epoch moved on; yields
     * null without running {@code work} when the event left the wanted states (a lost race, not an error).
     */
    public <T> Uni<T> write(UUID eventId, long epoch, List<Integer> states, String what,
            Function<SqlConnection, Uni<T>> work) {
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        WriteHook h = hook;
        return h.before(eventId, what).chain(() -> pool.withTransaction(tx -> tx.preparedQuery(CHECK).execute(Tuple.of(eventId, epoch)).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().failure(new FencedException(eventId, epoch));
            }
            int state = rows.iterator().next().getShort("state");
            if (!states.isEmpty() && !states.contains(state)) {
                lostRace.run(); // the event moved on (e.g. a Stop won): nothing to write, never an error
                return Uni.createFrom().nullItem();
            }
            ran.set(true);
            return work.apply(tx).call(() -> tx.preparedQuery("SELECT pg_notify($1, $2)")
                    .execute(Tuple.of(fleet.persistence.Channels.CURTAILMENT_PROGRESS, eventId.toString())));
        }))).call(result -> {
            if (ran.get()) {
                observer.committed(eventId, epoch, what);
            }
            return h.after(eventId, what);
        });
    }
}
