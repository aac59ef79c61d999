package fleet.persistence.curtailment;

import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.persistence.GuardedUpdate;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The writes of StopCurtailment (SPEC §6.6), run inside the caller's transaction: the event moves to RESTORING (restore
 * clock and wave 0 due now) and every target that still holds its device is reset to restore-pending in one
 * set-based statement. The api-service's StopCurtailment runs them after its checks (row lock, terminal, echo,
 * {@code min_curtailed_duration_sec}), then writes its activity row and the {@code NOTIFY}; reconciler tests run the
 * same statements, so they drive the restore a real Stop begins rather than a copy of it.
 *
 * <p>The reset keeps the curtail-phase summary columns ({@code curtail_*}) so the target's history survives. A target
 * that never received a command (still PENDING, never dispatched, no retry) has nothing to undo on its miner and is
 * RESOLVED at once instead of being sent an UNCURTAIL (docs/decisions.md).
 */
public final class StopEvent {

    /**
     * A target {@code t} that never received a command: nothing was done to its miner. Every other open target's miner
     * may be asleep because of the event; Stop restores those, and AdminTerminate refuses while a PENDING event has any
     * ({@link EndEvent#possiblyCurtailed}).
     */
    static final String UNCOMMANDED = "t.state = {TargetState.PENDING} AND t.curtail_dispatched_at IS NULL"
            + " AND t.command_sent_at IS NULL AND t.retry_count = 0";

    private static final GuardedUpdate<EventState> BEGIN_RESTORE = GuardedUpdate.event("stop")
            .move(Set.of(EventState.PENDING, EventState.ACTIVE), EventState.RESTORING)
            .sql("""
                    UPDATE curtailment_event
                    SET state = {to}, restore_started_at = now(), restore_initiated_by = $2, next_wave_at = now(),
                        current_wave = 0, updated_at = now()
                    WHERE id = $1 AND state {from}
                    """);

    /**
     * One statement for every open target (RESOLVED, RELEASED, RESTORE_FAILED are done): never-commanded PENDING
     * targets → RESOLVED, everything else (CURTAIL_FAILED and UNAVAILABLE included: the miner may be asleep) →
     * PENDING with desired ACTIVE and a fresh restore budget. Counts come back aggregated, not per row.
     */
    private static final GuardedUpdate<TargetState> RESET_TARGETS = GuardedUpdate
            .target("stop-reset-targets", DesiredState.ACTIVE)
            .move(TargetState.PENDING, TargetState.RESOLVED)
            .move(TargetState.LIVE, TargetState.PENDING)
            .sql("""
                    WITH reset AS (
                        UPDATE curtailment_target t
                        SET desired_state = {phase},
                            state = CASE WHEN %1$s THEN {to.RESOLVED} ELSE {to.PENDING} END,
                            resolved_at = CASE WHEN %1$s THEN now() ELSE t.resolved_at END,
                            retry_count = 0, last_error = NULL, next_attempt_at = NULL, command_sent_at = NULL, wave = 0,
                            updated_at = now()
                        WHERE t.event_id = $1 AND t.state {from}
                        RETURNING t.state
                    )
                    SELECT count(*) FILTER (WHERE state = {TargetState.PENDING})::int AS restore_pending,
                           count(*) FILTER (WHERE state = {TargetState.RESOLVED})::int AS resolved_uncommanded
                    FROM reset
                    """.formatted(UNCOMMANDED));

    private StopEvent() {
    }

    /**
     * What the reset did to the event's open targets.
     *
     * @param restorePending      targets now waiting for their restore command
     * @param resolvedUncommanded targets that never received a command, RESOLVED at once
     */
    public record RestoreReset(int restorePending, int resolvedUncommanded) {
    }

    /**
     * Begins the restore of a PENDING or ACTIVE event. Empty (and nothing written) when the event is in neither state:
     * the guard makes a lost race a no-op, never a reset of a finished event's targets.
     *
     * @param initiatedBy the actor type recorded as {@code restore_initiated_by} ({@code user}, {@code api_key})
     */
    public static Uni<Optional<RestoreReset>> beginRestore(SqlClient tx, UUID eventId, String initiatedBy) {
        return tx.preparedQuery(BEGIN_RESTORE.sql()).execute(Tuple.of(eventId, initiatedBy)).chain(moved -> {
            if (moved.rowCount() == 0) {
                return Uni.createFrom().item(Optional.<RestoreReset>empty());
            }
            return tx.preparedQuery(RESET_TARGETS.sql()).execute(Tuple.of(eventId)).map(rows -> {
                Row counts = rows.iterator().next();
                return Optional.of(new RestoreReset(counts.getInteger("restore_pending"),
                        counts.getInteger("resolved_uncommanded")));
            });
        });
    }
}
