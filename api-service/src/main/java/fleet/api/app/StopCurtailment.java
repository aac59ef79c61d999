package fleet.api.app;

import com.google.rpc.Code;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.domain.state.EventState;
import fleet.persistence.curtailment.StopEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
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
        return StopEvent.beginRestore(tx, event.id(), caller.actorType())
                .map(reset -> reset.orElseThrow(() -> new IllegalStateException(
                        "event " + event.id() + " locked as " + event.state() + " but not moved to RESTORING")))
                .chain(counts -> {
                    JsonObject metadata = new JsonObject()
                            .put("reason", spec.reason())
                            .put("force", spec.force())
                            .put("min_duration_bypassed", bypassed)
                            .put("previous_state", event.state().name())
                            .put("targets_restore_pending", counts.restorePending())
                            .put("targets_resolved_uncommanded", counts.resolvedUncommanded());
                    return ActivityLog.record(tx, caller, "curtailment_stopped", event.id(), null, metadata);
                })
                .chain(() -> LockedEvent.notifyWork(tx, event.id()))
                .replaceWith(event.id());
    }
}
