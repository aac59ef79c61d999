package fleet.api.app;

import com.google.rpc.Code;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.api.error.Violations;
import fleet.curtailment.v1.UpdateCurtailmentEventRequest;
import fleet.domain.state.EventState;
import fleet.persistence.curtailment.UpdateEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * UpdateCurtailmentEvent (SPEC §3): changes reason, max duration, restore batch size or restore interval of a live
 * event in one transaction (lock, update, one {@code curtailment_updated} activity row with old and new values,
 * NOTIFY so a reconciler re-reads the event).
 * <ul>
 *   <li>Echo collapse: a value equal to the one in effect is dropped before anything else is decided; only the
 *       fields that change are written and named in the activity row. When nothing changes nothing is written (no
 *       activity row, no {@code updated_at}, no NOTIFY) and the answer's {@code changed_fields} is empty.</li>
 *   <li>The field gates are Start's and apply to changes only: strict uint32 → int32, bounds, a non-admin may not
 *       exceed the organization's default max duration nor set a restore interval above 300 s, and an unbounded
 *       event may be given a bound only by an admin.</li>
 *   <li>PENDING and ACTIVE events take every field; a RESTORING event takes the restore pacing (batch size and
 *       interval, for the waves not yet started) and refuses other changes with EVENT_NOT_UPDATABLE; a terminal one
 *       is EVENT_TERMINAL.</li>
 * </ul>
 */
@ApplicationScoped
public class UpdateCurtailment {

    static final String REASON = "reason";
    static final String MAX_DURATION = "max_duration_seconds";
    static final String RESTORE_BATCH_SIZE = "restore_batch_size";
    static final String RESTORE_INTERVAL = "restore_batch_interval_sec";

    @Inject
    Pool pool;

    /**
     * A validated Update; a null field is left unchanged.
     *
     * @param maxDurationSec 0 = the organization's default, resolved inside the transaction
     */
    public record UpdateSpec(UUID eventId, String reason, Integer maxDurationSec, Integer restoreBatchSize,
            Integer restoreBatchIntervalSec) {
    }

    /** What an Update did: the event and the request fields it changed (empty = an echo, nothing written). */
    public record Updated(UUID eventId, List<String> changedFields) {
    }

    /** Field validation (INVALID_ARGUMENT, naming every bad field); the gates that need the event come later. */
    public static UpdateSpec validate(UpdateCurtailmentEventRequest r) {
        Violations v = new Violations();
        UUID eventId = v.uuid("event_id", r.getEventId(), true);
        String reason = r.hasReason() ? CurtailmentRequests.reason(v, REASON, r.getReason()) : null;
        Integer maxDuration = r.hasMaxDurationSeconds()
                ? v.bounded(MAX_DURATION, r.getMaxDurationSeconds(), 0, CurtailmentRequests.HARD_MAX_DURATION_SEC)
                : null;
        Integer interval = r.hasRestoreBatchIntervalSec()
                ? v.bounded(RESTORE_INTERVAL, r.getRestoreBatchIntervalSec(), 0, 3_600)
                : null;
        Integer batchSize = r.hasRestoreBatchSize()
                ? v.bounded(RESTORE_BATCH_SIZE, r.getRestoreBatchSize(), 0, 10_000)
                : null;
        if (!r.hasReason() && !r.hasMaxDurationSeconds() && !r.hasRestoreBatchIntervalSec() && !r.hasRestoreBatchSize()) {
            String description = "at least one of reason, max_duration_seconds, restore_batch_interval_sec,"
                    + " restore_batch_size must be set";
            v.add(REASON, description).add(MAX_DURATION, description).add(RESTORE_INTERVAL, description)
                    .add(RESTORE_BATCH_SIZE, description);
        }
        v.throwIfAny();
        return new UpdateSpec(eventId, reason, maxDuration, batchSize, interval);
    }

    public Uni<Updated> update(Caller caller, UpdateSpec spec) {
        return pool.withTransaction(tx -> LockedEvent.lock(tx, caller.orgId(), spec.eventId()).chain(event -> {
            if (event.state().isTerminal()) {
                throw event.terminalError();
            }
            Uni<Integer> orgDefault = spec.maxDurationSec() == null ? Uni.createFrom().nullItem()
                    : SelectionRunner.orgConfig(tx, caller.orgId()).map(config -> config.defaultMaxDurationSec());
            return orgDefault.chain(defaultMaxDuration -> {
                Integer requested = spec.maxDurationSec() == null || spec.maxDurationSec() != 0 ? spec.maxDurationSec()
                        : defaultMaxDuration;
                UpdateEvent.Changes changes = changes(spec, event, requested);
                checkState(event, changes);
                checkGates(caller, event, changes, defaultMaxDuration);
                return apply(tx, caller, event, changes);
            });
        }));
    }

    /** The fields of {@code spec} whose value differs from the event's (echo collapse); the rest become null. */
    private static UpdateEvent.Changes changes(UpdateSpec spec, LockedEvent event, Integer resolvedMaxDuration) {
        return new UpdateEvent.Changes(
                differs(spec.reason(), event.reason()),
                // an unbounded event (no max duration) changes with any bound
                event.allowUnbounded() ? resolvedMaxDuration : differs(resolvedMaxDuration, event.maxDurationSec()),
                differs(spec.restoreBatchSize(), event.restoreBatchSize()),
                differs(spec.restoreBatchIntervalSec(), event.restoreBatchIntervalSec()));
    }

    private static <T> T differs(T requested, T current) {
        return requested == null || Objects.equals(requested, current) ? null : requested;
    }

    /** A RESTORING event's restore is running: only its pacing can still change. */
    private static void checkState(LockedEvent event, UpdateEvent.Changes c) {
        if (event.state() == EventState.RESTORING && (c.reason() != null || c.maxDurationSec() != null)) {
            String field = c.reason() != null ? REASON : MAX_DURATION;
            Map<String, String> metadata = new HashMap<>(event.metadata());
            metadata.put("field", field);
            throw ApiErrors.domain(Code.FAILED_PRECONDITION, "EVENT_NOT_UPDATABLE", "curtailment event " + event.id()
                    + " is RESTORING: only restore_batch_size and restore_batch_interval_sec can still change, not "
                    + field, metadata);
        }
    }

    /** Start's role gates, on the values that change (an echo of a value an admin set is no escalation). */
    private static void checkGates(Caller caller, LockedEvent event, UpdateEvent.Changes c, Integer defaultMaxDuration) {
        if (c.maxDurationSec() != null) {
            if (event.allowUnbounded() && !caller.isAdmin()) {
                throw ApiErrors.domain(Code.PERMISSION_DENIED, "ADMIN_ONLY_FIELD", "max_duration_seconds on an"
                        + " unbounded event (giving it a bound) requires the ADMIN role", Map.of("field", MAX_DURATION));
            }
            CurtailmentRequests.checkMaxDurationGate(caller, c.maxDurationSec(), defaultMaxDuration, MAX_DURATION);
        }
        if (!caller.isAdmin() && c.restoreBatchIntervalSec() != null
                && c.restoreBatchIntervalSec() > CurtailmentRequests.NON_ADMIN_MAX_INTERVAL_SEC) {
            throw ApiErrors.adminOnlyField(RESTORE_INTERVAL);
        }
    }

    private static Uni<Updated> apply(SqlConnection tx, Caller caller, LockedEvent event, UpdateEvent.Changes c) {
        if (c.isEmpty()) {
            return Uni.createFrom().item(new Updated(event.id(), List.of()));
        }
        JsonObject changes = new JsonObject();
        List<String> changed = new ArrayList<>();
        if (c.reason() != null) {
            changes.put(REASON, change(event.reason(), c.reason()));
            changed.add(REASON);
        }
        if (c.maxDurationSec() != null) {
            changes.put(MAX_DURATION, change(event.maxDurationSec(), c.maxDurationSec()));
            if (event.allowUnbounded()) {
                changes.put("allow_unbounded", change(true, false));
            }
            changed.add(MAX_DURATION);
        }
        if (c.restoreBatchSize() != null) {
            changes.put(RESTORE_BATCH_SIZE, change(event.restoreBatchSize(), c.restoreBatchSize()));
            changed.add(RESTORE_BATCH_SIZE);
        }
        if (c.restoreBatchIntervalSec() != null) {
            changes.put(RESTORE_INTERVAL, change(event.restoreBatchIntervalSec(), c.restoreBatchIntervalSec()));
            changed.add(RESTORE_INTERVAL);
        }
        return UpdateEvent.apply(tx, event.id(), c)
                .chain(() -> ActivityLog.record(tx, caller, "curtailment_updated", event.id(), null,
                        new JsonObject().put("state", event.state().name()).put("changes", changes)))
                .chain(() -> LockedEvent.notifyWork(tx, event.id()))
                .replaceWith(new Updated(event.id(), List.copyOf(changed)));
    }

    private static JsonObject change(Object before, Object after) {
        return new JsonObject().put("old", before).put("new", after);
    }
}
