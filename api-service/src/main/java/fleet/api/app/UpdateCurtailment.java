package fleet.api.app;

import com.google.rpc.Code;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.api.error.Violations;
import fleet.curtailment.v1.UpdateCurtailmentEventRequest;
import fleet.domain.state.EventState;
import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.UUID;

/**
 * UpdateCurtailmentEvent (SPEC §3): changes reason, max duration or restore interval of a PENDING or ACTIVE event in
 * one transaction (lock, update, one {@code curtailment_updated} activity row with old and new values, NOTIFY so a
 * reconciler re-reads the max duration). The field gates are Start's: strict uint32 → int32, bounds, a non-admin may
 * not exceed the organization's default max duration nor set a restore interval above 300 s, and an unbounded event
 * may be given a bound only by an admin. A RESTORING event is EVENT_NOT_UPDATABLE (its waves are already running),
 * a terminal one EVENT_TERMINAL.
 */
@ApplicationScoped
public class UpdateCurtailment {

    private static final String UPDATE = StateSql.render("""
            UPDATE curtailment_event
            SET reason = coalesce($2, reason),
                max_duration_sec = CASE WHEN $3::int IS NULL THEN max_duration_sec ELSE $3 END,
                allow_unbounded = CASE WHEN $3::int IS NULL THEN allow_unbounded ELSE false END,
                restore_batch_interval_sec = coalesce($4, restore_batch_interval_sec),
                updated_at = now()
            WHERE id = $1 AND state IN {EventState.PENDING, ACTIVE}
            """);

    @Inject
    Pool pool;

    /**
     * A validated Update; a null field is left unchanged.
     *
     * @param maxDurationSec 0 = the organization's default, resolved inside the transaction
     */
    public record UpdateSpec(UUID eventId, String reason, Integer maxDurationSec, Integer restoreBatchIntervalSec) {
    }

    /** Field validation and the admin gates that need no database (INVALID_ARGUMENT / PERMISSION_DENIED). */
    public static UpdateSpec validate(UpdateCurtailmentEventRequest r, Caller caller) {
        Violations v = new Violations();
        UUID eventId = v.uuid("event_id", r.getEventId(), true);
        String reason = r.hasReason() ? CurtailmentRequests.reason(v, "reason", r.getReason()) : null;
        Integer maxDuration = r.hasMaxDurationSeconds()
                ? v.bounded("max_duration_seconds", r.getMaxDurationSeconds(), 0, CurtailmentRequests.HARD_MAX_DURATION_SEC)
                : null;
        Integer interval = r.hasRestoreBatchIntervalSec()
                ? v.bounded("restore_batch_interval_sec", r.getRestoreBatchIntervalSec(), 0, 3_600)
                : null;
        if (!r.hasReason() && !r.hasMaxDurationSeconds() && !r.hasRestoreBatchIntervalSec()) {
            String description = "at least one of reason, max_duration_seconds, restore_batch_interval_sec must be set";
            v.add("reason", description).add("max_duration_seconds", description)
                    .add("restore_batch_interval_sec", description);
        }
        v.throwIfAny();
        if (!caller.isAdmin() && interval != null && interval > CurtailmentRequests.NON_ADMIN_MAX_INTERVAL_SEC) {
            throw ApiErrors.adminOnlyField("restore_batch_interval_sec");
        }
        return new UpdateSpec(eventId, reason, maxDuration, interval);
    }

    public Uni<UUID> update(Caller caller, UpdateSpec spec) {
        return pool.withTransaction(tx -> LockedEvent.lock(tx, caller.orgId(), spec.eventId()).chain(event -> {
            if (event.state().isTerminal()) {
                throw event.terminalError();
            }
            if (event.state() == EventState.RESTORING) {
                throw ApiErrors.domain(Code.FAILED_PRECONDITION, "EVENT_NOT_UPDATABLE", "curtailment event "
                        + event.id() + " is RESTORING; only PENDING and ACTIVE events can be updated", event.metadata());
            }
            if (spec.maxDurationSec() == null) {
                return apply(tx, caller, spec, event, null);
            }
            return SelectionRunner.orgConfig(tx, caller.orgId()).chain(config -> {
                int orgDefault = config.defaultMaxDurationSec();
                int requested = spec.maxDurationSec() == 0 ? orgDefault : spec.maxDurationSec();
                if (event.allowUnbounded() && !caller.isAdmin()) {
                    throw ApiErrors.domain(Code.PERMISSION_DENIED, "ADMIN_ONLY_FIELD", "max_duration_seconds on an"
                            + " unbounded event (giving it a bound) requires the ADMIN role",
                            java.util.Map.of("field", "max_duration_seconds"));
                }
                CurtailmentRequests.checkMaxDurationGate(caller, requested, orgDefault, "max_duration_seconds");
                return apply(tx, caller, spec, event, requested);
            });
        }));
    }

    private static Uni<UUID> apply(SqlConnection tx, Caller caller, UpdateSpec spec, LockedEvent event,
            Integer maxDuration) {
        JsonObject changes = new JsonObject();
        if (spec.reason() != null) {
            changes.put("reason", change(event.reason(), spec.reason()));
        }
        if (maxDuration != null) {
            changes.put("max_duration_seconds", change(event.maxDurationSec(), maxDuration));
            if (event.allowUnbounded()) {
                changes.put("allow_unbounded", change(true, false));
            }
        }
        if (spec.restoreBatchIntervalSec() != null) {
            changes.put("restore_batch_interval_sec",
                    change(event.restoreBatchIntervalSec(), spec.restoreBatchIntervalSec()));
        }
        return tx.preparedQuery(UPDATE)
                .execute(Tuple.from(Arrays.asList(event.id(), spec.reason(), maxDuration, spec.restoreBatchIntervalSec())))
                .chain(() -> ActivityLog.record(tx, caller, "curtailment_updated", event.id(), null,
                        new JsonObject().put("state", event.state().name()).put("changes", changes)))
                .chain(() -> LockedEvent.notifyWork(tx, event.id()))
                .replaceWith(event.id());
    }

    private static JsonObject change(Object before, Object after) {
        return new JsonObject().put("old", before).put("new", after);
    }
}
