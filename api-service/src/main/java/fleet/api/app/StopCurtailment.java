package fleet.api.app;

import com.google.rpc.Code;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.persistence.GuardedUpdate;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * StopCurtailment (SPEC §6.6): begins the restore of a PENDING or ACTIVE event in one transaction — lock the event
 * row, move it to RESTORING (restore clock and wave 0 due now), reset every target that still holds its device to
 * restore-pending in one set-based statement, one activity row, {@code NOTIFY curtailment_work}. A RESTORING event is
 * an idempotent echo that writes nothing; a terminal event is EVENT_TERMINAL; an ACTIVE event inside its
 * {@code min_curtailed_duration_sec} needs an admin's {@code force}.
 *
 * <p>The reset keeps the curtail-phase summary columns ({@code curtail_*}) so the target's history survives. A target
 * that never received a command (still PENDING, never dispatched, no retry) has nothing to undo on its miner and is
 * RESOLVED at once instead of being sent an UNCURTAIL (docs/decisions.md).
 */
@ApplicationScoped
public class StopCurtailment {

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
    private static final GuardedUpdate<TargetState> RESET_TARGETS = GuardedUpdate.target("stop-reset-targets", DesiredState.ACTIVE)
            .move(TargetState.PENDING, TargetState.RESOLVED)
            .move(TargetState.LIVE, TargetState.PENDING)
            .sql("""
                    WITH reset AS (
                        UPDATE curtailment_target t
                        SET desired_state = {phase},
                            state = CASE WHEN t.state = {TargetState.PENDING} AND t.curtail_dispatched_at IS NULL
                                              AND t.command_sent_at IS NULL AND t.retry_count = 0
                                         THEN {to.RESOLVED} ELSE {to.PENDING} END,
                            resolved_at = CASE WHEN t.state = {TargetState.PENDING} AND t.curtail_dispatched_at IS NULL
                                                    AND t.command_sent_at IS NULL AND t.retry_count = 0
                                               THEN now() ELSE t.resolved_at END,
                            retry_count = 0, last_error = NULL, next_attempt_at = NULL, command_sent_at = NULL, wave = 0,
                            updated_at = now()
                        WHERE t.event_id = $1 AND t.state {from}
                        RETURNING t.state
                    )
                    SELECT count(*) FILTER (WHERE state = {TargetState.PENDING})::int AS restore_pending,
                           count(*) FILTER (WHERE state = {TargetState.RESOLVED})::int AS resolved_uncommanded
                    FROM reset
                    """);

    @Inject
    Pool pool;

    /** A validated Stop: {@code force} has already been refused for non-admins; {@code reason} may be null. */
    public record StopSpec(UUID eventId, boolean force, String reason) {
    }

    /** Stops the event, or echoes a RESTORING one; returns the event id to read back. */
    public Uni<UUID> stop(Caller caller, StopSpec spec) {
        return pool.withTransaction(tx -> LockedEvent.lock(tx, caller.orgId(), spec.eventId()).chain(event -> {
            if (event.state().isTerminal()) {
                throw event.terminalError();
            }
            if (event.state() == EventState.RESTORING) {
                return Uni.createFrom().item(event.id());
            }
            boolean bypassed = event.minDurationPendingSec() > 0;
            if (bypassed && !spec.force()) {
                Map<String, String> metadata = new HashMap<>(event.metadata());
                metadata.put("min_curtailed_duration_sec", Integer.toString(event.minCurtailedDurationSec()));
                metadata.put("remaining_sec", Integer.toString(event.minDurationPendingSec()));
                throw ApiErrors.domain(Code.FAILED_PRECONDITION, "MIN_CURTAILED_DURATION_NOT_ELAPSED",
                        "the event must stay curtailed " + event.minDurationPendingSec() + " s more (min_curtailed_"
                                + "duration_sec " + event.minCurtailedDurationSec() + "); an ADMIN may stop it with force",
                        metadata);
            }
            return beginRestore(tx, caller, spec, event, bypassed);
        }));
    }

    private static Uni<UUID> beginRestore(SqlConnection tx, Caller caller, StopSpec spec, LockedEvent event,
            boolean bypassed) {
        return tx.preparedQuery(BEGIN_RESTORE.sql()).execute(Tuple.of(event.id(), caller.actorType()))
                .chain(() -> tx.preparedQuery(RESET_TARGETS.sql()).execute(Tuple.of(event.id())))
                .chain(rows -> {
                    Row counts = rows.iterator().next();
                    JsonObject metadata = new JsonObject()
                            .put("reason", spec.reason())
                            .put("force", spec.force())
                            .put("min_duration_bypassed", bypassed)
                            .put("previous_state", event.state().name())
                            .put("targets_restore_pending", counts.getInteger("restore_pending"))
                            .put("targets_resolved_uncommanded", counts.getInteger("resolved_uncommanded"));
                    return ActivityLog.record(tx, caller, "curtailment_stopped", event.id(), null, metadata);
                })
                .chain(() -> LockedEvent.notifyWork(tx, event.id()))
                .replaceWith(event.id());
    }
}
