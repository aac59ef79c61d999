package fleet.reconciler.step;

import fleet.reconciler.ReconcilerSettings;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One reconcile step for one event, level-based (controller-runtime style): re-read the event, then do what its state
 * asks. Returns what happened so the loop can count it and release finished events.
 */
public final class EventStepper {

    /** The outcome of a step, mapped to one counter by the loop. */
    public enum Outcome {
        /** The event is live and was driven. */
        DRIVEN,
        /** The event is terminal: release the lease. */
        FINISHED,
        /** The epoch moved on: another replica owns the event. */
        FENCED
    }

    /** Per-event memory between steps (not persisted: level-based steps rebuild everything from the rows). */
    public static final class Memory {
        Instant lastConfirm = Instant.EPOCH;
        Instant lastDrift = Instant.EPOCH;
    }

    private final Pool pool;
    private final CurtailPhase curtail;
    private final RestorePhase restore;
    private final EventTransitions transitions;
    private final ReconcilerSettings settings;
    private final DbClock clock;

    public EventStepper(Pool pool, CurtailPhase curtail, RestorePhase restore, EventTransitions transitions,
            ReconcilerSettings settings, DbClock clock) {
        this.pool = pool;
        this.curtail = curtail;
        this.restore = restore;
        this.transitions = transitions;
        this.settings = settings;
        this.clock = clock;
    }

    public Uni<Outcome> step(UUID eventId, long epoch, Memory memory, BooleanSupplier cancelled) {
        return pool.preparedQuery(EventSnapshot.SELECT).execute(Tuple.of(eventId, epoch)).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().item(Outcome.FENCED);
            }
            EventSnapshot e = EventSnapshot.of(rows.iterator().next());
            clock.observe(e.dbNow());
            return switch (e.state()) {
                case PENDING, ACTIVE -> curtailStep(e, epoch, memory, cancelled).replaceWith(Outcome.DRIVEN);
                case RESTORING -> restoreStep(e, epoch, memory, cancelled).replaceWith(Outcome.DRIVEN);
                default -> Uni.createFrom().item(Outcome.FINISHED);
            };
        }).onFailure(FencedException.class).recoverWithItem(Outcome.FENCED);
    }

    private Uni<Void> curtailStep(EventSnapshot e, long epoch, Memory memory, BooleanSupplier cancelled) {
        if (e.maxDurationElapsed()) {
            return transitions.restoreOnMaxDuration(e, epoch);
        }
        Uni<Void> work = curtail.expire(e, epoch)
                .chain(() -> curtail.dispatch(e, epoch, settings.dispatchBatch(), settings.sendChunk(), cancelled));
        if (due(memory.lastConfirm, settings.confirmInterval().toMillis())) {
            memory.lastConfirm = clock.local().instant();
            work = work.chain(() -> curtail.confirm(e, epoch));
        }
        if (due(memory.lastDrift, settings.driftInterval().toMillis())) {
            memory.lastDrift = clock.local().instant();
            work = work.chain(() -> curtail.drift(e, epoch));
        }
        return work.chain(() -> transitions.activate(e, epoch))
                .chain(() -> transitions.restoreIfAllFailed(e, epoch));
    }

    private Uni<Void> restoreStep(EventSnapshot e, long epoch, Memory memory, BooleanSupplier cancelled) {
        Uni<Void> work = restore.expire(e, epoch)
                .chain(() -> restore.dispatch(e, epoch, settings.dispatchBatch(), settings.sendChunk(), cancelled));
        if (due(memory.lastConfirm, settings.confirmInterval().toMillis())) {
            memory.lastConfirm = clock.local().instant();
            work = work.chain(() -> restore.confirm(e, epoch));
        }
        return work.chain(() -> transitions.completeRestore(e, epoch));
    }

    private boolean due(Instant last, long intervalMillis) {
        // a little slack so a 2 s confirm interval on a 2 s tick does not slip to every other tick
        return clock.local().instant().toEpochMilli() - last.toEpochMilli() >= intervalMillis - 250;
    }
}
